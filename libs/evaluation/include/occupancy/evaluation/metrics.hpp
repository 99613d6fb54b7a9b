#pragma once
// Scores of probabilistic binary forecasts and of duration estimates.
#include <cstddef>
#include <vector>

namespace occupancy::evaluation {

struct BinaryScores {
  std::size_t n = 0;
  double accuracy = 0, precision = 0, recall = 0, f1 = 0, auc = 0, brier = 0, log_loss = 0;
};

/// `p`: predicted probabilities, `y`: outcomes (0/1); threshold 0.5 for the class metrics.
/// AUC is 0.5 when only one class occurs.
BinaryScores score_binary(const std::vector<double>& p, const std::vector<int>& y);

struct DurationScores {
  std::size_t n = 0;
  double mae = 0, within_15 = 0;  // minutes; share of estimates within +/- 15 min
};

/// Uncensored cases only: `estimate` and `actual` in minutes.
DurationScores score_durations(const std::vector<double>& estimate, const std::vector<double>& actual);

/// 1 - brier / reference (positive: better than the reference).
inline double brier_skill(double brier, double reference) { return reference > 0 ? 1 - brier / reference : 0; }

}  // namespace occupancy::evaluation
