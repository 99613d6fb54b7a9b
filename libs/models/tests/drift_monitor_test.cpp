#include "occupancy/models/drift_monitor.hpp"

#include <catch2/catch.hpp>

#include "occupancy/models/predictor_core.hpp"
#include "toy_model.hpp"
#include "unit_helpers.hpp"

using namespace occupancy;
using models::DriftMonitor;

namespace {

const Millis kStart = 1'769'900'400'000;

// The room stays occupied; the version says `model`, the baseline `baseline`, every minute.
void feed(DriftMonitor& d, double model, double baseline, int minutes, int from = 0) {
  for (int m = from; m < from + minutes; ++m) {
    const Millis t = kStart + m * kMinute;
    d.observed("office", t, true);
    d.predicted("office", t, {{15, model}}, {{15, baseline}});
  }
}

}  // namespace

TEST_CASE("a version worse than the baseline by more than the margin, for the hold time, drifts the room") {
  DriftMonitor d({60, 10, 0.02, 30 * kMinute});
  feed(d, 0.2, 0.9, 40);  // 25 matured, worse from the 10th: 15 min of 30 held
  CHECK_FALSE(d.drifting("office"));
  const auto s = d.status().at({"office", 15});
  CHECK(s.worse);
  CHECK(s.model_brier == Approx(0.64));
  CHECK(s.baseline_brier == Approx(0.01));
  feed(d, 0.2, 0.9, 20, 40);
  CHECK(d.drifting("office"));
  CHECK(d.take_new_drifts() == std::vector<std::string>{"office"});
  CHECK(d.take_new_drifts().empty());  // once
  feed(d, 0.95, 0.9, 130, 60);  // the version does well again: after the window turns and the hold, it serves again
  CHECK_FALSE(d.drifting("office"));
  feed(d, 0.2, 0.9, 60, 190);
  CHECK(d.drifting("office"));
  d.reset();
  CHECK_FALSE(d.drifting("office"));
}

TEST_CASE("within the margin, or back under it before the hold ends, is no drift") {
  DriftMonitor d({60, 10, 0.02, 30 * kMinute});
  feed(d, 0.85, 0.9, 120);  // Brier 0.0225 vs 0.01: within 0.02
  CHECK_FALSE(d.drifting("office"));
  DriftMonitor e({20, 10, 0.02, 60 * kMinute});
  feed(e, 0.2, 0.9, 35);
  feed(e, 0.95, 0.9, 60, 35);  // recovers (worse for about 45 min of the 60 it must hold)
  CHECK_FALSE(e.drifting("office"));
  CHECK_FALSE(e.status().at({"office", 15}).worse);
}

TEST_CASE("the predictor core serves the baseline in a room where its version drifts, and says so") {
  auto home = testing::default_home();
  home.predictor.drift_window = 60;
  home.predictor.drift_hold_min = 10;
  models::PredictorCore core(home);
  // A deliberately bad version: the toy model's outcome inverted.
  auto bad = testing::toy_model(core.set(), home.horizons_min, 7, true);
  bad.version = "bad";
  core.use_model(std::make_shared<models::TrainedModel>(std::move(bad)));
  const auto fv = [](int m) {
    return FeatureVector{kStart + m * kMinute, "office", "v1", {{"occupied_now", 1}, {"reliable", 1}}};
  };
  const auto first = core.predict(fv(0));
  CHECK_FALSE(first.drift);
  CHECK(first.occupancy.at(15) < 0.5);  // the bad version: vacant, although occupied
  Prediction p;
  for (int m = 1; m < 60; ++m) p = core.predict(fv(m));
  CHECK(core.drift().drifting("office"));
  CHECK(p.drift);
  CHECK(p.model_version == "bad");
  CHECK(p.fallback == std::optional<std::string>("persistence"));
  CHECK(p.occupancy.at(15) > 0.5);
}

TEST_CASE("after drift, the predictor rolls back only to an earlier version that did better live") {
  const auto better = models::choose_rollback("m2", {"office", "bath"}, 0.03, std::string("m1"), 0.20, 0.05);
  CHECK(better.roll_back);
  CHECK_THAT(better.reason, Catch::Contains("rolled back from m2 to m1: drift in office, bath") &&
                                Catch::Contains("live Brier 0.2000 vs 0.0500"));
  const auto worse = models::choose_rollback("m2", {"office"}, 0.03, std::string("m1"), 0.05, 0.20);
  CHECK_FALSE(worse.roll_back);
  CHECK_THAT(worse.reason, Catch::Contains("m1 did no better live"));
  CHECK_FALSE(models::choose_rollback("m2", {"office"}, 0.03, std::string("m1"), 0.05, std::nullopt).roll_back);
  const auto none = models::choose_rollback("m2", {"office"}, 0.03, std::nullopt, 0.05, std::nullopt);
  CHECK_FALSE(none.roll_back);
  CHECK_THAT(none.reason, Catch::Contains("no earlier version"));
}
