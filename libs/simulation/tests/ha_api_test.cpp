// The simulated HA's protocol, driven by scripted messages (no sockets).
#include "occupancy/simulation/ha_api.hpp"

#include <rapidjson/document.h>

#include <catch2/catch.hpp>

#include "unit_helpers.hpp"

using namespace occupancy;
using namespace occupancy::simulation;

namespace {

config::HomeConfig tiny_home() {
  return config::parse_config(R"(
home: t
timezone: UTC
rooms: [{ id: office, zones: [{ id: desk }] }]
entities: [{ entity_id: binary_sensor.office_desk, room: office, zone: desk, kind: presence }]
horizons_min: [15]
)",
                              "t.yaml", [](std::string_view) { return std::optional<std::string>{}; });
}

const Millis T0 = *parse_iso8601("2026-01-05T10:00:00Z");

std::vector<SimEvent> events() {
  return {{T0, "binary_sensor.office_desk", SensorState::off, Cause::person, ""},
          {T0 + 60000, "binary_sensor.office_desk", SensorState::on, Cause::person, ""},
          {T0 + 120000, "binary_sensor.office_desk", SensorState::off, Cause::person, ""}};
}

std::string str(const rapidjson::Value& v) { return v.IsString() ? v.GetString() : "<not a string>"; }

rapidjson::Document json(const std::string& s) { return testing::parse_json(s); }

}  // namespace

TEST_CASE("auth: auth_required, then auth_ok for the right token", "[ha]") {
  const auto cfg = tiny_home();
  HaHome home(cfg, events());
  HaWebSocketSession s(home, "secret");
  CHECK(str(json(s.hello())["type"]) == "auth_required");
  auto out = s.receive(R"({"type":"auth","access_token":"secret"})", T0);
  REQUIRE(out.messages.size() == 1);
  CHECK(str(json(out.messages[0])["type"]) == "auth_ok");
  CHECK(std::string(json(out.messages[0])["ha_version"].GetString()) == kSimulatedHaVersion);
  CHECK_FALSE(out.close);
}

TEST_CASE("auth: a wrong token or a command before auth closes with auth_invalid", "[ha]") {
  const auto cfg = tiny_home();
  HaHome home(cfg, events());
  HaWebSocketSession s(home, "secret");
  auto out = s.receive(R"({"type":"auth","access_token":"nope"})", T0);
  CHECK(str(json(out.messages[0])["type"]) == "auth_invalid");
  CHECK(out.close);
  HaWebSocketSession s2(home, "secret");
  out = s2.receive(R"({"id":1,"type":"ping"})", T0);
  CHECK(str(json(out.messages[0])["type"]) == "auth_invalid");
  CHECK(out.close);
}

TEST_CASE("commands: ping, results, errors", "[ha]") {
  const auto cfg = tiny_home();
  HaHome home(cfg, events());
  HaWebSocketSession s(home, "secret");
  s.receive(R"({"type":"auth","access_token":"secret"})", T0);
  CHECK(s.receive(R"({"id":1,"type":"ping"})", T0).messages[0] == R"({"id":1,"type":"pong"})");
  auto r = json(s.receive(R"({"id":1,"type":"ping"})", T0).messages[0]);
  CHECK(str(r["error"]["code"]) == "id_reuse");
  r = json(s.receive(R"({"id":2,"type":"fly"})", T0).messages[0]);
  CHECK_FALSE(r["success"].GetBool());
  CHECK(str(r["error"]["code"]) == "unknown_command");
  r = json(s.receive(R"({"id":3,"type":"get_states"})", T0 + 90000).messages[0]);
  REQUIRE(r["result"].IsArray());
  CHECK(str(r["result"][0]["state"]) == "on");
  CHECK(str(r["result"][0]["attributes"]["device_class"]) == "occupancy");
}

TEST_CASE("subscribe_events state_changed delivers HA's event shape", "[ha]") {
  const auto cfg = tiny_home();
  HaHome home(cfg, events());
  HaWebSocketSession s(home, "secret");
  s.receive(R"({"type":"auth","access_token":"secret"})", T0);
  auto r = json(s.receive(R"({"id":5,"type":"subscribe_events","event_type":"state_changed"})", T0).messages[0]);
  CHECK(str(r["type"]) == "result");
  CHECK(r["success"].GetBool());
  CHECK(r["result"].IsNull());
  const auto& ev = home.events();
  const auto msgs = s.on_change(ev[1], &ev[0]);
  REQUIRE(msgs.size() == 1);
  const auto m = json(msgs[0]);
  CHECK(m["id"].GetInt() == 5);
  CHECK(str(m["type"]) == "event");
  CHECK(str(m["event"]["event_type"]) == "state_changed");
  CHECK(str(m["event"]["data"]["entity_id"]) == "binary_sensor.office_desk");
  CHECK(str(m["event"]["data"]["old_state"]["state"]) == "off");
  CHECK(str(m["event"]["data"]["new_state"]["state"]) == "on");
  CHECK(str(m["event"]["data"]["new_state"]["last_changed"]) == "2026-01-05T10:01:00.000000+00:00");
  CHECK(std::string(m["event"]["context"]["id"].GetString()).size() == 26);
  CHECK(str(m["event"]["origin"]) == "LOCAL");
}

TEST_CASE("subscribe_entities sends all states, then compressed changes", "[ha]") {
  const auto cfg = tiny_home();
  HaHome home(cfg, events());
  HaWebSocketSession s(home, "secret");
  s.receive(R"({"type":"auth","access_token":"secret"})", T0);
  auto out = s.receive(R"({"id":7,"type":"subscribe_entities"})", T0 + 1000);
  REQUIRE(out.messages.size() == 2);
  const auto initial = json(out.messages[1]);
  CHECK(str(initial["event"]["a"]["binary_sensor.office_desk"]["s"]) == "off");
  const auto change = json(s.on_change(home.events()[1], &home.events()[0])[0]);
  CHECK(str(change["event"]["c"]["binary_sensor.office_desk"]["+"]["s"]) == "on");
  CHECK(change["event"]["c"]["binary_sensor.office_desk"]["+"]["lc"].GetDouble() == Approx((T0 + 60000) / 1000.0));
}

TEST_CASE("REST: bearer token, /api/, history with HA's parameters", "[ha]") {
  const auto cfg = tiny_home();
  HaHome home(cfg, events());
  const auto now = T0 + 90000;  // the last event is still in the future
  CHECK(handle_rest(home, "secret", {"GET", "/api/", "", ""}, now).status == 401);
  CHECK(handle_rest(home, "secret", {"GET", "/api/", "Bearer wrong", ""}, now).status == 401);
  auto r = handle_rest(home, "secret", {"GET", "/api/", "Bearer secret", ""}, now);
  CHECK(r.status == 200);
  CHECK(str(json(r.body)["message"]) == "API running.");
  r = handle_rest(home, "secret", {"GET", "/api/history/period/2026-01-05T09:00:00Z", "Bearer secret", ""}, now);
  CHECK(r.status == 400);
  r = handle_rest(
      home, "secret",
      {"GET",
       "/api/history/period/2026-01-05T10%3A00%3A30%2B00%3A00?filter_entity_id=binary_sensor.office_desk"
       "&end_time=2026-01-05T11%3A00%3A00%2B00%3A00&minimal_response&no_attributes&significant_changes_only=0",
       "Bearer secret", ""},
      now);
  REQUIRE(r.status == 200);
  const auto h = json(r.body);
  REQUIRE(h.Size() == 1);
  REQUIRE(h[0].Size() == 2);  // the state at the start, then the change at 10:01 (10:02 has not happened)
  CHECK(str(h[0][0]["entity_id"]) == "binary_sensor.office_desk");
  CHECK(str(h[0][0]["state"]) == "off");
  CHECK(str(h[0][1]["state"]) == "on");
  CHECK_FALSE(h[0][1].HasMember("entity_id"));  // minimal_response
  CHECK(str(json(handle_rest(home, "secret", {"GET", "/api/states", "Bearer secret", ""}, now).body)[0]["state"]) ==
        "on");

  // The fault the ingestor's backfill must survive: one malformed row among good ones.
  const http::Request history{"GET",
                              "/api/history/period/2026-01-05T10%3A00%3A30%2B00%3A00?filter_entity_id="
                              "binary_sensor.office_desk&minimal_response",
                              "Bearer secret", ""};
  const auto faulty = json(handle_rest(home, "secret", history, now, RestFaults{true}).body);
  REQUIRE(faulty[0].Size() == 3);
  CHECK(str(faulty[0][2]["last_changed"]) == "not a time");
}
