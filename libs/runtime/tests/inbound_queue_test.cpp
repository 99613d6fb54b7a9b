#include "occupancy/runtime/inbound_queue.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <optional>
#include <thread>

using occupancy::runtime::ConsumerInLibrary;
using occupancy::runtime::InboundQueue;
using occupancy::runtime::ReceivedMessage;
using namespace std::chrono_literals;

namespace {

ReceivedMessage message(int i) { return {"t/" + std::to_string(i), std::to_string(i)}; }

// Pushes one message on another thread; `done` tells whether push() has returned.
struct Producer {
  std::atomic<bool> done{false};
  std::thread thread;
  Producer(InboundQueue& q, int i)
      : thread([&q, i, this] {
          q.push(message(i));
          done = true;
        }) {}
  ~Producer() {
    if (thread.joinable()) thread.join();
  }
};

// A queue of one, full, with a second producer waiting on it.
struct FullQueueWithWaitingProducer {
  InboundQueue q{1};
  std::optional<Producer> second;
  FullQueueWithWaitingProducer() {
    q.push(message(0));
    second.emplace(q, 1);
    std::this_thread::sleep_for(50ms);
  }
};

}  // namespace

TEST_CASE("the inbound queue hands messages over in order and times out when empty", "[inbound]") {
  InboundQueue q(4);
  for (int i = 0; i < 3; ++i) q.push(message(i));
  CHECK(q.size() == 3);
  for (int i = 0; i < 3; ++i) {
    auto m = q.pop(0ms);
    REQUIRE(m);
    CHECK(m->topic == "t/" + std::to_string(i));
  }
  CHECK_FALSE(q.pop(10ms));
  CHECK(q.high_water() == 3);
  CHECK(q.over_capacity() == 0);
}

TEST_CASE("a full inbound queue makes the producer wait until the consumer takes one", "[inbound]") {
  InboundQueue q(2);
  q.push(message(0));
  q.push(message(1));
  Producer third(q, 2);
  std::this_thread::sleep_for(100ms);
  CHECK_FALSE(third.done);  // still waiting: the broker keeps the backlog
  CHECK(q.size() == 2);
  REQUIRE(q.pop(0ms)->topic == "t/0");
  third.thread.join();
  CHECK(third.done);
  CHECK(q.size() == 2);
  CHECK(q.high_water() == 2);
  CHECK(q.over_capacity() == 0);
  CHECK(q.pop(0ms)->topic == "t/1");
  CHECK(q.pop(0ms)->topic == "t/2");
}

TEST_CASE("a consumer inside the MQTT library lets the producer past the bound (no deadlock)", "[inbound]") {
  FullQueueWithWaitingProducer full;
  auto& q = full.q;
  auto& second = *full.second;
  CHECK_FALSE(second.done);
  {
    ConsumerInLibrary publishing(q);  // Paho's mutex is held by the waiting producer
    second.thread.join();
    {
      ConsumerInLibrary nested(q);  // publish() inside take_new_connection()
    }
    q.push(message(9));  // still inside the outer call: admitted
    q.pop(0ms);
    CHECK(q.size() == 2);
    CHECK(q.over_capacity() == 2);
  }
  Producer third(q, 2);  // the bound holds again once the consumer is back
  std::this_thread::sleep_for(50ms);
  CHECK_FALSE(third.done);
  q.pop(0ms);
  q.pop(0ms);
  third.thread.join();
  CHECK(q.pop(0ms)->topic == "t/2");
}

TEST_CASE("a closed inbound queue never makes the producer wait", "[inbound]") {
  FullQueueWithWaitingProducer full;
  CHECK_FALSE(full.second->done);
  full.q.close();
  full.second->thread.join();
  full.q.push(message(2));
  CHECK(full.q.size() == 3);
}

TEST_CASE("an inbound queue needs room for one message", "[inbound]") { CHECK_THROWS(InboundQueue(0)); }
