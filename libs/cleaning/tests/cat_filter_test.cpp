// Each cat rule: a sequence where it must fire, and a close one where it must not.
#include "occupancy/cleaning/cat_filter.hpp"

#include <catch2/catch.hpp>

#include "cleaning_test_helpers.hpp"

using namespace occupancy;
using namespace occupancy::testing;

TEST_CASE("both bed sides firing within 10 s is the cat, 15 s apart it is two people", "[cleaning][cat]") {
  SECTION("fires") {
    const auto r = initial_states({kBathPresence});  // Vladimir in the bathroom, the bed empty
    const auto run =
        clean(r + leaves_bathroom(590) + std::vector{on(600, kBedroomMotion), on(601, kBedVlad), on(604, kBedAnca)});
    CHECK(verdict(run, kBedVlad, 601) == "cat");
    CHECK_THAT(detail(run, kBedVlad, 601), Catch::Contains("bed_anca and bedroom/bed_vladimir fired"));
  }
  SECTION("does not fire") {
    const auto r = initial_states({kBathPresence});  // the bed empty
    const auto run =
        clean(r + leaves_bathroom(590) +
              std::vector{on(600, kBedroomMotion), on(601, kBedVlad), off(640, kBathPresence), on(660, kBedAnca)});
    CHECK(verdict(run, kBedVlad, 601) == "clean");
    CHECK(verdict(run, kBedAnca, 660) == "clean");
  }
}

TEST_CASE("two empty rooms waking up within 5 s is the cat, 8 s apart with a person's path it is not",
          "[cleaning][cat]") {
  SECTION("fires") {
    const auto run =
        clean(quiet_night() + leaves_bathroom(590) +
              std::vector{on(600, kOfficeMotion), on(601, kDeskAnca), on(603, kLivingMotion), on(604, kKitchen)});
    CHECK(verdict(run, kLivingMotion, 603) == "cat");
    CHECK_THAT(detail(run, kLivingMotion, 603), Catch::Contains("became active 3.0 s before living_kitchen"));
    CHECK(verdict(run, kOfficeMotion, 600) == "cat");  // judged with what followed
    CHECK(verdict(run, kDeskAnca, 601) == "cat");      // the rest of the episode shares the verdict
  }
  SECTION("does not fire") {
    const auto run =
        clean(quiet_night() + leaves_bathroom(590) +
              std::vector{on(600, kOfficeMotion), on(601, kDeskAnca), on(608, kLivingMotion), on(609, kKitchen)});
    CHECK(verdict(run, kOfficeMotion, 600) == "clean");
    CHECK(verdict(run, kLivingMotion, 608) == "clean");
  }
}

TEST_CASE("motion where presence sensors see nobody is the cat, with presence following it is a person",
          "[cleaning][cat]") {
  SECTION("fires") {
    const auto run = clean(quiet_night() + leaves_bathroom(590) + std::vector{on(600, kLivingMotion)});
    CHECK(verdict(run, kLivingMotion, 600) == "cat");
    CHECK_THAT(detail(run, kLivingMotion, 600), Catch::Contains("none of its presence sensors"));
  }
  SECTION("does not fire") {
    const auto run = clean(quiet_night() + leaves_bathroom(590) + std::vector{on(600, kLivingMotion), on(602, kCouch)});
    CHECK(verdict(run, kLivingMotion, 600) == "clean");
    CHECK(verdict(run, kCouch, 602) == "clean");
  }
  SECTION("does not fire while a presence sensor of the room is unavailable") {
    const auto run = clean(quiet_night() + leaves_bathroom(590) +
                           std::vector{at(300, kKitchen, SensorState::unavailable), on(600, kLivingMotion)});
    CHECK(verdict(run, kLivingMotion, 600) == "clean");
  }
}

TEST_CASE("a room waking up with no one to come from is the cat, after the front door opens it is a person",
          "[cleaning][cat]") {
  SECTION("fires") {
    const auto run = clean(quiet_night() + std::vector{on(600, kShower)});
    CHECK(verdict(run, kShower, 600) == "cat");
    CHECK_THAT(detail(run, kShower, 600), Catch::Contains("nobody could have come into small_bathroom"));
  }
  SECTION("does not fire after the front door") {
    const auto run = clean(quiet_night() + std::vector{on(580, kFrontDoor), off(584, kFrontDoor), on(600, kShower)});
    CHECK(verdict(run, kShower, 600) == "clean");
  }
  SECTION("does not fire after a person moved in another room") {
    const auto run = clean(quiet_night() + leaves_bathroom(590) + std::vector{on(600, kShower)});
    CHECK(verdict(run, kShower, 600) == "clean");
  }
}

TEST_CASE("a door moving in the room is a person: cats do not open doors", "[cleaning][cat]") {
  const auto run = clean(
      quiet_night() + std::vector{on(600, kBedroomMotion), on(602, kBedVlad), on(605, "binary_sensor.bedroom_door")});
  CHECK(verdict(run, kBedroomMotion, 600) == "clean");
  CHECK(verdict(run, kBedVlad, 602) == "clean");
}

TEST_CASE("a cat verdict is reversed when a person settles in, and the room's sensors count again", "[cleaning][cat]") {
  // Nobody could have come (a lost front-door event, say): the arrival looks like the cat...
  auto readings = quiet_night() + std::vector{on(600, kOfficeMotion), on(601, kDeskAnca), off(603, kOfficeMotion)};
  // ...but two minutes later there is movement while the desk stays occupied: a person.
  readings = readings + std::vector{on(720, kOfficeMotion), off(722, kOfficeMotion)};
  const auto run = clean(readings);
  CHECK(verdict(run, kDeskAnca, 601) == "cat");
  CHECK(verdict(run, kOfficeMotion, 720) == "clean");
  bool readmitted = false;
  for (const auto& r : run.clean) readmitted |= r.entity_id == kDeskAnca && r.ts == kT0 + 601'000;
  CHECK(readmitted);
  // The room state sees the desk: occupied with desk_anca active after the reversal.
  const auto last_office = [&] {
    RoomState s;
    for (const auto& st : run.states)
      if (st.room == "office") s = st;
    return s;
  }();
  CHECK(last_office.occupied);
}

TEST_CASE("with the cat filter disabled every sensible reading is clean", "[cleaning][cat]") {
  auto home = default_home();
  home.cat_filter.enabled = false;
  const auto run = clean(quiet_night() + std::vector{on(600, kShower, home), on(601, kLivingMotion, home)}, home);
  CHECK(verdict(run, kShower, 600) == "clean");
  CHECK(verdict(run, kLivingMotion, 601) == "clean");
}

TEST_CASE("each sensor's first reading is the house as it was, not the cat", "[cleaning][cat]") {
  // HA's initial states: a snapshot whose times are each sensor's last change, hours apart.
  const auto run = clean(
      {on(0, kBedAnca), on(3000, kShower), on(6000, kLivingMotion), off(6010, kLivingMotion), on(6300, kLivingMotion)});
  CHECK(verdict(run, kBedAnca, 0) == "clean");
  CHECK(verdict(run, kShower, 3000) == "clean");
  CHECK(verdict(run, kLivingMotion, 6000) == "clean");
  CHECK(verdict(run, kLivingMotion, 6300) == "cat");  // a later event is judged as usual
}
