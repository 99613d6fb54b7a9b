#include "occupancy/features/skeleton_features.hpp"

#include <catch2/catch.hpp>

using namespace occupancy;

TEST_CASE("skeleton features read the room state at a time", "[features]") {
  RoomState s{0, "office", true, {"desk_anca"}, 10 * kMinute, true};
  const auto f = features::skeleton_features(s, 40 * kMinute);
  CHECK(f.feature_set == "skeleton-1");
  CHECK(f.ts == 40 * kMinute);
  REQUIRE(f.values.size() == 3);
  CHECK(f.values[0] == std::pair<std::string, double>{"occupied_now", 1.0});
  CHECK(f.values[1].second == Approx(30.0));
  CHECK(features::skeleton_features(s, 0).values[1].second == 0.0);  // never negative
}
