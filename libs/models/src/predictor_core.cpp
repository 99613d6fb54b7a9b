#include "occupancy/models/predictor_core.hpp"

#include <cmath>
#include <stdexcept>

namespace occupancy::models {

PredictorCore::PredictorCore(const config::HomeConfig& home)
    : home_(home),
      set_(home.horizons_min),
      persistence_(make_baseline("persistence", set_, home.horizons_min)),
      time_of_week_(make_baseline("time_of_week", set_, home.horizons_min)) {}

void PredictorCore::use_model(std::shared_ptr<const TrainedModel> model) {
  auto forecaster = model ? std::make_unique<ModelForecaster>(*model, set_, *time_of_week_) : nullptr;
  model_ = std::move(model);
  forecaster_ = std::move(forecaster);
}

void PredictorCore::restore_pending(const std::vector<Prediction>& pending) {
  for (const auto& p : pending)
    for (const auto& [h, q] : p.occupancy) scores_.predicted(p.room, h, p.ts, q);
}

Prediction PredictorCore::predict(const FeatureVector& fv) {
  const auto row = to_row(fv, set_);
  const double now = row[set_.index("occupied_now")];
  if (std::isnan(now)) throw std::invalid_argument("feature vector has no occupied_now");
  const bool priors = !std::isnan(row[set_.index("prior_occ_now")]);
  const Forecaster& baseline = priors ? *time_of_week_ : *persistence_;
  Prediction p;
  if (forecaster_ && forecaster_->has_room(fv.room))
    p = make_prediction(fv, row, set_, forecaster_->predict(fv.room, row.data()), model_->version,
                        model_->serving.fallback(fv.room));  // a baseline the version chose for this room
  else
    p = make_prediction(fv, row, set_, baseline.predict(fv.room, row.data()),
                        model_ ? model_->version : "baseline-" + baseline.name(), baseline.name());
  matured_ = scores_.observed(fv.room, fv.ts, now >= 0.5);
  for (const auto& [h, q] : p.occupancy) scores_.predicted(fv.room, h, fv.ts, q);
  return p;
}

}  // namespace occupancy::models
