#pragma once
// The predictor's archive (table predictions): one row per room, time and horizon, loaded with
// COPY; a prediction already archived is not added again. Outcomes fill `outcome` of rows
// archived before, in the same batch, or later: an outcome whose prediction is not archived yet
// (the spool replays in any order) waits in prediction_outcomes_early until it is.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "occupancy/core/types.hpp"
#include "occupancy/store/database.hpp"

namespace occupancy::store {

struct PredictionBatch {
  std::vector<Prediction> items;
  std::vector<PredictionOutcome> outcomes;  // fill both tables: an outcome is the room's, not a version's
  std::vector<Prediction> shadow;           // a candidate's forecasts (table shadow_predictions)
  std::size_t size() const { return items.size() + outcomes.size() + shadow.size(); }
  std::size_t bytes() const;
  void append(PredictionBatch&& other);
  std::string to_record() const;  // one spool record
  static PredictionBatch from_record(std::string_view record);
};

void archive_predictions(Database& db, const std::string& home, const PredictionBatch& batch);

/// Predictions of the last `max_horizon_min` (plus a minute) before the newest archived one whose
/// outcome is still unknown: what a restarted predictor still has to score.
std::vector<Prediction> load_pending_predictions(Database& db, const std::string& home, int max_horizon_min);

/// The mean Brier of `version`'s matured predictions over the last `days` days of its own
/// (nullopt: none matured): how a version did live, for a rollback's choice.
std::optional<double> live_brier(Database& db, const std::string& home, const std::string& version, int days = 30);

/// The matured pairs of `candidate`'s shadow (its forecasts beside the published ones), in time
/// order. Event time, not the registry's wall-clock shadow_since: a replayed home has its own.
std::vector<MaturedPair> load_shadow_pairs(Database& db, const std::string& home, const std::string& candidate);

}  // namespace occupancy::store
