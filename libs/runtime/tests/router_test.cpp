#include "occupancy/runtime/router.hpp"

#include <catch2/catch.hpp>
#include <vector>

#include "occupancy/contract/json.hpp"
#include "occupancy/core/utf8.hpp"
#include "occupancy/runtime/logging.hpp"

using namespace occupancy;
using runtime::Router;

namespace {

struct Sent {
  std::string topic, payload;
  int qos;
  bool retain;
};

// The scripted side of the broker: records what the router publishes.
struct RecordingTransport : runtime::Transport {
  std::vector<Sent> sent;
  void publish(const std::string& t, const std::string& p, int q, bool r) override { sent.push_back({t, p, q, r}); }
};

const char* kReading = R"({"ts":"2026-11-28T07:00:00.000Z","entity_id":"binary_sensor.office_motion","room":"office",)"
                       R"("zone":"room","kind":"motion","state":"on"})";

struct Fixture {
  RecordingTransport transport;
  runtime::Metrics metrics{"cleaner"};
  Router router{"cleaner", {{"home", "h1"}}, transport, metrics};
  std::vector<std::string> handled;
  Fixture() {
    router.on(proto::channel::raw, [this](const runtime::Inbound& in) {
      if (in.params.at("room") == "attic")
        throw runtime::Refusal("unknown_room", "/room", "room 'attic' is not configured");
      if (in.params.at("room") == "boom") throw std::runtime_error("bug");
      handled.push_back(in.params.at("room") + ":" +
                        contract::get_string(in.doc, proto::fields::reading::state).data());
    });
  }
  rapidjson::Document last_dead_letter() {
    REQUIRE(!transport.sent.empty());
    REQUIRE(transport.sent.back().topic == "occupancy/h1/dlq/cleaner");
    rapidjson::Document d;
    d.Parse(transport.sent.back().payload.c_str());
    return d;
  }
};

}  // namespace

TEST_CASE_METHOD(Fixture, "subscriptions are the contract's channels under our home", "[router]") {
  const auto subs = router.subscriptions();
  REQUIRE(subs.size() == 1);
  CHECK(subs[0].filter == "occupancy/h1/raw/+/+");
  CHECK(subs[0].qos == 1);
}

TEST_CASE_METHOD(Fixture, "valid messages reach the handler", "[router]") {
  router.dispatch("occupancy/h1/raw/office/room", kReading);
  CHECK(handled == std::vector<std::string>{"office:on"});
  CHECK(transport.sent.empty());
  CHECK(metrics.value("occupancy_messages_in_total", {{"channel", "raw"}}) == 1);
}

TEST_CASE_METHOD(Fixture, "malformed JSON goes to the DLQ with topic, payload and reason", "[router]") {
  router.dispatch("occupancy/h1/raw/office/room", "{not json");
  CHECK(handled.empty());
  auto d = last_dead_letter();
  CHECK(std::string(d["topic"].GetString()) == "occupancy/h1/raw/office/room");
  CHECK(std::string(d["payload"].GetString()) == "{not json");
  CHECK(std::string(d["error"]["keyword"].GetString()) == "parse");
  CHECK(metrics.value("occupancy_dead_letters_total", {{"reason", "parse"}}) == 1);
}

TEST_CASE_METHOD(Fixture, "wrong types name the keyword and pointer", "[router]") {
  std::string bad = kReading;
  bad.replace(bad.find("\"on\""), 4, "true");
  router.dispatch("occupancy/h1/raw/office/room", bad);
  auto d = last_dead_letter();
  CHECK(std::string(d["error"]["pointer"].GetString()) == "/state");
  CHECK(std::string(d["error"]["keyword"].GetString()) == "enum");
}

TEST_CASE_METHOD(Fixture, "handler refusals and failures are dead letters, and the next message still flows",
                 "[router]") {
  router.dispatch("occupancy/h1/raw/attic/room", kReading);
  CHECK(std::string(last_dead_letter()["error"]["keyword"].GetString()) == "unknown_room");
  router.dispatch("occupancy/h1/raw/boom/room", kReading);
  CHECK(std::string(last_dead_letter()["error"]["keyword"].GetString()) == "handler");
  CHECK(metrics.value("occupancy_errors_total", {{"kind", "handler"}}) == 1);
  router.dispatch("occupancy/h1/raw/office/room", kReading);
  CHECK(handled.size() == 1);
}

TEST_CASE_METHOD(Fixture, "long payloads are truncated in the dead letter", "[router]") {
  router.dispatch("occupancy/h1/raw/office/room", std::string(5000, 'x'));
  auto d = last_dead_letter();
  CHECK(d["payload"].GetStringLength() == Router::kDeadLetterPayloadLimit);
  CHECK(d["truncated"].GetBool());
}

TEST_CASE_METHOD(Fixture, "topics of other homes and unknown topics are not ours", "[router]") {
  router.dispatch("occupancy/h2/raw/office/room", kReading);
  CHECK(handled.empty());
  CHECK(std::string(last_dead_letter()["error"]["keyword"].GetString()) == "unknown_topic");
}

TEST_CASE_METHOD(Fixture, "outgoing messages are validated and carry the channel's QoS and retain", "[router]") {
  rapidjson::Document ok;
  ok.Parse(R"({"ts":"2026-11-28T07:00:00Z"})");
  CHECK(router.publish(proto::channel::clock, {}, ok));
  REQUIRE(transport.sent.size() == 1);
  CHECK(transport.sent[0].topic == "occupancy/h1/clock");
  CHECK(transport.sent[0].qos == 1);
  CHECK_FALSE(transport.sent[0].retain);

  rapidjson::Document bad;
  bad.Parse(R"({"ts":"noon"})");
  CHECK_FALSE(router.publish(proto::channel::clock, {}, bad));
  CHECK(transport.sent.size() == 1);
  CHECK(metrics.value("occupancy_errors_total", {{"kind", "invalid_outgoing"}}) == 1);

  CHECK(router.publish_text(proto::channel::status, {{"service", "cleaner"}}, "online"));
  CHECK(transport.sent.back().retain);
  CHECK(transport.sent.back().payload == "online");
}

TEST_CASE_METHOD(Fixture, "a payload that is not UTF-8 is a dead letter that is", "[router]") {
  router.dispatch("occupancy/h1/raw/office/room", "{\"ts\xEA\": \"\xCE\xCF\"}");
  CHECK(handled.empty());
  auto d = last_dead_letter();
  CHECK(std::string(d["error"]["keyword"].GetString()) == "encoding");
  CHECK(std::string(d["payload"].GetString()) == "{\"ts\xEF\xBF\xBD\": \"\xEF\xBF\xBD\xEF\xBF\xBD\"}");
  CHECK_FALSE(occupancy::invalid_utf8_at(transport.sent.back().payload));
}

TEST_CASE_METHOD(Fixture, "with an event-time guard, a reading from 2099 is refused and the next one flows",
                 "[router]") {
  const Millis now = *parse_iso8601("2026-11-28T07:01:00Z");
  router.guard_event_time(EventTimeGuard({}, [now] { return now; }));
  std::string far = kReading;
  far.replace(far.find("2026"), 4, "2099");
  router.dispatch("occupancy/h1/raw/office/room", far);
  CHECK(handled.empty());
  auto d = last_dead_letter();
  CHECK(std::string(d["error"]["keyword"].GetString()) == "event_time");
  CHECK(std::string(d["error"]["pointer"].GetString()) == "/ts");
  CHECK_THAT(d["error"]["message"].GetString(), Catch::Contains("past the wall clock"));
  router.dispatch("occupancy/h1/raw/office/room", kReading);
  CHECK(handled == std::vector<std::string>{"office:on"});
}

TEST_CASE("a handler runs inside its message's trace scope, and publishing one logs the hop", "[router][trace]") {
  RecordingTransport transport;
  runtime::Metrics metrics{"cleaner"};
  Router router{"cleaner", {{"home", "h1"}}, transport, metrics};
  std::string seen;
  router.on(proto::channel::raw, [&](const runtime::Inbound&) { seen = std::string(runtime::current_trace_id()); });
  router.on(proto::channel::rejected,
            [&](const runtime::Inbound&) { seen = std::string(runtime::current_trace_id()); });
  const std::string traced =
      std::string(kReading).insert(std::string(kReading).size() - 1, R"(,"trace_id":"019abc0123de4f5a6b7c")");
  router.dispatch("occupancy/h1/raw/office/room", traced);
  CHECK(seen == "019abc0123de4f5a6b7c");
  CHECK(runtime::current_trace_id().empty());  // only while the handler ran
  router.dispatch("occupancy/h1/raw/office/room", kReading);
  CHECK(seen.empty());
  // A rejection names its reading's.
  router.dispatch("occupancy/h1/rejected/office/room", R"({"reading":)" + traced + R"(,"reason":"cat","detail":"x"})");
  CHECK(seen == "019abc0123de4f5a6b7c");
}

TEST_CASE("a service's payload limit (mqtt.max_payload_bytes) sends larger payloads to the dead letters", "[router]") {
  Fixture f;
  f.router.limit_payloads({std::string(kReading).size() - 1, contract::kMaxNesting});
  f.router.dispatch("occupancy/h1/raw/office/room", kReading);
  CHECK(f.handled.empty());
  const auto d = f.last_dead_letter();
  CHECK(std::string(d["error"]["keyword"].GetString()) == "size");
  f.router.limit_payloads({std::string(kReading).size(), contract::kMaxNesting});
  f.router.dispatch("occupancy/h1/raw/office/room", kReading);
  CHECK(f.handled.size() == 1);
}
