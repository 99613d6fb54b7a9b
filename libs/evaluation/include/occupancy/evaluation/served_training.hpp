#pragma once
// Training the version to serve. Real homes give 10 to 60 days, and on so little data a booster
// can lose to the baselines it is given as inputs, so what each room serves is decided on data
// the decision never trained on: the last days of the training period are held out, a model
// and priors are learned on the days before them, and every candidate (booster, baselines,
// each with or without Platt recalibration) is scored there. The version shipped is then
// trained on the whole period and carries the decision as its serving plan.
#include <map>
#include <string>
#include <vector>

#include "occupancy/cleaning/clean_report.hpp"
#include "occupancy/config/home_config.hpp"
#include "occupancy/models/trained_model.hpp"
#include "occupancy/models/training.hpp"

namespace occupancy::evaluation {

struct ServedTrainOptions {
  Millis train_every = 5 * 60'000;  // training rows: one per room every 5 minutes
  Millis valid_every = 5 * 60'000;  // validation rows
  // At least 3: a bootstrap over fewer days cannot tell noise from skill ("better beyond noise"
  // on 2 days only means "better on both").
  int min_valid_days = 3, max_valid_days = 7;
  double valid_share = 0.25;  // of the period's days held out for the decision (within the bounds above)
  bool choose = true;         // false: serve the boosters everywhere (the plan stays empty)
  // Training rows see priors learned without their own stretch of days (K contiguous folds),
  // as live rows will: priors learned on the rows they describe look better than they are, and
  // the booster would learn to trust them. 0 or 1: one set of priors from the whole period.
  int prior_folds = 4;
  double prior_half_life_days = 0;  // priors' recency weighting (learn_priors); 0: every day alike
  // Training rows' recency weighting (TrainOptions::half_life_days) tried on the held-out days;
  // the first is the default, another replaces it only where its boosters score a lower mean
  // Brier over rooms at every horizon there. Empty or one: train.half_life_days as given.
  std::vector<double> half_life_choices{0, 3};
  models::TrainOptions train;
};

using RoomStates = std::map<std::string, std::vector<RoomState>>;

/// Boosters and priors trained on [start, end): priors from that span, one row per room every
/// train_every, labels and durations ending at `end`. No serving plan.
models::TrainedModel train_boosters(const config::HomeConfig& home, const cleaning::CleanRun& run,
                                    const RoomStates& by_room, Millis start, Millis end,
                                    const ServedTrainOptions& options, std::string version);

/// The serving plan for a version trained on [start, end), decided on its last days (the training
/// half-life first, then per room and horizon what to serve). The version must then be trained
/// with options.train.half_life_days = plan.half_life_days.
models::ServingPlan choose_serving(const config::HomeConfig& home, const cleaning::CleanRun& run,
                                   const RoomStates& by_room, Millis start, Millis end,
                                   const ServedTrainOptions& options);

/// train_boosters on [start, end) with choose_serving's plan: what the predictor serves.
models::TrainedModel train_served(const config::HomeConfig& home, const cleaning::CleanRun& run, Millis start,
                                  Millis end, const ServedTrainOptions& options, std::string version);

}  // namespace occupancy::evaluation
