#include "occupancy/runtime/inbound_queue.hpp"

#include <catch2/catch.hpp>
#include <thread>

using occupancy::runtime::InboundQueue;
using occupancy::runtime::ReceivedMessage;
using namespace std::chrono_literals;

namespace {
ReceivedMessage message(int i) { return {"t/" + std::to_string(i), std::to_string(i)}; }
}  // namespace

TEST_CASE("the inbound queue hands messages over in order and times out when empty", "[inbound]") {
  InboundQueue q;
  for (int i = 0; i < 3; ++i) q.push(message(i));
  CHECK(q.size() == 3);
  for (int i = 0; i < 3; ++i) {
    auto m = q.pop(0ms);
    REQUIRE(m);
    CHECK(m->topic == "t/" + std::to_string(i));
  }
  CHECK_FALSE(q.pop(10ms));
  q.push(message(3));
  CHECK(q.size() == 1);
  CHECK(q.high_water() == 3);  // the deepest it has been, for /metrics
}

TEST_CASE("a consumer waiting on an empty inbound queue wakes for the next message", "[inbound]") {
  InboundQueue q;
  std::thread producer([&] {
    std::this_thread::sleep_for(50ms);
    q.push(message(7));
  });
  const auto m = q.pop(10s);
  producer.join();
  REQUIRE(m);
  CHECK(m->payload == "7");
}
