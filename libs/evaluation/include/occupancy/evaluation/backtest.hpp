#pragma once
// The backtest: train on a history's beginning, forecast every minute of its last days, and
// score the model against the baselines on what then happened. The test period is never
// seen in training: training labels end `gap` before it (the longest horizon), and the
// priors are learned from the training period only.
#include <array>
#include <map>
#include <string>
#include <vector>

#include "occupancy/cleaning/clean_report.hpp"
#include "occupancy/config/home_config.hpp"
#include "occupancy/evaluation/metrics.hpp"
#include "occupancy/evaluation/paired_bootstrap.hpp"
#include "occupancy/evaluation/served_training.hpp"
#include "occupancy/models/training.hpp"

namespace occupancy::evaluation {

struct BacktestOptions {
  int test_days = 30;
  Millis start = 0;                                 // first training time (0: the history's beginning)
  Millis test_end = 0;                              // 0: the end of the history; earlier for rolling-origin folds
  const models::TrainedModel* incumbent = nullptr;  // scored too, as "active", if its features match
  const models::TrainedModel* fixed = nullptr;      // use this model (and its priors) instead of training
  ServedTrainOptions train;                         // how the version under test is trained and chosen
};

struct HvacScores {  // minutes over the test period
  double miss = 0;   // occupied but not yet conditioned
  double empty = 0;  // conditioned while empty
};

struct RoomBacktest {
  std::map<std::string, std::map<int, BinaryScores>> occupancy;       // forecaster -> horizon -> scores
  std::map<std::string, std::map<int, std::vector<DayError>>> daily;  // forecaster -> horizon -> by test day
  std::map<std::string, DurationScores> vacancy, next_occupancy;      // forecaster -> scores
  std::map<int, std::map<std::string, HvacScores>> hvac;              // lag -> strategy -> minutes
  double occupied_share = 0;                                          // of labelled test minutes
};

struct PredictionRow {
  Millis ts;  // when the prediction was made
  std::string room;
  int horizon_min;
  double probability;
};

struct ReliabilityBin {
  std::size_t n = 0;
  double sum_p = 0, sum_y = 0;
};

struct TimelinePoint {  // for the report's week view, every 5 minutes
  Millis ts;
  int actual;  // 1 occupied, 0 vacant, -1 unknown
  double p_first_horizon;
};

struct BacktestResult {
  Millis start = 0, train_end = 0, test_start = 0, end = 0;
  std::vector<std::string> forecasters;  // the baselines, "booster" (raw), then "model" (what is served)
  std::map<std::string, RoomBacktest> rooms;
  std::vector<PredictionRow> predictions;  // the model's, every minute of the test period
  std::vector<std::string> hvac_strategies{"always_on", "schedule", "reactive", "predictive"};
  double train_seconds = 0, total_seconds = 0;
  std::size_t train_rows = 0;
  models::TrainedModel model;   // the version trained for the test (empty with BacktestOptions::fixed)
  models::ServingPlan serving;  // what the version under test serves, per room and horizon
  std::map<std::string, std::map<int, std::array<ReliabilityBin, 10>>> reliability;  // forecaster -> horizon
  // The same by test day (forecaster -> horizon -> day), for intervals from a bootstrap over days.
  std::map<std::string, std::map<int, std::vector<std::array<ReliabilityBin, 10>>>> reliability_daily;
  std::map<std::string, std::vector<TimelinePoint>> last_week;  // room -> points
  // P(vacant within k) of the served model's occupied minutes (home.vacant_within_min), pooled
  // over rooms, for each log-normal spread tried (models::vacant_within); and the labels' own
  // sums, for the base rate's Brier. What chose models::kDurationLogSpread.
  std::map<double, std::map<int, DayError>> vacant_within_by_spread;
  std::map<int, DayError> vacant_within_labels;  // k -> sum of labels (in sum_squared), count
  /// Mean over rooms (with labels) of a forecaster's score at a horizon.
  double mean_brier(const std::string& forecaster, int horizon) const;
};

BacktestResult run_backtest(const config::HomeConfig& home, const cleaning::CleanRun& run,
                            const BacktestOptions& options);

/// The model to deploy: trained on the whole history (labels up to its end), priors and serving
/// plan included.
models::TrainedModel train_on_history(const config::HomeConfig& home, const cleaning::CleanRun& run,
                                      const BacktestOptions& options, std::string version);

}  // namespace occupancy::evaluation
