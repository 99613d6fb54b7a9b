#include "occupancy/evaluation/offline_gate.hpp"

#include <catch2/catch.hpp>

using namespace occupancy;
using namespace occupancy::evaluation;

namespace {

GateFold fold(double model, double active, double best_baseline) {
  GateFold f;
  for (int h : {15, 120}) {
    f.brier["model"][h] = model;
    f.brier["active"][h] = active;
    f.brier["markov"][h] = best_baseline;
    f.brier["persistence"][h] = best_baseline + 0.05;
    f.brier["time_of_week"][h] = best_baseline + 0.01;
  }
  return f;
}

}  // namespace

TEST_CASE("the offline gate: beat the best baseline before a shadow, the active version before promotion at once") {
  SECTION("a routine changed: neither the fold's model nor the active one has seen it") {
    // The method still beats the baselines, but not (yet) the active version on the old days.
    const std::vector<GateFold> folds{fold(0.030, 0.029, 0.035)};
    const auto shadowed = offline_gate(folds, true, "m1");
    CHECK(shadowed.pass);
    CHECK_THAT(shadowed.why, Catch::Contains("best baseline markov 0.0350"));
    const auto at_once = offline_gate(folds, false, "m1");
    CHECK_FALSE(at_once.pass);
    CHECK_THAT(at_once.why, Catch::Contains("vs active m1 0.0290"));
  }
  SECTION("a broken training loses to a baseline: refused either way") {
    const std::vector<GateFold> folds{fold(0.050, 0.060, 0.035)};
    CHECK_FALSE(offline_gate(folds, true, "m1").pass);
    CHECK(offline_gate(folds, false, "m1").pass);  // better than an even worse active version
  }
  SECTION("only the latest fold decides") {
    const std::vector<GateFold> folds{fold(0.030, 0.040, 0.035), fold(0.050, 0.020, 0.035)};
    CHECK(offline_gate(folds, false, "m1").pass);
  }
  SECTION("no folds, or no active version in them") {
    CHECK(offline_gate({}, true, "m1").pass);
    auto f = fold(0.03, 0.02, 0.04);
    f.brier.erase("active");
    const auto v = offline_gate({f}, false, "m1");
    CHECK(v.pass);
    CHECK_THAT(v.why, Catch::Contains("not comparable"));
  }
}
