#include "occupancy/evaluation/home_summary.hpp"

#include <catch2/catch.hpp>

using namespace occupancy::evaluation;

TEST_CASE("a recorded home is tested on a third of its days, 3 to 10", "[evaluation]") {
  CHECK(recorded_home_test_days(14.2) == 5);
  CHECK(recorded_home_test_days(21.2) == 7);
  CHECK(recorded_home_test_days(30) == 10);
  CHECK(recorded_home_test_days(180) == 10);
  CHECK(recorded_home_test_days(4) == 3);
}

TEST_CASE("the goals (every home at least as good as its best baseline, and calibrated) and the mean gain",
          "[evaluation]") {
  HomeSummary a, b;
  a.horizons = {{15, "markov", 0.10, 0.08, 0.08, {}}, {120, "markov", 0.20, 0.20, 0.21, {}}};
  b.horizons = {{15, "persistence", 0.05, 0.045, 0.05, {}}};
  a.calibration = {{15, 0.04, 0.06, {}}};
  CHECK(mean_gain({a, b}) == Approx((0.2 + 0.0 + 0.1) / 3));
  CHECK(goals_met({a, b}));
  b.horizons[0].served_brier = 0.051;  // worse than its best baseline
  CHECK_FALSE(goals_met({a, b}));
  b.horizons[0].served_brier = 0.045;
  a.calibration[0].worst_gap = 0.06;  // out of bounds
  CHECK_FALSE(goals_met({a, b}));
  CHECK(mean_gain({}) == 0);
}
