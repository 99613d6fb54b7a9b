#pragma once
// The trained model of one version: per room, an XGBoost classifier per horizon ("occupied at
// t + h") and, for durations, a ladder of "within k minutes" classifiers — vacant within k for
// an occupied room, occupied within k for a vacant one. Why a ladder rather than
// survival:aft: censoring is handled row by row (a censored stay says "not within k" for every
// k it outlasted and nothing beyond), each rung is the same well-behaved binary problem as the
// horizon models, and the rungs give a survival curve whose median is the point estimate.
// Stored as files (room, target, format, bytes), as the registry's model_files table holds them.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "occupancy/features/priors.hpp"
#include "occupancy/models/forecaster.hpp"
#include "occupancy/models/serving.hpp"
#include "occupancy/models/xgb_booster.hpp"

namespace occupancy::models {

inline const std::vector<int> kLadderMinutes{15, 30, 60, 120, 240, 480};

using occupancy::ModelFile;

struct RoomModel {
  std::map<int, XgbBooster> occupancy;        // horizon -> P(occupied at t + h)
  std::optional<XgbBooster> vacancy_aft;      // survival:aft, median minutes to vacancy (occupied now)
  std::optional<XgbBooster> next_aft;         // survival:aft, median minutes to next occupancy (vacant now)
  std::map<int, XgbBooster> vacant_within;    // k -> P(vacant within k min | occupied now)
  std::map<int, XgbBooster> occupied_within;  // k -> P(occupied within k min | vacant now)
};

/// Occupancy boosters start from the Markov baseline's log-odds (from persistence where it is
/// missing): with little data the model stays as good as the chain, with more it corrects it.
float base_margin(const double* features, std::size_t markov_column, std::size_t now_column);

struct TrainedModel {
  std::string version;
  std::string feature_set = features::kFeatureSet;
  std::vector<std::string> feature_names;
  std::vector<int> horizons;
  features::Priors priors;
  std::map<std::string, RoomModel> rooms;
  ServingPlan serving;  // per room and horizon: booster or baseline, calibration (empty: the boosters)

  std::vector<ModelFile> files() const;
  /// Rebuilds a model from its files; throws std::runtime_error naming what is wrong
  /// (a missing manifest, a booster XGBoost refuses, features that do not match `expected`).
  static TrainedModel from_files(const std::vector<ModelFile>& files,
                                 const std::vector<std::string>& expected_features);
};

/// The median of the survival curve S(k) = 1 - P(change within k), interpolated; capped at the
/// last rung when the change is unlikely even then.
double median_minutes(const std::map<int, double>& within);

/// Predicts what the version serves: per room and horizon the booster or the baseline its
/// serving plan chose, recalibrated as the plan says; a room without boosters gets `fallback`.
/// `apply_plan = false` gives the raw boosters (the backtest's "booster", for comparison).
class ModelForecaster : public Forecaster {
 public:
  ModelForecaster(const TrainedModel& model, const features::FeatureSet& set, const Forecaster& fallback,
                  bool apply_plan = true);
  std::string name() const override { return apply_plan_ ? "model" : "booster"; }
  Forecast predict(const std::string& room, const double* features) const override;
  std::vector<Forecast> predict_many(const std::string& room, const double* rows, std::size_t n,
                                     std::size_t width) const override;
  bool has_room(const std::string& room) const { return model_.rooms.count(room) > 0; }

 private:
  const TrainedModel& model_;
  const Forecaster& fallback_;
  bool apply_plan_;
  std::map<std::string, std::unique_ptr<Forecaster>> baselines_;  // the plan's alternatives, by name
  std::size_t now_, width_;
  std::map<int, std::size_t> markov_;  // horizon -> column of markov_occ_<h>
};

}  // namespace occupancy::models
