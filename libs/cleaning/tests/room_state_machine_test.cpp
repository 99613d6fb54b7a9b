#include "occupancy/cleaning/room_state_machine.hpp"

#include <catch2/catch.hpp>

#include "cleaning_test_helpers.hpp"

using namespace occupancy;
using namespace occupancy::testing;

namespace {

// A small motion-only flat, as a CASAS-style export gives it.
const config::HomeConfig& flat() {
  static const auto c = config::parse_config(R"(
home: flat
timezone: UTC
rooms:
  - { id: hall, zones: [{ id: full }] }
  - { id: bath, zones: [{ id: full }, { id: door }] }
  - { id: bed, zones: [{ id: full }] }
entities:
  - { entity_id: binary_sensor.hall_motion, room: hall, zone: full, kind: motion }
  - { entity_id: binary_sensor.bath_motion, room: bath, zone: full, kind: motion }
  - { entity_id: binary_sensor.bath_door, room: bath, zone: door, kind: door }
  - { entity_id: binary_sensor.bed_motion, room: bed, zone: full, kind: motion }
horizons_min: [15, 120]
cat_filter: { enabled: false }
)",
                                             "flat.yaml", no_env());
  return c;
}

struct Machine {
  explicit Machine(const config::HomeConfig& home) : m(home) {}
  cleaning::RoomStateMachine m;
  std::vector<RoomState> changes;
  void apply(const Reading& r) { m.apply(r, changes); }
  void advance(double s) { m.advance(kT0 + static_cast<Millis>(s * 1000), changes); }
  bool occupied(const std::string& room) const { return m.state(room)->occupied; }
};

}  // namespace

TEST_CASE("presence zones count directly", "[cleaning][rooms]") {
  Machine m(default_home());
  m.apply(on(10, kDeskAnca));
  CHECK(m.occupied("office"));
  CHECK(m.m.state("office")->active_zones == std::vector<std::string>{"desk_anca"});
  m.apply(off(100, kDeskAnca));
  CHECK_FALSE(m.occupied("office"));
  CHECK(m.m.state("office")->since == kT0 + 100'000);
}

TEST_CASE("in a room with presence sensors motion holds only briefly", "[cleaning][rooms]") {
  Machine m(default_home());
  m.apply(on(10, kOfficeMotion));
  m.apply(off(12, kOfficeMotion));
  m.advance(71);
  CHECK(m.occupied("office"));  // within 60 s of the last pulse
  m.advance(73);
  CHECK_FALSE(m.occupied("office"));
  CHECK(m.m.state("office")->since == kT0 + 72'000);
}

TEST_CASE("a motion-only room holds after a pulse, then stays until activity elsewhere", "[cleaning][rooms]") {
  Machine m(flat());
  m.apply(on(0, "binary_sensor.bed_motion", flat()));
  m.apply(off(2, "binary_sensor.bed_motion", flat()));
  m.advance(3 * 3600);  // asleep, still: nothing else moves
  CHECK(m.occupied("bed"));
  m.apply(on(3 * 3600 + 10, "binary_sensor.hall_motion", flat()));  // up and about
  CHECK_FALSE(m.occupied("bed"));
  CHECK(m.occupied("hall"));

  SECTION("activity elsewhere within the hold does not end it early") {
    Machine n(flat());
    n.apply(on(0, "binary_sensor.bed_motion", flat()));
    n.apply(off(2, "binary_sensor.bed_motion", flat()));
    n.apply(on(60, "binary_sensor.hall_motion", flat()));
    CHECK(n.occupied("bed"));  // 5 min hold
    n.advance(303);
    CHECK_FALSE(n.occupied("bed"));
  }
}

TEST_CASE("a door change after the last pulse ends a motion-only stay at the door, motion after it does not",
          "[cleaning][rooms]") {
  SECTION("fires") {
    Machine m(flat());
    m.apply(on(0, "binary_sensor.bath_motion", flat()));
    m.apply(off(2, "binary_sensor.bath_motion", flat()));
    m.apply(on(60, "binary_sensor.bath_door", flat()));
    m.advance(89);
    CHECK(m.occupied("bath"));
    m.advance(91);
    CHECK_FALSE(m.occupied("bath"));
    CHECK(m.m.state("bath")->since == kT0 + 60'000);  // vacant since the door moved
  }
  SECTION("does not fire") {
    Machine m(flat());
    m.apply(on(0, "binary_sensor.bath_motion", flat()));
    m.apply(off(2, "binary_sensor.bath_motion", flat()));
    m.apply(on(60, "binary_sensor.bath_door", flat()));
    m.apply(on(70, "binary_sensor.bath_motion", flat()));  // came in, did not leave
    m.apply(off(72, "binary_sensor.bath_motion", flat()));
    m.advance(200);
    CHECK(m.occupied("bath"));
  }
}

TEST_CASE("every room announces its first state at the first event time", "[cleaning][rooms]") {
  Machine m(default_home());
  m.advance(5);
  CHECK(m.changes.size() == default_home().rooms.size());
  for (const auto& s : m.changes) {
    CHECK_FALSE(s.occupied);
    CHECK(s.reliable);
    CHECK(s.ts == kT0 + 5000);
  }
}
