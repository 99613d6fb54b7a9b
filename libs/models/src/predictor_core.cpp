#include "occupancy/models/predictor_core.hpp"

#include <cmath>
#include <stdexcept>

namespace occupancy::models {

PredictorCore::PredictorCore(const config::House& home, const config::ModelServiceSettings& settings)
    : set_(home.horizons_min),
      vacant_within_min_(home.vacant_within_min),
      persistence_(make_baseline("persistence", set_, home.horizons_min)),
      time_of_week_(make_baseline("time_of_week", set_, home.horizons_min)),
      drift_(DriftSettings{static_cast<std::size_t>(settings.drift_window),
                           static_cast<std::size_t>(settings.drift_window / 6), settings.drift_margin,
                           static_cast<Millis>(settings.drift_hold_min * kMinute)}) {
  for (const auto& r : home.rooms) room_horizons_[r.id] = r.horizons_min;
}

void PredictorCore::use_model(std::shared_ptr<const TrainedModel> model) {
  auto forecaster = model ? std::make_unique<ModelForecaster>(*model, set_, *time_of_week_) : nullptr;
  model_ = std::move(model);
  forecaster_ = std::move(forecaster);
  drift_.reset();  // a new version is judged afresh
}

void PredictorCore::restore_pending(const std::vector<Prediction>& pending) {
  for (const auto& p : pending)
    for (const auto& [h, q] : p.occupancy) scores_.predicted(p.room, h, p.ts, q);
}

std::optional<PredictorCore::ShadowVerdict> PredictorCore::shadow_verdict() const {
  if (!shadow_) return std::nullopt;
  auto decision = shadow_->decide();
  if (decision.verdict == ShadowEvaluation::Verdict::wait) return std::nullopt;
  return ShadowVerdict{decision.verdict == ShadowEvaluation::Verdict::promote, shadow_->candidate(),
                       std::move(decision.reason), candidate_};
}

void PredictorCore::use_candidate(std::shared_ptr<const TrainedModel> candidate, const std::string& version,
                                  std::size_t min_minutes, std::vector<MaturedPair> restored) {
  auto forecaster = candidate ? std::make_unique<ModelForecaster>(*candidate, set_, *time_of_week_) : nullptr;
  shadow_.reset();
  if (candidate) {
    shadow_.emplace(version, min_minutes);
    shadow_->restore(std::move(restored));
  }
  candidate_ = std::move(candidate);
  candidate_forecaster_ = std::move(forecaster);
  shadow_prediction_.reset();
}

Prediction PredictorCore::forecast(const ModelForecaster* forecaster, const TrainedModel* model,
                                   const FeatureVector& fv, const std::vector<double>& row,
                                   const Forecaster& baseline) const {
  if (forecaster && forecaster->has_room(fv.room))
    return make_prediction(fv, row, set_, forecaster->predict(fv.room, row.data()), model->version,
                           model->serving.fallback(fv.room));  // a baseline the version chose for this room
  return make_prediction(fv, row, set_, baseline.predict(fv.room, row.data()),
                         model ? model->version : "baseline-" + baseline.name(), baseline.name());
}

Prediction PredictorCore::predict(const FeatureVector& fv) {
  const auto row = to_row(fv, set_);
  const double now = row[set_.index("occupied_now")];
  if (std::isnan(now)) throw std::invalid_argument("feature vector has no occupied_now");
  const bool priors = !std::isnan(row[set_.index("prior_occ_now")]);
  const Forecaster& baseline = priors ? *time_of_week_ : *persistence_;
  Prediction p = forecast(forecaster_.get(), model_.get(), fv, row, baseline);
  if (forecaster_ && forecaster_->has_room(fv.room)) {  // the version forecasts this room: watched for drift
    auto base = forecast(nullptr, nullptr, fv, row, baseline);
    drift_.observed(fv.room, fv.ts, now >= 0.5);
    drift_.predicted(fv.room, fv.ts, p.occupancy, base.occupancy);
    for (auto& [h, q] : p.occupancy)  // a drifting horizon is served by the baseline
      if (drift_.drifting(fv.room, h)) {
        q = base.occupancy.at(h);
        p.drift = true;
      }
    if (p.drift) p.fallback = base.fallback;
  }
  const auto r = room_horizons_.find(fv.room);
  if (r == room_horizons_.end()) throw std::invalid_argument("room '" + fv.room + "' is not in the home config");
  const auto& horizons = r->second;
  keep_horizons(p, horizons);
  p.vacant_within = vacant_within(p, vacant_within_min_);
  matured_ = scores_.observed(fv.room, fv.ts, now >= 0.5);
  for (const auto& [h, q] : p.occupancy) {
    scores_.predicted(fv.room, h, fv.ts, q);
    if (const auto r = scores_.rolling(fv.room, h)) {
      p.live_accuracy[h] = r->accuracy;
      p.live_brier[h] = r->brier;
      p.live_matured[h] = static_cast<double>(r->n);
    }
  }
  shadow_prediction_.reset();
  if (shadow_) {
    shadow_prediction_ = forecast(candidate_forecaster_.get(), candidate_.get(), fv, row, baseline);
    shadow_prediction_->model_version = shadow_->candidate();
    keep_horizons(*shadow_prediction_, horizons);
    shadow_->observed(fv.room, fv.ts, now >= 0.5);
    shadow_->predicted(fv.room, fv.ts, p.occupancy, shadow_prediction_->occupancy);
  }
  return p;
}

}  // namespace occupancy::models
