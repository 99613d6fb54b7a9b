#include "occupancy/models/predictor_core.hpp"

#include <catch2/catch.hpp>
#include <cmath>

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

TEST_CASE("a room is forecast for its own horizons only, with P(vacant within k) from the time to vacancy",
          "[models]") {
  auto home = default_home();
  home.rooms.front().horizons_min = {120};  // the bedroom: 2 h only
  models::PredictorCore core(home);
  FeatureVector fv{1'000'000,
                   home.rooms.front().id,
                   "v1",
                   {{"occupied_now", 1.0},
                    {"reliable", 1.0},
                    {"prior_occ_now", 0.9},
                    {"prior_occ_15", 0.8},
                    {"prior_occ_120", 0.4},
                    {"prior_vacancy_min", 20.0}}};
  auto p = core.predict(fv);
  CHECK(p.occupancy == std::map<int, double>{{120, 0.4}});
  REQUIRE(p.minutes_to_vacancy == 20.0);
  REQUIRE(p.vacant_within.size() == 2);  // the home's vacant_within_min: 15, 30
  CHECK(p.vacant_within.at(15) < 0.5);   // before the median...
  CHECK(p.vacant_within.at(30) > 0.5);   // ...and after it
  fv.room = "office";
  CHECK(core.predict(fv).occupancy.size() == 2);
  fv.values.front().second = 0.0;  // vacant: it is vacant within any k
  fv.values.emplace_back("prior_next_occ_min", 45.0);
  p = core.predict(fv);
  CHECK(p.vacant_within == std::map<int, double>{{15, 1.0}, {30, 1.0}});
  fv.room = "attic";
  CHECK_THROWS_WITH(core.predict(fv), Catch::Contains("attic"));
}

TEST_CASE("P(vacant within k) is the log-normal CDF around the served time to vacancy", "[models]") {
  Prediction p;
  p.occupied_now = true;
  CHECK(models::vacant_within(p, {15}).empty());  // no duration served: nothing said
  p.minutes_to_vacancy = 15;
  CHECK(models::vacant_within(p, {15}).at(15) == Approx(0.5));  // the median
  const auto w = models::vacant_within(p, {5, 15, 45}, 1.0);
  CHECK(w.at(5) == Approx(0.5 * std::erfc(std::log(3.0) / std::sqrt(2.0))));
  CHECK(w.at(5) + w.at(45) == Approx(1.0));  // symmetric in log time
}

TEST_CASE("the live accuracy and Brier ride on each forecast once earlier forecasts have matured", "[models]") {
  models::PredictorCore core(default_home());
  FeatureVector fv{0, "office", "v1", {{"occupied_now", 1.0}, {"reliable", 1.0}}};
  auto p = core.predict(fv);      // persistence: P = 1 while occupied
  CHECK(p.live_matured.empty());  // nothing has matured yet
  fv.ts = 16 * 60'000;            // the 15-min forecast is due: the room is still occupied
  p = core.predict(fv);
  REQUIRE(p.live_matured.count(15));
  CHECK(p.live_matured.at(15) == 1.0);
  CHECK(p.live_accuracy.at(15) == 1.0);
  CHECK(p.live_brier.at(15) == 0.0);
  CHECK_FALSE(p.live_matured.count(120));  // the 2-h forecast is not due yet
  fv.values.front().second = 0.0;          // vacant 16 min later: the forecast made occupied (P = 1) was wrong
  fv.ts = 32 * 60'000;
  p = core.predict(fv);
  CHECK(p.live_matured.at(15) == 2.0);
  CHECK(p.live_accuracy.at(15) == 0.5);
  CHECK(p.live_brier.at(15) == 0.5);
}
