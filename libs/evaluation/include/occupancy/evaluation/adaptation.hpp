#pragma once
// The live loop replayed offline, day by day, to see how fast a changed routine is learned.
// Three policies run side by side on the same cleaned history, each with the live services' own
// cores: a FeatureStream (fed the cleaner's outputs, with the serving version's priors, as the
// feature service is) and a PredictorCore (active version, candidate in shadow, drift fallback):
//   never      — the version trained before the first evaluated day serves throughout;
//   immediate  — a version trained each local midnight on the window before it serves at once;
//   shadow     — that version passes the offline gate (offline_gate.hpp), waits while another
//                candidate is in shadow (models::may_take_shadow), predicts in shadow beside the
//                active version for predictor.shadow_hours of live minutes, and is promoted or
//                retired by ShadowEvaluation's verdict, as the live predictor does.
// Every served forecast is scored once it matures; the day it was made gets the score.
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "occupancy/cleaning/clean_report.hpp"
#include "occupancy/config/home_config.hpp"
#include "occupancy/evaluation/served_training.hpp"

namespace occupancy::evaluation {

struct AdaptationOptions {
  Millis start = 0;     // local midnight of day 0 (the simulation's start)
  int first_day = 28;   // the first evaluated day; the first version trains on the days before it
  int days = 0;         // days of history; evaluated: first_day .. days - 1
  int every_min = 5;    // forecasts scored every N minutes (a divisor of every horizon)
  int window_days = 0;  // training window (0: home.archive.history_days)
  int gate_fold_days = 7;
  std::vector<std::string> rooms;  // scored apart as "affected" (empty: none)
  ServedTrainOptions train;
  std::function<void(const std::string&)> progress;  // one line per day (optional)
};

struct DayScore {
  struct Sum {
    double squared = 0;
    std::size_t n = 0;
    double brier() const { return n ? squared / static_cast<double>(n) : -1; }
  };
  std::map<int, Sum> affected, all;  // horizon -> the day's matured forecasts
  std::string serving;               // the version serving at the day's end
  std::string events;                // what the policy did that day
};

struct AdaptationResult {
  static constexpr const char* kPolicies[] = {"never", "immediate", "shadow"};
  std::vector<std::string> dates;  // local date of each evaluated day
  int first_day = 0;
  std::vector<int> horizons;
  std::vector<std::string> rooms;
  std::map<std::string, std::vector<DayScore>> days;  // policy -> one per evaluated day
  std::size_t trainings = 0;
  double train_seconds = 0, total_seconds = 0;

  /// Mean daily Brier of a policy over days [from, to) (evaluated-day indices, clamped), at a
  /// horizon, affected rooms or all. -1 without data.
  double mean(const std::string& policy, int horizon, bool affected, int from, int to) const;
};

AdaptationResult evaluate_adaptation(const config::HomeConfig& home, const cleaning::CleanRun& run,
                                     const AdaptationOptions& options);

/// How fast a policy recovered from a change on day `change_day` (simulated day numbers): the
/// pre-change level is the mean over the 14 days before it; recovery is the first day d from
/// the change on whose next 7 days' mean is within `tolerance` (0.10) of that level.
struct Recovery {
  double before = -1;             // pre-change level
  std::vector<double> weeks;      // weekly means after the change: days [c, c+7), [c+7, c+14), ...
  int recovered_after_days = -1;  // d - change_day; -1: never within the evaluated days
};
Recovery recovery(const AdaptationResult& r, const std::string& policy, int horizon, int change_day,
                  double tolerance = 0.10);

/// A self-contained HTML page: per horizon, the three policies' daily Brier on the affected
/// rooms (and on all rooms) as SVG line charts, the change marked, the days' events listed.
std::string adaptation_html(const AdaptationResult& r, const std::string& title, int change_day);

}  // namespace occupancy::evaluation
