// The core's own rules: the hold window, repeats, order, impossible states.
#include "occupancy/cleaning/cleaner_core.hpp"

#include <algorithm>
#include <catch2/catch.hpp>

#include "cleaning_test_helpers.hpp"

using namespace occupancy;
using namespace occupancy::testing;

TEST_CASE("a reading is held for the hold window of event time, then released in time order", "[cleaning]") {
  cleaning::CleanerCore core(default_home());
  cleaning::CleanerOutput out;
  core.push(on(100, kBathPresence), out);
  core.push(on(97, kBathMotion), out);  // arrives late but within the window: reordered
  CHECK(out.clean.empty());
  CHECK(core.held() == 2);
  core.advance(kT0 + 106'999, out);
  REQUIRE(out.clean.size() == 0);
  core.advance(kT0 + 107'000, out);
  REQUIRE(out.clean.size() == 1);
  CHECK(out.clean[0].entity_id == kBathMotion);
  core.advance(kT0 + 110'000, out);
  REQUIRE(out.clean.size() == 2);
  CHECK(out.clean[1].entity_id == kBathPresence);
}

TEST_CASE("a repeated state is a duplicate, a real change is not", "[cleaning]") {
  const auto run =
      clean({on(0, kBathPresence), on(50, kBathPresence), off(100, kBathPresence), on(150, kBathPresence)});
  CHECK(verdict(run, kBathPresence, 0) == "clean");
  CHECK(verdict(run, kBathPresence, 50) == "duplicate");
  CHECK_THAT(detail(run, kBathPresence, 50), Catch::Contains("was already on since"));
  CHECK(verdict(run, kBathPresence, 100) == "clean");
  CHECK(verdict(run, kBathPresence, 150) == "clean");
}

TEST_CASE("an event older than the entity's last, beyond the hold window, is out of order", "[cleaning]") {
  cleaning::CleanerCore core(default_home());
  cleaning::CleanerOutput out;
  core.push(on(200, kBathPresence), out);
  core.advance(kT0 + 300'000, out);
  core.push(off(150, kBathPresence), out);
  REQUIRE(out.rejected.size() == 1);
  CHECK(out.rejected[0].reason == "out_of_order");
  CHECK_THAT(out.rejected[0].detail, Catch::Contains("older than binary_sensor.bathroom_presence's last event"));
  // Another entity's late reading is not out of order: it is released at once.
  core.push(on(250, kBathMotion), out);
  core.advance(kT0 + 300'000, out);
  CHECK(out.clean.back().entity_id == kBathMotion);
}

TEST_CASE("an entity the home config does not know is refused with its name", "[cleaning]") {
  cleaning::CleanerCore core(default_home());
  cleaning::CleanerOutput out;
  core.push({kT0, "binary_sensor.garage", "garage", "room", "motion", SensorState::on}, out);
  REQUIRE(out.rejected.size() == 1);
  CHECK(out.rejected[0].reason == "impossible");
  CHECK_THAT(out.rejected[0].detail, Catch::Contains("binary_sensor.garage is not in the home config"));
}

TEST_CASE("a person's zone still on long after they turned up elsewhere is stuck: impossible, gap, ignored",
          "[cleaning]") {
  SECTION("fires") {
    // Anca asleep, then at her desk (the door tells us it is a person); her bed never turns off.
    auto readings = quiet_night() + std::vector{on(1000, "binary_sensor.bedroom_door"), on(1005, kOfficeMotion),
                                                on(1006, kDeskAnca), on(2000, kFrontDoor)};
    const auto run = clean(readings);
    CHECK(verdict(run, kDeskAnca, 1006) == "clean");
    CHECK(verdict(run, kBedAnca, 0) == "impossible");  // the bed's "on", rejected after the fact
    CHECK_THAT(detail(run, kBedAnca, 0), Catch::Contains("still on 60 s after anca turned up at office/desk_anca"));
    REQUIRE(run.gaps.size() == 1);
    CHECK(run.gaps[0].entity_id == kBedAnca);
    CHECK(run.gaps[0].cause == "contradicted");
    CHECK(run.gaps[0].start == kT0 + 1'066'000);
    RoomState bedroom;
    for (const auto& s : run.states)
      if (s.room == "bedroom") bedroom = s;
    CHECK_FALSE(bedroom.occupied);  // the stuck zone no longer counts
    CHECK_FALSE(bedroom.reliable);
  }
  SECTION("does not fire when the bed turns off within the latency") {
    auto readings = quiet_night() + std::vector{on(1000, "binary_sensor.bedroom_door"), on(1005, kOfficeMotion),
                                                on(1006, kDeskAnca), off(1030, kBedAnca), on(2000, kFrontDoor)};
    const auto run = clean(readings);
    CHECK(verdict(run, kBedAnca, 0) == "clean");
    CHECK(run.gaps.empty());
  }
}

// The restart case of the hardening issue: a restarted cleaner showed occupied rooms as vacant
// until a sensor changed.
TEST_CASE("restored from the archive's last clean readings, an occupied room is occupied again at once", "[cleaning]") {
  cleaning::CleanerCore core(default_home());
  cleaning::CleanerOutput out;
  core.restore({on(0, kBathMotion), on(10, kBathPresence)}, out);
  const auto bathroom = std::find_if(out.states.begin(), out.states.end(),
                                     [&](const RoomState& s) { return s.room == on(0, kBathPresence).room; });
  REQUIRE(bathroom != out.states.end());
  CHECK(bathroom->occupied);
  CHECK(std::count_if(out.states.begin(), out.states.end(),
                      [&](const RoomState& s) { return s.room == bathroom->room; }) == 1);  // its latest only
  CHECK(out.clean.empty());                                                                 // nothing is decided twice
  out.clear();
  // The sensors' state is known: the same reading live is a repeat, not a change.
  core.push(on(120, kBathPresence), out);
  core.advance(kT0 + 200'000, out);
  REQUIRE(out.rejected.size() == 1);
  CHECK(out.rejected[0].reason == "duplicate");
  core.push(off(300, kBathPresence), out);
  core.advance(kT0 + 400'000, out);
  CHECK(out.clean.size() == 1);
}
