#pragma once
// The persistence baseline: every horizon looks like now. It has no notion of durations, so
// time to vacancy / next occupancy stay unknown (null), never 0.
#include <optional>
#include <vector>

#include "occupancy/core/types.hpp"

namespace occupancy::models {

inline constexpr const char* kPersistenceVersion = "baseline-persistence";

/// `features` must carry occupied_now (and may carry reliable). nullopt if it does not.
std::optional<Prediction> predict_persistence(const FeatureVector& features, const std::vector<int>& horizons_min);

}  // namespace occupancy::models
