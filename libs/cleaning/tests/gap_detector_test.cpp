#include "occupancy/cleaning/gap_detector.hpp"

#include <catch2/catch.hpp>

#include "cleaning_test_helpers.hpp"

using namespace occupancy;
using namespace occupancy::testing;

TEST_CASE("unavailable opens a gap and the next good reading closes it", "[cleaning][gaps]") {
  cleaning::GapDetector gaps(default_home(), default_home().cleaner);
  std::vector<Gap> changed;
  gaps.observe(at(10, kCouch, SensorState::unavailable), changed);
  REQUIRE(changed.size() == 1);
  CHECK(changed[0].cause == "unavailable");
  CHECK_FALSE(changed[0].end);
  CHECK(gaps.in_gap(kCouch));
  gaps.observe(at(20, kCouch, SensorState::unavailable), changed);  // still the same gap
  CHECK(changed.size() == 1);
  gaps.observe(off(400, kCouch), changed);
  REQUIRE(changed.size() == 2);
  CHECK(changed[1].start == kT0 + 10'000);
  CHECK(changed[1].end == kT0 + 400'000);
  CHECK_FALSE(gaps.in_gap(kCouch));
}

TEST_CASE("a heartbeat sensor silent past its limit is in a gap, a change-only sensor is not", "[cleaning][gaps]") {
  auto home = default_home();
  for (auto& e : home.entities)
    if (e.entity_id == kCouch) e.heartbeat = true;
  cleaning::GapDetector gaps(home, home.cleaner);
  std::vector<Gap> changed;
  gaps.observe(on(0, kCouch, home), changed);
  gaps.observe(on(0, kKitchen, home), changed);
  gaps.advance(kT0 + 299'000, changed);  // limit: 5 min for presence
  CHECK(changed.empty());
  gaps.advance(kT0 + 6 * 60'000, changed);
  REQUIRE(changed.size() == 1);  // only the heartbeat sensor
  CHECK(changed[0].entity_id == kCouch);
  CHECK(changed[0].cause == "silent");
  CHECK(changed[0].start == kT0);
  gaps.observe(on(400, kCouch, home), changed);  // a heartbeat (same state) closes it
  REQUIRE(changed.size() == 2);
  CHECK(changed[1].end == kT0 + 400'000);
}

TEST_CASE("a gap makes the room unreliable but never vacant", "[cleaning][gaps]") {
  const auto run =
      clean(quiet_night() + std::vector{at(100, kBathPresence, SensorState::unavailable), on(2000, kBathPresence)});
  std::vector<RoomState> bathroom;
  for (const auto& s : run.states)
    if (s.room == "bathroom") bathroom.push_back(s);
  REQUIRE(bathroom.size() >= 3);
  const auto during = std::find_if(bathroom.begin(), bathroom.end(), [](const RoomState& s) { return !s.reliable; });
  REQUIRE(during != bathroom.end());
  CHECK(during->occupied);  // the last known state stands
  CHECK(bathroom.back().reliable);
  REQUIRE(run.gaps.size() == 1);
  CHECK(run.gaps[0].end == kT0 + 2'000'000);
}
