#pragma once
// From a published feature vector to a forecaster's input, and from a forecast to the
// prediction payload the publisher turns into Home Assistant states.
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

}  // namespace occupancy::models
