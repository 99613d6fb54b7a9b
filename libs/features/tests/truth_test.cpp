#include "occupancy/features/truth.hpp"

#include <catch2/catch.hpp>

using namespace occupancy;

TEST_CASE("labels: state at t, time to change, censoring and gaps", "[features]") {
  const Millis m = 60'000;
  std::map<std::string, std::vector<RoomState>> states;
  states["office"] = {{0, "office", false, {}, 0, true},
                      {10 * m, "office", true, {"desk"}, 10 * m, true},
                      {12 * m, "office", true, {"desk", "room"}, 10 * m, true},  // zones only: same stay
                      {40 * m, "office", false, {}, 40 * m, true},
                      {50 * m, "office", false, {}, 40 * m, false},  // a gap
                      {70 * m, "office", false, {}, 40 * m, true}};
  const features::Truth truth(states, 100 * m);
  CHECK(truth.occupied_at("office", 5 * m) == false);
  CHECK(truth.occupied_at("office", 11 * m) == true);
  CHECK_FALSE(truth.occupied_at("office", 55 * m));   // unreliable: no label
  CHECK_FALSE(truth.occupied_at("office", 100 * m));  // past the end
  const auto stay = truth.until_change("office", 15 * m);
  REQUIRE(stay);
  CHECK(stay->minutes == Approx(25));
  CHECK_FALSE(stay->censored);
  const auto before_gap = truth.until_change("office", 45 * m);
  REQUIRE(before_gap);
  CHECK(before_gap->minutes == Approx(5));
  CHECK(before_gap->censored);  // a gap began: the next arrival was not seen
  const auto at_end = truth.until_change("office", 80 * m);
  CHECK(at_end->censored);
  CHECK(at_end->minutes == Approx(20));
}
