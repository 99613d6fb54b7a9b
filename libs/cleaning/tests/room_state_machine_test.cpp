#include "occupancy/cleaning/room_state_machine.hpp"

#include <catch2/catch.hpp>

#include "cleaning_test_helpers.hpp"
#include "occupancy/core/trace_id.hpp"

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
  explicit Machine(const config::HomeConfig& home) : m(home, home.cleaner) {}
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

TEST_CASE("each room change names its cause: the reading's trace id, or the rule's", "[cleaning][rooms][trace]") {
  Machine m(flat());
  auto bed_on = on(0, "binary_sensor.bed_motion", flat());
  bed_on.trace_id = "00000000000000000001";  // as the ingestor sets it
  m.apply(bed_on);
  REQUIRE_FALSE(m.changes.empty());
  // The first states of every room are the clock's; bed's occupancy is the reading's.
  CHECK(m.changes.front().trace_id == make_trace_id(kT0, "room:" + m.changes.front().room, "start"));
  CHECK(m.changes.back().room == "bed");
  CHECK(m.changes.back().trace_id == "00000000000000000001");

  auto bed_off = off(2, "binary_sensor.bed_motion", flat());  // carries none: its own is derived
  m.changes.clear();
  m.apply(bed_off);
  CHECK(m.changes.empty());  // still occupied (hold): no change, so nothing to name

  m.advance(3 * 3600);  // the bed's motion zone went quiet (a hold: the clock's change)
  CHECK(m.changes.back().trace_id == make_trace_id(kT0 + 302'000, "room:bed", "hold"));
  m.changes.clear();
  const auto hall = on(3 * 3600 + 10, "binary_sensor.hall_motion", flat());
  m.apply(hall);
  // One reading moved two rooms: the hall occupied, the bed left. Both name it.
  REQUIRE(m.changes.size() == 2);
  for (const auto& s : m.changes) CHECK(s.trace_id == trace_id_of(hall));
  CHECK(m.m.state("bed")->trace_id == trace_id_of(hall));

  // The hall's hold runs out with no reading: the clock's rule is the cause.
  m.apply(off(3 * 3600 + 12, "binary_sensor.hall_motion", flat()));
  m.changes.clear();
  m.advance(3 * 3600 + 10 + 5 * 60 + 1);
  m.advance(3 * 3600 + 10 + 25 * 3600);
  REQUIRE_FALSE(m.changes.empty());
  const auto& hall_vacant = m.changes.back();
  CHECK(hall_vacant.room == "hall");
  CHECK_FALSE(hall_vacant.occupied);
  CHECK(hall_vacant.trace_id == make_trace_id(hall_vacant.ts, "room:hall", "hold"));
  CHECK(trace_id_time(hall_vacant.trace_id) == hall_vacant.ts);
}

TEST_CASE("an id the machine minted explains itself, and a reading id does not", "[cleaning][rooms][trace]") {
  const Millis at = kT0 + 42'000;
  CHECK(cleaning::explain_rule_trace(make_trace_id(at, "room:bath", "hold"), flat()) ==
        std::optional<std::string>("a hold ran out in bath (no reading: the clock)"));
  CHECK(cleaning::explain_rule_trace(make_trace_id(at, "binary_sensor.bath_motion", "gap silent"), flat()) ==
        std::optional<std::string>("gap opened (silent): binary_sensor.bath_motion"));
  CHECK_FALSE(cleaning::explain_rule_trace(trace_id_of(on(42, "binary_sensor.bath_motion", flat())), flat()));
  CHECK_FALSE(cleaning::explain_rule_trace("not an id", flat()));
}
