#pragma once
// Offline feature extraction: the cleaner's outputs (room states and clean readings) fed to a
// HouseTimeline in time order, and the feature vector of every room taken at given times. A
// feature at t sees exactly the events with ts <= t, as the live feature service does.
#include <string>
#include <vector>

#include "occupancy/config/home_config.hpp"
#include "occupancy/features/feature_set.hpp"

namespace occupancy::features {

struct FeatureRows {
  std::vector<Millis> times;       // one per row
  std::vector<std::string> rooms;  // one per row
  std::vector<double> values;      // row-major, FeatureSet::size() per row
  std::size_t width = 0;
  std::size_t rows() const { return times.size(); }
  const double* row(std::size_t i) const { return values.data() + i * width; }
  /// One room's rows, in their order (time order, as extracted).
  FeatureRows of_room(const std::string& room) const;
};

/// `at` ascending. Rooms: every room of `home`, in config order, at each time.
FeatureRows extract_features(const FeatureSet& set, const config::House& home, const Priors& priors,
                             const std::vector<RoomState>& states, const std::vector<Reading>& clean,
                             const std::vector<Millis>& at);

}  // namespace occupancy::features
