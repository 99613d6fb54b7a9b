#include "occupancy/cleaning/presence_room_state.hpp"

#include <catch2/catch.hpp>

using namespace occupancy;

namespace {
config::HomeConfig office() {
  config::HomeConfig c;
  c.rooms.push_back({"office", "Office", {{"desk_anca", "anca"}, {"desk_vladimir", "vladimir"}, {"room", ""}}});
  return c;
}
Reading reading(Millis ts, std::string zone, std::string kind, SensorState s) {
  return {ts, "binary_sensor.office_" + zone, "office", std::move(zone), std::move(kind), s};
}
}  // namespace

TEST_CASE("presence zones make a room occupied until the last one ends", "[cleaning]") {
  cleaning::PresenceRoomState tracker(office());
  auto s = tracker.apply(reading(1000, "desk_anca", "presence", SensorState::on));
  REQUIRE(s);
  CHECK(s->occupied);
  CHECK(s->since == 1000);
  s = tracker.apply(reading(2000, "desk_vladimir", "presence", SensorState::on));
  REQUIRE(s);
  CHECK(s->active_zones == std::vector<std::string>{"desk_anca", "desk_vladimir"});
  CHECK(s->since == 1000);  // still the same stay
  s = tracker.apply(reading(3000, "desk_anca", "presence", SensorState::off));
  REQUIRE(s);
  CHECK(s->occupied);
  s = tracker.apply(reading(4000, "desk_vladimir", "presence", SensorState::off));
  REQUIRE(s);
  CHECK_FALSE(s->occupied);
  CHECK(s->since == 4000);
}

TEST_CASE("a repeated state changes nothing, motion does not count yet", "[cleaning]") {
  cleaning::PresenceRoomState tracker(office());
  REQUIRE(tracker.apply(reading(1000, "desk_anca", "presence", SensorState::on)));
  CHECK_FALSE(tracker.apply(reading(1500, "desk_anca", "presence", SensorState::on)));
  CHECK_FALSE(tracker.apply(reading(1600, "room", "motion", SensorState::on)));
}

TEST_CASE("an unavailable sensor makes the room unreliable, not vacant", "[cleaning]") {
  cleaning::PresenceRoomState tracker(office());
  REQUIRE(tracker.apply(reading(1000, "desk_anca", "presence", SensorState::on)));
  auto s = tracker.apply(reading(2000, "desk_anca", "presence", SensorState::unavailable));
  REQUIRE(s);
  CHECK_FALSE(s->reliable);
  CHECK(s->occupied);
  s = tracker.apply(reading(3000, "desk_anca", "presence", SensorState::on));
  REQUIRE(s);
  CHECK(s->reliable);
}
