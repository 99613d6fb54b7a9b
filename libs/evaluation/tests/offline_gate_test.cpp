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

TEST_CASE("what train does with a new version: the gate, then a shadow where one follows") {
  using Action = Promotion::Action;
  const std::vector<GateFold> beats_baselines{fold(0.030, 0.029, 0.035)};
  const std::vector<GateFold> loses{fold(0.050, 0.060, 0.035)};
  const Millis now = 100 * kDay;
  const RegistryState none{};
  const RegistryState active{"m1", true, std::nullopt, std::nullopt};
  CHECK(decide_promotion(loses, none, false, 24, now).action == Action::activate);  // nothing to beat yet
  CHECK(decide_promotion(beats_baselines, active, false, 24, now).action == Action::start_shadow);
  const auto refused = decide_promotion(loses, active, false, 24, now);
  CHECK(refused.action == Action::stay_candidate);
  CHECK_FALSE(refused.why.empty());
  CHECK(decide_promotion(loses, active, true, 24, now).action == Action::activate);  // --force
  CHECK(decide_promotion(loses, active, true, 24, now).why == "--force");
  // Without a shadow period the version must beat the active one offline to serve at once.
  CHECK(decide_promotion(beats_baselines, active, false, 0, now).action == Action::stay_candidate);
  CHECK(decide_promotion({fold(0.030, 0.040, 0.035)}, active, false, 0, now).action == Action::activate);
  // The active version's files do not load in this build: nothing to compare with.
  const RegistryState incomparable{"m1", false, std::nullopt, std::nullopt};
  CHECK(decide_promotion(loses, incomparable, false, 24, now).action == Action::start_shadow);
  // Another candidate's shadow began 10 h ago: it is not cut short; after twice its period it may be.
  RegistryState busy = active;
  busy.shadow = "c1";
  busy.shadow_since = now - 10 * 60 * kMinute;
  CHECK(decide_promotion(beats_baselines, busy, false, 24, now).action == Action::shadow_busy);
  busy.shadow_since = now - 49 * 60 * kMinute;
  CHECK(decide_promotion(beats_baselines, busy, false, 24, now).action == Action::start_shadow);
}
