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

TEST_CASE("a calibration bin's interval comes from a bootstrap over days: one odd day is noise, a steady bias is not",
          "[evaluation]") {
  BacktestResult r;
  const auto day = [](double p, double y, std::size_t n) {
    std::array<ReliabilityBin, 10> bins{};
    auto& b = bins[static_cast<std::size_t>(p * 10)];
    b.n = n;
    b.sum_p = p * static_cast<double>(n);
    b.sum_y = y * static_cast<double>(n);
    return bins;
  };
  const auto sum_up = [&](const std::string& f) {
    for (const auto& d : r.reliability_daily[f][15])
      for (std::size_t i = 0; i < 10; ++i) {
        auto& to = r.reliability[f][15][i];
        to.n += d[i].n;
        to.sum_p += d[i].sum_p;
        to.sum_y += d[i].sum_y;
      }
  };
  // Bin 0.3: right on four days, one night ended early (observed 0) on the fifth.
  r.reliability_daily["odd_day"][15] = {day(0.35, 0.35, 100), day(0.35, 0.35, 100), day(0.35, 0.35, 100),
                                        day(0.35, 0.35, 100), day(0.35, 0.0, 100)};
  // Bin 0.3: 0.2 too high on every day.
  r.reliability_daily["biased"][15] = {day(0.35, 0.15, 100), day(0.35, 0.15, 100), day(0.35, 0.15, 100),
                                       day(0.35, 0.15, 100), day(0.35, 0.15, 100)};
  sum_up("odd_day");
  sum_up("biased");

  CalibrationSummary odd{15, 0, 0, calibration_bins(r, "odd_day", 15)};
  REQUIRE(odd.bins.size() == 1);
  CHECK(odd.bins[0].observed - odd.bins[0].forecast == Approx(-0.07));  // off by more than 0.05...
  odd.worst_gap = 0.07;
  CHECK_FALSE(odd.within());
  CHECK(odd.bins[0].low < -0.05);
  CHECK(odd.bins[0].high >= -0.05);  // ...but within noise: without that day it is exact
  CHECK(odd.within_noise());

  CalibrationSummary biased{15, 0.2, 0, calibration_bins(r, "biased", 15)};
  REQUIRE(biased.bins.size() == 1);
  CHECK(biased.bins[0].low == Approx(-0.2));
  CHECK(biased.bins[0].high == Approx(-0.2));
  CHECK_FALSE(biased.within_noise());
}
