#include "occupancy/models/persistence.hpp"

namespace occupancy::models {

std::optional<Prediction> predict_persistence(const FeatureVector& features, const std::vector<int>& horizons_min) {
  std::optional<double> occupied, reliable;
  for (const auto& [name, value] : features.values) {
    if (name == "occupied_now") occupied = value;
    if (name == "reliable") reliable = value;
  }
  if (!occupied) return std::nullopt;
  Prediction p;
  p.ts = features.ts;
  p.room = features.room;
  p.occupied_now = *occupied >= 0.5;
  p.reliable = !reliable || *reliable >= 0.5;
  for (int h : horizons_min) p.occupancy[h] = p.occupied_now ? 1.0 : 0.0;
  p.model_version = kPersistenceVersion;
  p.fallback = "persistence";
  return p;
}

}  // namespace occupancy::models
