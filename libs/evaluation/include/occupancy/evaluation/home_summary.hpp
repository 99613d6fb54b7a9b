#pragma once
// One backtest boiled down to the questions that matter for a home: is what the version serves
// at least as good as the best baseline, per home and per room, beyond noise? Noise is measured
// by a paired bootstrap over test days (days, not minutes, are the independent units: minutes
// within a day are strongly correlated). Also: is it calibrated, and how close are its vacancy
// estimates?
#include <string>
#include <vector>

#include "occupancy/evaluation/backtest.hpp"
#include "occupancy/evaluation/paired_bootstrap.hpp"

namespace occupancy::evaluation {

struct HorizonSummary {
  int horizon = 0;
  std::string best_baseline;  // lowest mean Brier over rooms among the baselines
  double baseline_brier = 0, served_brier = 0, booster_brier = 0;
  Difference difference;  // served − best baseline, mean over rooms
};

struct RoomSummary {
  std::string room;
  int horizon = 0;
  std::string served_by;      // "model", "markov", "markov+platt", ...
  std::string best_baseline;  // this room's best baseline on the test days
  double baseline_brier = 0, served_brier = 0;
  Difference difference;
};

struct CalibrationSummary {
  int horizon = 0;
  double worst_gap = 0;     // largest |mean forecast − observed share| over bins with >= 1 % of the minutes
  double baseline_gap = 0;  // the same for the horizon's best baseline, for scale
  struct Bin {
    double forecast, observed, share;  // mean forecast, observed share occupied, share of the minutes
    double low = 0, high = 0;          // 95 % interval of observed − forecast, bootstrap over test days
  };
  std::vector<Bin> bins;  // the served forecaster's bins holding >= 1 % of the minutes
  bool within(double bound = 0.05) const { return worst_gap <= bound; }
  /// No bin off the diagonal by more than `bound` beyond noise: every bin's interval reaches
  /// into [−bound, +bound]. A bin of one or two stays (a night that ended early) moves a lot.
  bool within_noise(double bound = 0.05) const;
};

struct HomeSummary {
  std::string home;
  int test_days = 0;
  std::vector<HorizonSummary> horizons;
  std::vector<RoomSummary> rooms;
  std::vector<CalibrationSummary> calibration;
  double vacancy_served = 0, vacancy_baseline = 0;  // share within ±15 min, pooled over rooms
  std::string vacancy_best_baseline;
  std::size_t vacancy_stays = 0;
};

/// The reliability bins holding >= 1 % of the forecaster's labelled test minutes at horizon h,
/// each with its interval from a bootstrap over test days (minutes of a day are one stay or two,
/// not independent draws).
std::vector<CalibrationSummary::Bin> calibration_bins(const BacktestResult& result, const std::string& forecaster,
                                                      int h, int resamples = 2000, unsigned seed = 1);

/// Largest |mean forecast − observed share| over the reliability bins that hold >= 1 % of the
/// forecaster's labelled test minutes at horizon h.
double calibration_gap(const BacktestResult& result, const std::string& forecaster, int h);

HomeSummary summarize(const std::string& home, int test_days, const BacktestResult& result,
                      const std::vector<int>& horizons);

/// Test days for a recorded home of `days` days when none are given: a third of it, 3 to 10.
int recorded_home_test_days(double days);

/// Mean over homes and horizons of 1 − served / best baseline (the "gain").
double mean_gain(const std::vector<HomeSummary>& homes);

/// Every home at least as good as its best baseline at every horizon, and calibrated.
bool goals_met(const std::vector<HomeSummary>& homes);

/// The table over homes: home × horizon × {best baseline, served, difference with CI}, then
/// per-room verdicts, calibration and vacancy.
std::string format_summary(const std::vector<HomeSummary>& homes);

}  // namespace occupancy::evaluation
