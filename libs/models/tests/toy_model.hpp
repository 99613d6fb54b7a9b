#pragma once
// A small trained model for tests: boosters whose "occupied at t + h" is the feature
// occupied_now, trained over random values of every other feature.
#include <vector>

#include "occupancy/models/trained_model.hpp"

namespace occupancy::testing {

/// `inverted`: a deliberately bad model, its outcome the opposite of occupied_now.
inline models::TrainedModel toy_model(const features::FeatureSet& set, const std::vector<int>& horizons, unsigned seed,
                                      bool inverted = false) {
  std::vector<float> y, vy;
  models::Matrix train{{}, 0, set.size(), {}, {}}, valid{{}, 0, set.size(), {}, {}};
  unsigned s = seed;
  const auto next = [&] { return static_cast<float>((s = s * 1103515245u + 12345u) >> 8 & 0xffff) / 65535.0f; };
  for (int i = 0; i < 1500; ++i) {
    auto& m = i < 1200 ? train : valid;
    for (std::size_t k = 0; k < set.size(); ++k) m.values.push_back(next());
    const bool occ = next() > 0.5f;
    m.values[m.rows * set.size() + set.index("occupied_now")] = occ;
    ++m.rows;
    (i < 1200 ? y : vy).push_back(occ != inverted);
  }
  models::TrainedModel model;
  model.feature_names = set.names();
  model.horizons = horizons;
  for (int h : horizons) model.rooms["office"].occupancy.emplace(h, models::XgbBooster::train(train, y, valid, vy, {}));
  return model;
}

}  // namespace occupancy::testing
