#pragma once
// The predictor's archive (table predictions): one row per room, time and horizon, loaded with
// COPY; a prediction already archived is not added again. Outcomes fill `outcome` of rows
// already archived (or archived in the same batch).
#include <string>
#include <vector>

#include "occupancy/core/types.hpp"
#include "occupancy/store/database.hpp"

namespace occupancy::store {

struct PredictionBatch {
  std::vector<Prediction> items;
  std::vector<PredictionOutcome> outcomes;
  std::size_t size() const { return items.size() + outcomes.size(); }
  void append(PredictionBatch&& other);
  std::size_t drop_oldest(std::size_t n);
};

void archive_predictions(Database& db, const std::string& home, const PredictionBatch& batch);


}  // namespace occupancy::store
