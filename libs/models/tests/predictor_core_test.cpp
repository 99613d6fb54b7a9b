#include "occupancy/models/predictor_core.hpp"

#include <catch2/catch.hpp>

#include "unit_helpers.hpp"

using namespace occupancy;
using namespace occupancy::testing;

TEST_CASE("without a model the predictor serves a named baseline, and refuses vectors without a state", "[models]") {
  models::PredictorCore core(default_home());
  FeatureVector fv{1'000'000, "office", "v1", {{"occupied_now", 1.0}, {"reliable", 1.0}}};
  auto p = core.predict(fv);
  CHECK(p.model_version == "baseline-persistence");
  CHECK(p.fallback == std::optional<std::string>("persistence"));
  CHECK(p.occupancy.at(15) == 1.0);
  CHECK(p.occupied_now);
  fv.values.emplace_back("prior_occ_now", 0.4);
  fv.values.emplace_back("prior_occ_15", 0.3);
  fv.values.emplace_back("prior_occ_120", 0.2);
  p = core.predict(fv);
  CHECK(p.model_version == "baseline-time_of_week");  // priors arrived: the better baseline
  CHECK(p.occupancy.at(120) == 0.2);
  CHECK_THROWS_AS(core.predict(FeatureVector{1, "office", "v1", {{"reliable", 1.0}}}), std::invalid_argument);
}
