// HaSession with scripted Home Assistant frames: the handshake, early events, the first
// connection's states, a reconnect's backfill (also interrupted), auth failure, pings.
#include "occupancy/ingest/ha_session.hpp"

#include <catch2/catch.hpp>
#include <string>

using namespace occupancy;
using namespace occupancy::ingest;

namespace {

const Millis kT0 = *parse_iso8601("2026-01-05T10:00:00Z");

std::string ha_time(Millis t) { return format_iso8601(t); }

std::string event(const std::string& entity, const std::string& state, Millis t) {
  return R"({"id":1,"type":"event","event":{"event_type":"state_changed","data":{"entity_id":")" + entity +
         R"(","new_state":{"entity_id":")" + entity + R"(","state":")" + state + R"(","last_changed":")" + ha_time(t) +
         R"("}}}})";
}

const std::string kAuthRequired = R"({"type":"auth_required","ha_version":"2025.10.0"})";
const std::string kAuthOk = R"({"type":"auth_ok","ha_version":"2025.10.0"})";
const std::string kSubscribed = R"({"id":1,"type":"result","success":true,"result":null})";

HaSession::Settings settings() {
  HaSession::Settings s;
  s.token = "secret-token";
  s.entity_ids = {"binary_sensor.a", "binary_sensor.b"};
  s.ping_every = std::chrono::seconds(30);
  s.wall_clock = false;
  return s;
}

// Through auth and subscribe; returns the output of the subscribe result.
SessionOutput handshake(HaSession& s, Millis now = kT0) {
  s.connect();
  auto out = s.on_frame(kAuthRequired, now);
  REQUIRE(out.frames.size() == 1);
  CHECK(out.frames[0] == R"({"type":"auth","access_token":"secret-token"})");
  out = s.on_frame(kAuthOk, now);
  REQUIRE(out.frames.size() == 1);
  CHECK(out.frames[0].find("subscribe_events") != std::string::npos);
  return s.on_frame(kSubscribed, now);
}

// A first session that saw one change (binary_sensor.a on at kT0 + 1 min), then lost its socket.
void live_then_lost(HaSession& s) {
  handshake(s);
  s.on_response(200, "[]");
  s.on_frame(event("binary_sensor.a", "on", kT0 + 60'000), kT0);
  s.disconnect();
}

std::vector<StateChange> changes(const SessionOutput& out) {
  std::vector<StateChange> v;
  for (const auto& i : out.items)
    if (const auto* c = std::get_if<StateChange>(&i)) v.push_back(*c);
  return v;
}

}  // namespace

TEST_CASE("first connection: auth, subscribe, then every entity's current state, then events held meanwhile",
          "[ingest][ha_session]") {
  HaSession s(settings());
  s.connect();
  CHECK(s.on_frame(kAuthRequired, kT0).frames.size() == 1);
  CHECK(s.on_frame(kAuthOk, kT0).frames.size() == 1);
  // An event may come before the subscribe result: held until the states are in.
  CHECK(s.on_frame(event("binary_sensor.a", "on", kT0 + 5'000), kT0).items.empty());
  auto out = s.on_frame(kSubscribed, kT0);
  REQUIRE(out.request);
  CHECK(out.request->target == "/api/states");
  CHECK_FALSE(s.live());
  CHECK(s.on_frame(event("binary_sensor.b", "on", kT0 + 6'000), kT0).items.empty());  // the request is out
  out = s.on_response(200, R"([{"entity_id":"binary_sensor.a","state":"off","last_changed":")" + ha_time(kT0) +
                               R"(","attributes":{}}])");
  CHECK(out.up);
  CHECK(s.live());
  REQUIRE(out.items.size() == 3);
  REQUIRE(std::holds_alternative<CurrentStates>(out.items[0]));
  CHECK(std::get<CurrentStates>(out.items[0]).states.size() == 1);
  CHECK(std::get<StateChange>(out.items[1]).state == "on");
  CHECK(std::get<StateChange>(out.items[2]).entity_id == "binary_sensor.b");
  CHECK(s.last_event() == kT0 + 6'000);
  out = s.on_frame(event("binary_sensor.a", "off", kT0 + 9'000), kT0);
  CHECK(changes(out) == std::vector<StateChange>{{"binary_sensor.a", "off", kT0 + 9'000}});
}

TEST_CASE("a reconnect backfills from the newest change seen, skipping bad rows and the window's first state",
          "[ingest][ha_session]") {
  HaSession s(settings());
  live_then_lost(s);
  auto out = handshake(s, kT0 + 600'000);
  REQUIRE(out.request);
  CHECK(out.request->target.rfind("/api/history/period/2026-01-05T10%3A01%3A00.000", 0) == 0);
  CHECK(out.request->target.find("filter_entity_id=binary_sensor.a%2Cbinary_sensor.b") != std::string::npos);
  s.on_frame(event("binary_sensor.b", "off", kT0 + 599'000), kT0);  // live, during the backfill: after it
  out = s.on_response(
      200, R"([[{"entity_id":"binary_sensor.a","state":"on","last_changed":")" + ha_time(kT0 + 60'000) +
               R"("},{"state":"off","last_changed":")" + ha_time(kT0 + 300'000) +
               R"("},{"state":"on","last_changed":"not a time"}],[{"entity_id":"binary_sensor.b","state":"on",)"
               R"("last_changed":")" +
               ha_time(kT0 + 200'000) + R"("}]])");
  CHECK(out.up);
  CHECK(changes(out) == std::vector<StateChange>{{"binary_sensor.a", "on", kT0 + 60'000},
                                                 {"binary_sensor.b", "on", kT0 + 200'000},
                                                 {"binary_sensor.a", "off", kT0 + 300'000},
                                                 {"binary_sensor.b", "off", kT0 + 599'000}});
  CHECK(s.bad_history_rows() == 1);
  REQUIRE(out.logs.size() == 2);
  CHECK_THAT(out.logs[0].text, Catch::Contains("skipped a history row"));
  CHECK_THAT(out.logs[1].text, Catch::Contains("backfilled 3 state changes"));
}

TEST_CASE("a disconnect during the backfill loses nothing: the next backfill starts from the same change",
          "[ingest][ha_session]") {
  HaSession s(settings());
  live_then_lost(s);
  const auto first = handshake(s, kT0 + 600'000);
  REQUIRE(first.request);
  s.on_frame(event("binary_sensor.b", "on", kT0 + 590'000), kT0);  // held, then the socket drops
  s.disconnect();
  CHECK(s.last_event() == kT0 + 60'000);
  const auto again = handshake(s, kT0 + 900'000);
  REQUIRE(again.request);
  CHECK(again.request->target.substr(0, 60) == first.request->target.substr(0, 60));  // same start
  const auto out = s.on_response(
      200, R"([[{"entity_id":"binary_sensor.b","state":"on","last_changed":")" + ha_time(kT0 + 590'000) + R"("}]])");
  CHECK(changes(out) == std::vector<StateChange>{{"binary_sensor.b", "on", kT0 + 590'000}});
}

TEST_CASE("a refused token, a refused subscription or a failed request ends the session", "[ingest][ha_session]") {
  HaSession s(settings());
  s.connect();
  s.on_frame(kAuthRequired, kT0);
  try {
    s.on_frame(R"({"type":"auth_invalid","message":"Invalid access token or password"})", kT0);
    FAIL("no exception");
  } catch (const SessionEnded& e) {
    CHECK(e.auth_refused());
    CHECK_THAT(e.what(), Catch::Contains("Invalid access token"));
  }
  s.connect();
  CHECK_THROWS_WITH(s.on_frame(kAuthOk, kT0), Catch::Contains("expected auth_required"));
  s.connect();
  s.on_frame(kAuthRequired, kT0);
  s.on_frame(kAuthOk, kT0);
  CHECK_THROWS_WITH(
      s.on_frame(R"({"id":1,"type":"result","success":false,"error":{"code":"x","message":"nope"}})", kT0),
      Catch::Contains("subscribe_events refused: nope"));
  handshake(s);
  CHECK_THROWS_WITH(s.on_response(500, "oops"), Catch::Contains("HTTP 500"));
  handshake(s);
  CHECK_THROWS_AS(s.on_response(200, "{not json"), SessionEnded);
  CHECK_FALSE(s.live());
}

TEST_CASE("out-of-order events pass through in arrival order and malformed frames are counted",
          "[ingest][ha_session]") {
  HaSession s(settings());
  handshake(s);
  s.on_response(200, "[]");
  s.on_frame(event("binary_sensor.a", "on", kT0 + 9'000), kT0);
  const auto out = s.on_frame(event("binary_sensor.a", "off", kT0 + 3'000), kT0);  // older: the IngestCore decides
  CHECK(changes(out).size() == 1);
  CHECK(s.last_event() == kT0 + 9'000);
  const auto bad = s.on_frame("{not json", kT0);
  CHECK(bad.items.empty());
  CHECK(s.malformed() == 1);
  CHECK_THAT(bad.logs.at(0).text, Catch::Contains("malformed"));
}

TEST_CASE("pings every interval and no pong by the next one ends the session and a silent handshake times out",
          "[ingest][ha_session]") {
  HaSession s(settings());
  handshake(s);
  s.on_response(200, "[]");
  CHECK(s.on_tick(0, kT0).frames.empty());
  auto out = s.on_tick(30'000, kT0);
  REQUIRE(out.frames.size() == 1);
  CHECK(out.frames[0] == R"({"id":2,"type":"ping"})");
  s.on_frame(R"({"id":2,"type":"pong"})", kT0);
  out = s.on_tick(60'000, kT0);
  REQUIRE(out.frames.size() == 1);
  CHECK(out.frames[0] == R"({"id":3,"type":"ping"})");
  CHECK_THROWS_WITH(s.on_tick(90'000, kT0), Catch::Contains("no pong"));

  s.connect();
  s.on_tick(100'000, kT0);
  CHECK_THROWS_WITH(s.on_tick(110'001, kT0), Catch::Contains("did not answer in time"));
}

TEST_CASE("live on the wall clock, each tick marks event time a little behind it", "[ingest][ha_session]") {
  auto settings_live = settings();
  settings_live.wall_clock = true;
  HaSession s(settings_live);
  CHECK(s.on_tick(0, kT0).items.empty());  // not connected
  handshake(s);
  CHECK(s.on_tick(0, kT0).items.empty());  // not live before the states are in
  s.on_response(200, "[]");
  const auto out = s.on_tick(0, kT0 + 10'000);
  REQUIRE(out.items.size() == 1);
  CHECK(std::get<WallMark>(out.items[0]).now == kT0 + 8'000);
}
