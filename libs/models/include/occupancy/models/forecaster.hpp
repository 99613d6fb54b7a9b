#pragma once
// One interface for every forecaster: the baselines (persistence, time of week, Markov chain,
// PreHeat) and the trained model. Each reads a feature vector of feature set v1 (the
// baselines' numbers are themselves features: priors, Markov propagation, similar days), so
// the same vector drives all of them online and offline.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "occupancy/features/feature_set.hpp"

namespace occupancy::models {

struct Forecast {
  std::map<int, double> occupancy;          // horizon (min) -> P(occupied at t + horizon)
  std::optional<double> minutes_to_change;  // occupied now: to vacancy; vacant now: to next occupancy
};

class Forecaster {
 public:
  virtual ~Forecaster() = default;
  virtual std::string name() const = 0;
  /// `features`: FeatureSet::size() values in the set's order; NaN = missing.
  virtual Forecast predict(const std::string& room, const double* features) const = 0;
  /// `n` rows of `width` features each (row-major); the trained model batches them.
  virtual std::vector<Forecast> predict_many(const std::string& room, const double* rows, std::size_t n,
                                             std::size_t width) const {
    std::vector<Forecast> out;
    out.reserve(n);
    for (std::size_t i = 0; i < n; ++i) out.push_back(predict(room, rows + i * width));
    return out;
  }
};

/// persistence, time_of_week, markov, preheat: the baselines, in the order reports show them.
const std::vector<std::string>& baseline_names();
/// Throws std::invalid_argument for an unknown name.
std::unique_ptr<Forecaster> make_baseline(const std::string& name, const features::FeatureSet& set,
                                          const std::vector<int>& horizons);

}  // namespace occupancy::models
