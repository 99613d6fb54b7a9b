#include "occupancy/models/predictor_service.hpp"

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>

#include "occupancy/contract/refusal.hpp"

namespace occupancy::models {

using contract::LogLine;
using contract::Step;

PredictorService::PredictorService(const config::House& house, const config::ModelServiceSettings& settings,
                                   std::shared_ptr<ModelSource> registry)
    : house_(house), settings_(settings), registry_(std::move(registry)), core_(house, settings) {}

std::vector<contract::MetricFamily> PredictorService::metric_families() {
  return {
      {"occupancy_model_loads_total", "counter", "Model versions loaded, by result (ok, refused)."},
      {"occupancy_model_info", "gauge", "The model version serving (1), by version."},
      {"occupancy_model_created_timestamp_seconds", "gauge",
       "When the serving model version was trained (registered), by version."},
      {"occupancy_last_prediction_timestamp_seconds", "gauge", "Wall-clock time of the last prediction published."},
      {"occupancy_prediction_accuracy_ratio", "gauge", "Rolling accuracy of matured predictions, by room and horizon."},
      {"occupancy_prediction_brier", "gauge", "Rolling Brier score of matured predictions, by room and horizon."},
      {"occupancy_prediction_matured", "gauge", "Matured predictions in the rolling window, by room and horizon."},
      {"occupancy_shadow_matured_seconds", "gauge",
       "Live time the candidate in shadow has matured (its distinct minutes)."},
      {"occupancy_shadow_brier", "gauge", "Mean Brier over the shadow's matured pairs, by version and role."},
      {"occupancy_drift", "gauge", "1 while the active version drifts in the room (the baseline serves it)."},
      {"occupancy_rollbacks_total", "counter", "Automatic rollbacks to the previous version after drift."},
      {"occupancy_control_requests_total", "counter",
       "Control requests (promote, rollback) answered, by action and status (ok, error)."},
      {"occupancy_shadow_decisions_total", "counter", "Shadow evaluations ended, by verdict (promote, retire)."},
  };
}

std::string PredictorService::serving() const { return core_.model() ? core_.model()->version : "baselines"; }

Step PredictorService::install(const std::optional<std::string>& version) {
  Step step;
  if (!registry_) return step;
  try {
    const auto served = registry_->to_serve(version);
    if (!served) return step;
    auto model = std::make_shared<TrainedModel>(TrainedModel::from_files(served->files, core_.set().names()));
    const std::string previous = serving();
    if (core_.model()) {
      step.gauge("occupancy_model_info", {{"version", previous}}, 0);
      step.forget("occupancy_model_created_timestamp_seconds", {{"version", previous}});
    }
    core_.use_model(std::move(model));
    step.gauge("occupancy_model_info", {{"version", serving()}}, 1);
    if (served->created_at)
      step.gauge("occupancy_model_created_timestamp_seconds", {{"version", serving()}},
                 static_cast<double>(*served->created_at) / 1000);
    step.count("occupancy_model_loads_total", {{"result", "ok"}});
    step.log(LogLine::Level::info, fmt::format("model {} serving (was {})", serving(), previous));
  } catch (const std::exception& e) {
    step.count("occupancy_model_loads_total", {{"result", "refused"}});
    step.log(LogLine::Level::error, fmt::format("model {} refused, {} keeps serving: {}", version.value_or("(active)"),
                                                core_.model() ? core_.model()->version : "the baselines", e.what()));
  }
  return step;
}

Step PredictorService::install_candidate() {
  Step step;
  if (!registry_) return step;
  try {
    const auto shadow = registry_->shadow();
    const std::string current = core_.shadow() ? core_.shadow()->candidate() : "";
    if ((shadow ? shadow->version : "") == current) return step;  // unchanged
    if (!shadow) {
      core_.end_shadow();
      step.log(LogLine::Level::info, fmt::format("shadow of {} ended", current));
      return step;
    }
    auto model = std::make_shared<TrainedModel>(
        TrainedModel::from_files(registry_->files(shadow->version), core_.set().names()));
    auto restored = registry_->shadow_pairs(shadow->version);
    const auto minutes = static_cast<std::size_t>(std::llround(settings_.shadow_hours * 60));
    core_.use_candidate(std::move(model), shadow->version, minutes, std::move(restored));
    step.log(LogLine::Level::info,
             fmt::format("{} predicts in shadow beside {} ({} of {} live minutes matured)", shadow->version,
                         core_.model() ? core_.model()->version : "the baselines", core_.shadow()->matured_minutes(),
                         minutes));
  } catch (const std::exception& e) {
    step.log(LogLine::Level::error,
             fmt::format("the candidate in shadow cannot be loaded (no shadow evaluation): {}", e.what()));
  }
  return step;
}

Step PredictorService::restore_pending(const std::vector<Prediction>& pending) {
  core_.restore_pending(pending);
  Step step;
  step.log(LogLine::Level::info,
           fmt::format("{} archived predictions still waiting for their outcome", pending.size()));
  return step;
}

Step PredictorService::on_features(const FeatureVector& fv, std::string_view topic_room, Millis wall_now) {
  if (house_.find_room(fv.room) == nullptr)
    throw contract::Refusal("unknown_room", "/room", "room '" + fv.room + "' is not in the home config");
  contract::require_topic_room(topic_room, fv.room);
  Prediction p;
  try {
    p = core_.predict(fv);
  } catch (const std::invalid_argument& e) {
    throw contract::Refusal("missing_feature", "/values/occupied_now", e.what());
  }
  Step step;
  step.publish(proto::channel::prediction, {{"room", p.room}}, contract::to_json(p));
  step.gauge("occupancy_last_prediction_timestamp_seconds", {}, static_cast<double>(wall_now) / 1000);
  step.archive.predictions.push_back(std::move(p));
  step.archive.outcomes = core_.matured();
  if (const auto& shadow = core_.shadow_prediction()) step.archive.shadow.push_back(*shadow);
  return step;
}

Step PredictorService::on_model(const contract::ModelAnnouncement& m) {
  Step step;
  if (!registry_) {
    step.log(LogLine::Level::warn,
             fmt::format("model {} announced, but predictor.registry is off: baselines keep serving", m.version));
    return step;
  }
  if (!core_.model() || core_.model()->version != m.version) step = install(m.version);
  step.append(install_candidate());
  return step;
}

void PredictorService::announce(Step& step, const RegisteredVersion& active,
                                const std::optional<std::string>& candidate, const std::string& reason) {
  step.publish(proto::channel::model, {},
               contract::to_json(contract::ModelAnnouncement{active.version, active.feature_set, active.activated_at,
                                                             candidate, reason}));
}

Step PredictorService::on_shadow_tick() {
  Step step;
  const auto* shadow = core_.shadow();
  if (!registry_ || !shadow) return step;
  const auto s = shadow->overall();
  step.gauge("occupancy_shadow_matured_seconds", {}, 60.0 * static_cast<double>(shadow->matured_minutes()));
  step.gauge("occupancy_shadow_brier", {{"version", shadow->candidate()}, {"role", "candidate"}}, s.candidate);
  step.gauge("occupancy_shadow_brier", {{"version", serving()}, {"role", "active"}}, s.active);
  const auto verdict = core_.shadow_verdict();
  if (!verdict) return step;
  // Recorded first: if the registry is away this throws, nothing changed, and the next tick retries.
  const auto active = registry_->decide_shadow(verdict->version, verdict->promote, verdict->reason);
  core_.end_shadow();
  // Active in the registry now: loaded as any active version.
  if (verdict->promote) step.append(install(verdict->version));
  step.log(LogLine::Level::info, verdict->reason);
  step.count("occupancy_shadow_decisions_total", {{"verdict", verdict->promote ? "promote" : "retire"}});
  if (active) announce(step, *active, std::nullopt, verdict->reason);
  return step;
}

Step PredictorService::on_drift_tick() {
  Step step;
  const auto rooms = core_.drift().take_new_drifts();
  if (rooms.empty() || !core_.model() || !registry_) return step;
  const std::string current = core_.model()->version;
  const auto previous = registry_->previous();
  const auto choice = choose_rollback(
      current, rooms, settings_.drift_margin, previous ? std::optional(previous->version) : std::nullopt,
      registry_->live_brier(current), previous ? registry_->live_brier(previous->version) : std::nullopt);
  step.log(LogLine::Level::warn, choice.reason);
  if (!choice.roll_back) return step;
  const auto record = registry_->activate(previous->version);
  step.append(install(record.version));
  step.count("occupancy_rollbacks_total", {});
  const auto shadow = registry_->shadow();
  announce(step, record, shadow ? std::optional(shadow->version) : std::nullopt, choice.reason);
  return step;
}

Step PredictorService::on_request(std::string_view action, const contract::ControlRequest& request) {
  Step step;
  contract::ControlResponse response;
  response.transaction = request.transaction;
  const auto answer = [&] {
    step.publish(proto::channel::response, {{"action", std::string(action)}}, contract::to_json(response));
    step.count("occupancy_control_requests_total",
               {{"action", std::string(action)}, {"status", response.error.empty() ? "ok" : "error"}});
    step.log(response.error.empty() ? LogLine::Level::info : LogLine::Level::warn,
             fmt::format("{} requested: {}", action,
                         response.error.empty() ? "version " + response.version.value_or("?") + " active now"
                                                : response.error));
    return std::move(step);
  };
  if (action == "retrain") return step;  // the trainer service's (RetrainRequests)
  if (action != "promote" && action != "rollback") {
    response.error = "unknown action '" + std::string(action) + "': promote, rollback or retrain";
    return answer();
  }
  if (!registry_) {
    response.error = "the predictor has no model registry (predictor.registry is off)";
    return answer();
  }
  const std::string current = serving();
  try {
    std::optional<RegisteredVersion> active;
    std::string reason;
    if (action == "rollback") {
      const auto previous = registry_->previous();
      if (!previous) {
        response.error = "no earlier version to roll back to";
        return answer();
      }
      reason = "rolled back from " + current + " to " + previous->version + " on request";
      active = registry_->activate(previous->version);
    } else {
      const auto shadow = registry_->shadow();
      const std::string target = request.version ? *request.version : shadow ? shadow->version : std::string();
      if (target.empty()) {
        response.error = "no candidate in shadow to promote (name one with \"version\")";
        return answer();
      }
      if (target == current) {
        response.error = target + " is already active";
        return answer();
      }
      reason = "promoted " + target + " on request (was " + current + ")";
      // The candidate through its shadow's verdict (recorded as such); any other version directly.
      active = shadow && shadow->version == target ? registry_->decide_shadow(target, true, reason)
                                                   : std::optional(registry_->activate(target));
      if (shadow && shadow->version == target) core_.end_shadow();
    }
    if (!active) {
      response.error = "the registry recorded the request but names no active version";
      return answer();
    }
    step.append(install(active->version));
    const auto shadow = registry_->shadow();
    announce(step, *active, shadow ? std::optional(shadow->version) : std::nullopt, reason);
    response.version = active->version;
    response.previous = current;
  } catch (const std::exception& e) {  // the registry away, a version it does not have: nothing changed
    response.error = std::string("the model registry refused or is unreachable: ") + e.what();
  }
  return answer();
}

Step PredictorService::on_metrics_tick() {
  Step step;
  for (const auto& room : house_.rooms)
    step.gauge("occupancy_drift", {{"room", room.id}}, core_.drift().drifting(room.id) ? 1 : 0);
  for (const auto& [key, r] : core_.scores().all()) {
    const contract::Labels l{{"room", key.first}, {"horizon_min", std::to_string(key.second)}};
    step.gauge("occupancy_prediction_accuracy_ratio", l, r.accuracy);
    step.gauge("occupancy_prediction_brier", l, r.brier);
    step.gauge("occupancy_prediction_matured", l, static_cast<double>(r.n));
  }
  return step;
}

}  // namespace occupancy::models
