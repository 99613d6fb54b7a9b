#pragma once
// The predictor's core: a feature vector in, a prediction out — from the active trained model
// where it has the room, else from the best baseline for the data at hand (time of week once
// priors exist, persistence before), which the prediction names in `fallback`. A new model is
// swapped in whole (hot reload); a broken one never replaces a working one (the loader throws
// first).
#include <memory>
#include <optional>
#include <string>

#include "occupancy/config/home_config.hpp"
#include "occupancy/models/drift_monitor.hpp"
#include "occupancy/models/matured_scores.hpp"
#include "occupancy/models/prediction.hpp"
#include "occupancy/models/shadow_evaluation.hpp"
#include "occupancy/models/trained_model.hpp"

namespace occupancy::models {

class PredictorCore {
 public:
  PredictorCore(const config::House& house, const config::ModelServiceSettings& settings);
  explicit PredictorCore(const config::HomeConfig& config) : PredictorCore(config, config.predictor) {}

  void use_model(std::shared_ptr<const TrainedModel> model);
  const TrainedModel* model() const { return model_.get(); }
  /// A candidate in shadow beside the active version (nullptr: none): it forecasts every vector
  /// too, never published, and is scored against the active version (shadow()). Restored pairs
  /// (from the archive) count toward its shadow period.
  /// `version` is the candidate's name in the registry (its forecasts carry it).
  void use_candidate(std::shared_ptr<const TrainedModel> candidate, const std::string& version, std::size_t min_minutes,
                     std::vector<MaturedPair> restored = {});
  std::shared_ptr<const TrainedModel> candidate_model() const { return candidate_; }
  const ShadowEvaluation* shadow() const { return shadow_ ? &*shadow_ : nullptr; }
  /// The shadow's verdict once it has one: promote or retire, with the candidate and why.
  struct ShadowVerdict {
    bool promote = false;
    std::string version, reason;
    std::shared_ptr<const TrainedModel> candidate;
  };
  /// nullopt while no shadow runs or it still waits. Changes nothing: the caller records the
  /// verdict (the registry, or a replay's log), serves the candidate if promoted, then end_shadow().
  std::optional<ShadowVerdict> shadow_verdict() const;
  void end_shadow() { use_candidate(nullptr, "", 0); }
  /// The candidate's forecast of the last predict() (empty without a candidate).
  const std::optional<Prediction>& shadow_prediction() const { return shadow_prediction_; }
  const features::FeatureSet& set() const { return set_; }

  /// Throws std::invalid_argument if the vector lacks occupied_now.
  Prediction predict(const FeatureVector& fv);
  /// Predictions made before a restart, still waiting for their outcome (from the archive, in
  /// time order): scored when they mature, like the ones made since.
  void restore_pending(const std::vector<Prediction>& pending);
  /// The outcomes of earlier predictions that the last predict() saw mature.
  const std::vector<PredictionOutcome>& matured() const { return matured_; }
  MaturedScores& scores() { return scores_; }
  /// The active version against the baseline on live minutes; a drifting room is served by the
  /// baseline (drift: true) until another version is installed.
  DriftMonitor& drift() { return drift_; }

 private:
  features::FeatureSet set_;
  std::map<std::string, std::vector<int>, std::less<>> room_horizons_;  // what each room is forecast for
  std::vector<int> vacant_within_min_;
  std::unique_ptr<Forecaster> persistence_, time_of_week_;
  Prediction forecast(const ModelForecaster* forecaster, const TrainedModel* model, const FeatureVector& fv,
                      const std::vector<double>& row, const Forecaster& baseline) const;

  std::shared_ptr<const TrainedModel> model_, candidate_;
  std::unique_ptr<ModelForecaster> forecaster_, candidate_forecaster_;
  std::optional<ShadowEvaluation> shadow_;
  std::optional<Prediction> shadow_prediction_;
  MaturedScores scores_;
  DriftMonitor drift_;
  std::vector<PredictionOutcome> matured_;
};

}  // namespace occupancy::models
