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

namespace {

// Only the house-empty rule among those that need the layout (as with a bare entity list).
config::HomeConfig door_only_home() {
  auto home = default_home();
  home.cat_filter.path_rule = false;
  home.cat_filter.motion_needs_presence = false;
  return home;
}

const double kMin = 60;

}  // namespace

TEST_CASE("after everyone left through the front door, motion is the pet's until the door is used again",
          "[cleaning][cat]") {
  const auto home = door_only_home();
  const auto left = initial_states({}) + std::vector{on(600, kFrontDoor, home), off(605, kFrontDoor, home)};
  SECTION("fires: nothing moved for 15 min after the door") {
    const auto run = clean(
        left + std::vector{on(600 + 20 * kMin, kLivingMotion, home), off(602 + 20 * kMin, kLivingMotion, home)}, home);
    CHECK(verdict(run, kLivingMotion, 600 + 20 * kMin) == "cat");
    CHECK_THAT(detail(run, kLivingMotion, 600 + 20 * kMin), Catch::Contains("the house is empty"));
    for (const auto& s : run.states)  // the pet does not make the room occupied
      if (s.ts >= kT0 + static_cast<Millis>((600 + 20 * kMin) * 1000))
        CHECK_FALSE((s.room == "living_kitchen" && s.occupied));
  }
  SECTION("the next arrival through the door is a person") {
    const auto run =
        clean(left + std::vector{on(600 + 20 * kMin, kLivingMotion, home), off(602 + 20 * kMin, kLivingMotion, home),
                                 on(600 + 60 * kMin, kFrontDoor, home), off(604 + 60 * kMin, kFrontDoor, home),
                                 on(615 + 60 * kMin, kLivingMotion, home)},
              home);
    CHECK(verdict(run, kLivingMotion, 600 + 20 * kMin) == "cat");
    CHECK(verdict(run, kLivingMotion, 615 + 60 * kMin) == "clean");
  }
  SECTION("does not fire after an arrival: someone moved inside right after the door") {
    const auto run = clean(left + std::vector{on(620, kOfficeMotion, home), off(622, kOfficeMotion, home),
                                              on(600 + 40 * kMin, kLivingMotion, home)},
                           home);
    CHECK(verdict(run, kLivingMotion, 600 + 40 * kMin) == "clean");
  }
  SECTION("does not fire while a presence sensor sees somebody (one left, one sleeps)") {
    const auto run =
        clean(initial_states({kBedAnca}) + std::vector{on(600, kFrontDoor, home), off(605, kFrontDoor, home),
                                                       on(600 + 20 * kMin, kLivingMotion, home)},
              home);
    CHECK(verdict(run, kLivingMotion, 600 + 20 * kMin) == "clean");
  }
  SECTION("a presence sensor turning on is the person the door missed, not the pet") {
    const auto run = clean(left + std::vector{on(600 + 20 * kMin, kCouch, home)}, home);
    CHECK(verdict(run, kCouch, 600 + 20 * kMin) == "clean");
  }
  SECTION("does not fire before the door has been seen: the house is unknown") {
    const auto run = clean(initial_states({}) + std::vector{on(600 + 20 * kMin, kLivingMotion, home)}, home);
    CHECK(verdict(run, kLivingMotion, 600 + 20 * kMin) == "clean");
  }
}

TEST_CASE("the house is unknown, then someone home after the door, then empty after the quiet", "[cleaning][cat]") {
  const auto home = door_only_home();
  cleaning::CatFilter filter(home, home.cat_filter);
  for (const auto& r : initial_states({})) filter.decide(r, {});
  CHECK(filter.house() == cleaning::HousePresence::unknown);
  filter.decide(on(600, kFrontDoor, home), {});
  filter.decide(off(605, kFrontDoor, home), {});
  CHECK(filter.house() == cleaning::HousePresence::someone_home);
  filter.decide(on(600 + 20 * kMin, kLivingMotion, home), {});
  CHECK(filter.house() == cleaning::HousePresence::empty);
  filter.decide(at(601 + 20 * kMin, kFrontDoor, SensorState::unavailable, home), {});
  CHECK(filter.house() == cleaning::HousePresence::unknown);  // no door, no evidence
  CHECK(std::string(cleaning::to_string(filter.house())) == "unknown");
}

TEST_CASE("with a bare entity list the cat rules say which are off and why", "[cleaning][cat]") {
  auto home = door_only_home();
  home.cat_filter.exclusive_zones.clear();
  const auto lines = cleaning::cat_rules(home);
  REQUIRE(lines.size() == 5);
  CHECK_THAT(lines[1], Catch::StartsWith("cat rule off exclusive zones") && Catch::Contains("config"));
  CHECK_THAT(lines[3], Catch::StartsWith("cat rule off nobody could have come"));
  CHECK_THAT(lines[4], Catch::StartsWith("cat rule on  the house is empty") && Catch::Contains("entrance"));
  home.cat_filter.entrance.clear();
  CHECK_THAT(cleaning::cat_rules(home)[4], Catch::Contains("no door entity with zone front_door or entrance"));
  home.cat_filter.enabled = false;
  CHECK(cleaning::cat_rules(home).size() == 1);
}
