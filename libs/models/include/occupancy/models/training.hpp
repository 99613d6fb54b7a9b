#pragma once
// Trains a TrainedModel from feature rows and their labels. Validation for early stopping is
// the latest part of the training period (never shuffled: the future must not teach the past).
#include <cstddef>
#include <string>

#include "occupancy/features/extract.hpp"
#include "occupancy/features/truth.hpp"
#include "occupancy/models/trained_model.hpp"

namespace occupancy::models {

/// The host's cores, at most 4 (a training shares the host with the live services).
std::size_t default_training_threads();

struct TrainOptions {
  XgbParams xgb;
  double valid_share = 0.15;   // the last 15 % of the training rows, by time
  int ladder_every = 3;        // ladder rungs train on every 3rd row (they are many and similar)
  std::size_t min_rows = 200;  // a room with fewer labelled rows gets no model (the fallback serves it)
  bool ladder = false;         // durations: survival:aft (default) or the ladder of "within k" classifiers
  // Rooms trained at once, each booster on one thread: the cores of a small host (2 on the
  // reference LXC). The model is the same for any value.
  std::size_t threads = default_training_threads();
  double half_life_days = 0;  // rows weigh 2^(-age / half-life); 0: all alike
};

/// `rows`: features at sample times; `truth`: labels, ending where training data ends (labels
/// past it are missing, durations censored there).
TrainedModel train_model(const features::FeatureRows& rows, const features::Truth& truth,
                         const std::vector<std::string>& feature_names, const std::vector<int>& horizons,
                         const features::Priors& priors, const TrainOptions& options, std::string version);

}  // namespace occupancy::models
