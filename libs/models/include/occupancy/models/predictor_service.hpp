#pragma once
// The predictor service's logic, messages in and a Step out (contract/step.hpp), around the
// PredictorCore: forecasts published and archived; model versions hot-swapped from the
// registry (a broken one never replaces a working one); the candidate in shadow loaded and its
// verdict applied; a rollback to the previous version on drift, or on request (with promote);
// scores on /metrics.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "occupancy/config/home_config.hpp"
#include "occupancy/contract/messages.hpp"
#include "occupancy/contract/step.hpp"
#include "occupancy/core/model_source.hpp"
#include "occupancy/models/predictor_core.hpp"

namespace occupancy::models {

class PredictorService {
 public:
  /// `registry` may be null (predictor.registry off): the baselines serve, nothing is loaded.
  PredictorService(const config::House& house, const config::ModelServiceSettings& settings,
                   std::shared_ptr<ModelSource> registry);
  PredictorService(const config::HomeConfig& config, std::shared_ptr<ModelSource> registry)
      : PredictorService(config, config.predictor, std::move(registry)) {}

  static std::vector<contract::MetricFamily> metric_families();

  /// Loads `version` (nullopt: the active one) and serves it. A version that cannot be loaded
  /// is refused (logged, counted) and the one serving stays.
  contract::Step install(const std::optional<std::string>& version);
  /// Loads the candidate in shadow, if it changed, with the pairs its shadow already matured.
  contract::Step install_candidate();
  /// Predictions a previous run made whose outcome was pending (from the archive).
  contract::Step restore_pending(const std::vector<Prediction>& pending);

  /// A feature vector: its forecast published (retained) and archived with the outcomes it saw
  /// mature and the candidate's forecast. `wall_now` stamps the last-prediction gauge.
  /// Refuses (contract::Refusal) an unknown room or a vector without occupied_now.
  contract::Step on_features(const FeatureVector& fv, std::string_view topic_room, Millis wall_now);
  contract::Step on_features(const FeatureVector& fv, Millis wall_now) { return on_features(fv, fv.room, wall_now); }
  /// A version was announced: serve it (if it is not serving) and follow the shadow.
  contract::Step on_model(const contract::ModelAnnouncement& m);
  /// The shadow's figures; once its live minutes matured, its verdict recorded in the registry
  /// (promoted: served now) and announced.
  contract::Step on_shadow_tick();
  /// Drift: roll back to the previous version when it did better live; otherwise the baseline
  /// keeps serving the drifting rooms (the core already does) until a new version.
  contract::Step on_drift_tick();
  /// Drift flags and rolling scores per room and horizon.
  contract::Step on_metrics_tick();
  /// A control request (HA's hub buttons): promote (the candidate in shadow, or `version`) or
  /// rollback (to the version active before). Answered on response/<action> either way: what
  /// is active now, or why nothing changed (no candidate, no earlier version, registry away).
  contract::Step on_request(std::string_view action, const contract::ControlRequest& request);

  const PredictorCore& core() const { return core_; }

 private:
  std::string serving() const;
  static void announce(contract::Step& step, const RegisteredVersion& active,
                       const std::optional<std::string>& candidate, const std::string& reason);

  const config::House& house_;
  const config::ModelServiceSettings& settings_;
  std::shared_ptr<ModelSource> registry_;
  PredictorCore core_;
};

}  // namespace occupancy::models
