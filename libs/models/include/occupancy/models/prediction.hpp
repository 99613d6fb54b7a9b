#pragma once
// From a published feature vector to a forecaster's input, and from a forecast to the
// prediction payload the publisher turns into Home Assistant states.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "occupancy/core/types.hpp"
#include "occupancy/features/feature_set.hpp"
#include "occupancy/models/forecaster.hpp"

namespace occupancy::models {

/// The vector's values in the set's order; a name the vector lacks is NaN (missing).
std::vector<double> to_row(const FeatureVector& fv, const features::FeatureSet& set);

/// `fallback`: which baseline served it, when the trained model did not.
Prediction make_prediction(const FeatureVector& fv, const std::vector<double>& row, const features::FeatureSet& set,
                           const Forecast& forecast, const std::string& model_version,
                           const std::optional<std::string>& fallback);

/// The spread (sd of log minutes) of a duration around its forecast, for P(vacant within k):
/// measured on the real homes (docs/models.md, "Vacant within").
inline constexpr double kDurationLogSpread = 1.2;

/// P(vacant within k min) for each k: 1 in a vacant room; in an occupied one, from the served
/// time to vacancy m taken as the median of a log-normal, Φ((ln k − ln m) / spread). Empty
/// when no time to vacancy is served.
std::map<int, double> vacant_within(const Prediction& p, const std::vector<int>& ks,
                                    double spread = kDurationLogSpread);

/// Only the room's horizons (the model may learn more: every room's together).
void keep_horizons(Prediction& p, const std::vector<int>& horizons);

}  // namespace occupancy::models
