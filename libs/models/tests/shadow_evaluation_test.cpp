#include "occupancy/models/shadow_evaluation.hpp"

#include <catch2/catch.hpp>

using namespace occupancy;
using models::ShadowEvaluation;

namespace {

const Millis kT0 = 1'769'900'400'000;  // on the hour

// Three hours of one room occupied on odd hours; each version's probability per minute.
void live(ShadowEvaluation& s, double (*active)(bool), double (*candidate)(bool), int minutes = 180) {
  for (int m = 0; m < minutes + 15; ++m) {
    const Millis t = kT0 + m * kMinute;
    const bool occupied = (m / 60) % 2 == 1;
    s.observed("office", t, occupied);
    const bool later = ((m + 15) / 60) % 2 == 1;  // what the 15-min forecast is about
    if (m < minutes) s.predicted("office", t, {{15, active(later)}}, {{15, candidate(later)}});
  }
}

}  // namespace

TEST_CASE("a shadow candidate's forecasts mature at their horizon and are paired with the active version's") {
  ShadowEvaluation s("m2", 10);
  s.predicted("office", kT0, {{15, 0.9}, {120, 0.4}}, {{15, 0.7}, {120, 0.6}});
  s.observed("office", kT0 + 14 * kMinute, true);
  CHECK(s.matured().empty());
  s.observed("office", kT0 + 15 * kMinute, true);
  REQUIRE(s.matured().size() == 1);
  CHECK(s.matured()[0].horizon_min == 15);
  CHECK(s.matured()[0].active == 0.9);
  CHECK(s.matured()[0].candidate == 0.7);
  CHECK(s.matured()[0].outcome);
  s.observed("kitchen", kT0 + 200 * kMinute, false);  // another room's state matures nothing here
  CHECK(s.matured().size() == 1);
  const auto d = s.decide();
  CHECK(d.verdict == ShadowEvaluation::Verdict::wait);
  CHECK_THAT(d.reason, Catch::Contains("1 of 10 live minutes"));
}

TEST_CASE("a candidate better with confidence is promoted, one no better is retired, each with its figures") {
  SECTION("better") {
    ShadowEvaluation s("m2", 120);
    live(
        s, [](bool) { return 0.5; }, [](bool y) { return y ? 0.9 : 0.1; });
    const auto d = s.decide();
    CHECK(d.verdict == ShadowEvaluation::Verdict::promote);
    CHECK_THAT(d.reason, Catch::Contains("m2 promoted") && Catch::Contains("live Brier 0.0100 vs active 0.2500"));
    const auto o = s.overall();
    CHECK(o.diff_high < 0);
    CHECK(o.candidate_accuracy == 1.0);
  }
  SECTION("the same") {
    ShadowEvaluation s("m2", 120);
    live(
        s, [](bool y) { return y ? 0.8 : 0.2; }, [](bool y) { return y ? 0.8 : 0.2; });
    const auto d = s.decide();
    CHECK(d.verdict == ShadowEvaluation::Verdict::retire);
    CHECK_THAT(d.reason, Catch::Contains("not better with confidence"));
  }
  SECTION("worse") {
    ShadowEvaluation s("m2", 120);
    live(
        s, [](bool y) { return y ? 0.8 : 0.2; }, [](bool) { return 0.5; });
    CHECK(s.decide().verdict == ShadowEvaluation::Verdict::retire);
    CHECK(s.overall().diff_low > 0);
    CHECK(s.by_room().at({"office", 15}).n == 180);
  }
}

TEST_CASE("a candidate better with confidence in the room that changed is promoted unless another room is worse") {
  // 24 hours: in the office the candidate is steadily better; in five other rooms the two
  // versions take turns by the hour, so that over all rooms the difference is within noise.
  std::vector<MaturedPair> pairs;
  const std::vector<std::string> others = {"bedroom", "kitchen", "living", "bathroom", "guest"};
  for (int m = 0; m < 24 * 60; ++m) {
    const Millis t = kT0 + m * kMinute;
    pairs.push_back({"office", 120, t, 0.5, 0.3, false});
    const bool even = (m / 60) % 2 == 0;
    for (const auto& room : others) pairs.push_back({room, 120, t, even ? 0.6 : 0.05, even ? 0.1 : 0.6, false});
  }
  SECTION("the others tie") {
    ShadowEvaluation s("m2", 120);
    s.restore(pairs);
    REQUIRE(s.overall().diff < 0);
    REQUIRE(s.overall().diff_high > 0);  // over all rooms alone it would be retired
    const auto d = s.decide();
    CHECK(d.verdict == ShadowEvaluation::Verdict::promote);
    CHECK_THAT(d.reason, Catch::Contains("better with confidence in office -0.1600"));
  }
  SECTION("another room is worse with confidence") {
    for (auto& p : pairs)
      if (p.room == "guest") p.candidate = p.active + 0.05;
    ShadowEvaluation s("m2", 120);
    s.restore(pairs);
    REQUIRE(s.overall().diff < 0);
    const auto d = s.decide();
    CHECK(d.verdict == ShadowEvaluation::Verdict::retire);
    CHECK_THAT(d.reason, Catch::Contains("worse with confidence in guest"));
  }
}

TEST_CASE("pairs restored from the archive count toward the shadow period") {
  ShadowEvaluation s("m2", 120);
  std::vector<MaturedPair> archived;
  for (int m = 0; m < 100; ++m) archived.push_back({"office", 15, kT0 + m * kMinute, 0.5, 0.1, false});
  s.restore(archived);
  CHECK(s.matured_minutes() == 100);
  CHECK(s.decide().verdict == ShadowEvaluation::Verdict::wait);
  for (int m = 100; m < 130; ++m) s.predicted("office", kT0 + m * kMinute, {{15, 0.5}}, {{15, 0.1}});
  s.observed("office", kT0 + 200 * kMinute, false);
  CHECK(s.matured_minutes() == 130);
  CHECK(s.decide().verdict == ShadowEvaluation::Verdict::promote);
}

TEST_CASE("a new version takes the shadow only from a candidate that has had twice its period") {
  const Millis day = 24 * 60 * kMinute;
  CHECK(models::may_take_shadow(std::nullopt, kT0, 24));
  // The daily timer: yesterday's candidate has not matured its 24 h yet (the 2-h horizon lags).
  CHECK_FALSE(models::may_take_shadow(kT0, kT0 + day, 24));
  CHECK_FALSE(models::may_take_shadow(kT0, kT0 + 2 * day - kMinute, 24));
  CHECK(models::may_take_shadow(kT0, kT0 + 2 * day, 24));  // stuck (no predictor): replaced
  CHECK(models::may_take_shadow(kT0, kT0 + 13 * kMinute, 0.1));
}
