#include "occupancy/models/persistence.hpp"

#include <catch2/catch.hpp>

using namespace occupancy;

TEST_CASE("persistence predicts the present at every horizon", "[models]") {
  FeatureVector f{60000, "office", "skeleton-1", {{"occupied_now", 1}, {"reliable", 0}}};
  auto p = models::predict_persistence(f, {15, 120});
  REQUIRE(p);
  CHECK(p->occupancy == std::map<int, double>{{15, 1.0}, {120, 1.0}});
  CHECK(p->model_version == "baseline-persistence");
  CHECK_FALSE(p->reliable);
  CHECK_FALSE(p->minutes_to_vacancy);
  f.values = {{"occupied_now", 0}};
  p = models::predict_persistence(f, {15});
  REQUIRE(p);
  CHECK(p->occupancy.at(15) == 0.0);
  f.values = {{"something_else", 1}};
  CHECK_FALSE(models::predict_persistence(f, {15}));
}
