#include "occupancy/ingest/ha_protocol.hpp"

#include <catch2/catch.hpp>

using namespace occupancy;
using namespace occupancy::ingest;

TEST_CASE("HA's WebSocket messages are classified", "[ingest]") {
  CHECK(parse_ha_message(R"({"type":"auth_required","ha_version":"2025.1.0"})").kind == HaMessage::Kind::auth_required);
  auto m = parse_ha_message(R"({"type":"auth_invalid","message":"Invalid access token or password"})");
  CHECK(m.kind == HaMessage::Kind::auth_invalid);
  CHECK(m.error == "Invalid access token or password");
  m = parse_ha_message(R"({"id":3,"type":"result","success":false,"error":{"code":"x","message":"nope"}})");
  CHECK(m.kind == HaMessage::Kind::result);
  CHECK(m.id == 3);
  CHECK_FALSE(m.success);
  CHECK(m.error == "nope");
  CHECK(parse_ha_message("{oops").kind == HaMessage::Kind::malformed);
  CHECK(parse_ha_message(R"({"id":9,"type":"pong"})").kind == HaMessage::Kind::pong);
}

TEST_CASE("state_changed events give the new state with HA's last_changed", "[ingest]") {
  const auto m = parse_ha_message(
      R"({"id":1,"type":"event","event":{"event_type":"state_changed","data":{"entity_id":"binary_sensor.x",)"
      R"("old_state":{"entity_id":"binary_sensor.x","state":"off","last_changed":"2026-01-05T10:00:00+00:00"},)"
      R"("new_state":{"entity_id":"binary_sensor.x","state":"on","attributes":{},)"
      R"("last_changed":"2026-01-05T10:01:00.250000+00:00","last_updated":"2026-01-05T10:01:00.250000+00:00"}},)"
      R"("origin":"LOCAL","time_fired":"2026-01-05T10:01:00.251000+00:00","context":{"id":"x"}}})");
  REQUIRE(m.kind == HaMessage::Kind::event);
  REQUIRE(m.change);
  CHECK(m.change->entity_id == "binary_sensor.x");
  CHECK(m.change->state == "on");
  CHECK(m.change->last_changed == *parse_iso8601("2026-01-05T10:01:00.250Z"));
  const auto removed = parse_ha_message(
      R"({"id":1,"type":"event","event":{"event_type":"state_changed","data":{"entity_id":"a.b","old_state":null,"new_state":null}}})");
  CHECK_FALSE(removed.change);
}

TEST_CASE("history requests and responses follow HA's REST API", "[ingest]") {
  const auto target = history_target(*parse_iso8601("2026-01-05T10:00:00Z"), *parse_iso8601("2026-01-05T11:00:00Z"),
                                     {"binary_sensor.a", "binary_sensor.b"});
  CHECK(target ==
        "/api/history/period/2026-01-05T10%3A00%3A00.000%2B00%3A00?filter_entity_id=binary_sensor.a%2Cbinary_sensor.b"
        "&end_time=2026-01-05T11%3A00%3A00.000%2B00%3A00&minimal_response&no_attributes&significant_changes_only=0");
  const auto rows = parse_history(
      R"([[{"entity_id":"binary_sensor.a","state":"off","attributes":{},"last_changed":"2026-01-05T09:00:00+00:00"},)"
      R"({"state":"on","last_changed":"2026-01-05T10:05:00.5+00:00"}],)"
      R"([{"entity_id":"binary_sensor.b","state":"unavailable","last_changed":"2026-01-05T10:00:00Z"}]])");
  REQUIRE(rows.changes.size() == 3);
  CHECK(rows.skipped.empty());
  CHECK(rows.changes[1] == StateChange{"binary_sensor.a", "on", *parse_iso8601("2026-01-05T10:05:00.500Z")});
  CHECK(rows.changes[2].entity_id == "binary_sensor.b");
  CHECK_THROWS(parse_history("{}"));
}

TEST_CASE("a bad row in HA's history is skipped and named, the rest is kept", "[ingest]") {
  const auto rows =
      parse_history(R"([[{"state":"on","last_changed":"2026-01-05T10:05:00Z"}],)"
                    R"([{"entity_id":"binary_sensor.a","state":"off","last_changed":"2026-01-05T09:00:00+00:00"},)"
                    R"({"state":"on","last_changed":"not a time"},{"state":5},"row",)"
                    R"({"state":"on","last_changed":"2026-01-05T10:07:00+00:00"}],7])");
  REQUIRE(rows.changes.size() == 2);
  CHECK(rows.changes[1] == StateChange{"binary_sensor.a", "on", *parse_iso8601("2026-01-05T10:07:00Z")});
  REQUIRE(rows.skipped.size() == 5);
  CHECK(rows.skipped[0] == "entity 1, row 1: no entity_id before it in the list");
  CHECK(rows.skipped[1] == "entity 2, row 2: no state or no valid last_changed");
  CHECK(rows.skipped[4] == "entity 3: not a list of states");
}

TEST_CASE("the current states seed the pipeline at start", "[ingest]") {
  const auto states =
      parse_states(R"([{"entity_id":"b.x","state":"on","attributes":{},"last_changed":"2026-01-05T10:00:00+00:00"},)"
                   R"({"entity_id":"a.y","state":"off","attributes":{},"last_changed":"2026-01-05T09:00:00+00:00"}])");
  REQUIRE(states.size() == 2);
  CHECK(states[0].entity_id == "a.y");  // oldest first
  CHECK_THROWS(parse_states("{}"));
}

TEST_CASE("a refused state change is quoted in HA's own fields, escaped", "[ingest]") {
  CHECK(state_change_json({"binary_sensor.a", "say \"on\"", *parse_iso8601("2026-01-05T10:00:00.250Z")}) ==
        R"({"entity_id":"binary_sensor.a","state":"say \"on\"","last_changed":"2026-01-05T10:00:00.250+00:00"})");
}
