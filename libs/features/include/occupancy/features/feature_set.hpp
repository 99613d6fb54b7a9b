#pragma once
// Feature set "v1": one pure computation shared by training and the live feature service.
// Every feature at time t uses only what the timeline saw up to t (a test changes the future
// and checks). Each feature is documented in docs/features.md. Missing inputs (no priors yet,
// too little history) are NaN, which XGBoost treats as missing.
#include <string>
#include <vector>

#include "occupancy/features/house_timeline.hpp"
#include "occupancy/features/priors.hpp"

namespace occupancy::features {

inline constexpr const char* kFeatureSet = "v1";
inline constexpr int kPreheatDays = 5;  // PreHeat's K most similar days

class FeatureSet {
 public:
  /// Horizons (minutes) name the horizon-specific features, e.g. prior_occ_15, markov_occ_120.
  explicit FeatureSet(std::vector<int> horizons_min);

  const std::vector<std::string>& names() const { return names_; }
  std::size_t size() const { return names_.size(); }
  std::size_t index(const std::string& name) const;  // throws std::out_of_range

  /// Fills `out` (size()) for `room` at `t` (the timeline must have been advanced to t).
  void compute(const HouseTimeline& timeline, const Priors& priors, const std::string& room, Millis t,
               double* out) const;
  FeatureVector vector(const HouseTimeline& timeline, const Priors& priors, const std::string& room, Millis t) const;

 private:
  std::vector<int> horizons_;
  std::vector<std::string> names_;
};

}  // namespace occupancy::features
