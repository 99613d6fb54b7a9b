#include "occupancy/evaluation/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace occupancy::evaluation {

BinaryScores score_binary(const std::vector<double>& p, const std::vector<int>& y) {
  BinaryScores s;
  s.n = p.size();
  if (s.n == 0) return s;
  std::size_t tp = 0, fp = 0, tn = 0, fn = 0;
  for (std::size_t i = 0; i < s.n; ++i) {
    const bool predicted = p[i] >= 0.5, actual = y[i] != 0;
    tp += predicted && actual;
    fp += predicted && !actual;
    tn += !predicted && !actual;
    fn += !predicted && actual;
    s.brier += (p[i] - y[i]) * (p[i] - y[i]);
    const double q = std::clamp(p[i], 1e-6, 1 - 1e-6);
    s.log_loss -= actual ? std::log(q) : std::log(1 - q);
  }
  const auto n = static_cast<double>(s.n);
  s.brier /= n;
  s.log_loss /= n;
  s.accuracy = static_cast<double>(tp + tn) / n;
  s.precision = tp + fp ? static_cast<double>(tp) / static_cast<double>(tp + fp) : 0;
  s.recall = tp + fn ? static_cast<double>(tp) / static_cast<double>(tp + fn) : 0;
  s.f1 = s.precision + s.recall > 0 ? 2 * s.precision * s.recall / (s.precision + s.recall) : 0;
  // AUC by ranks (Mann-Whitney), ties get their average rank.
  const std::size_t positives = tp + fn, negatives = fp + tn;
  if (positives == 0 || negatives == 0) {
    s.auc = 0.5;
    return s;
  }
  std::vector<std::size_t> order(s.n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return p[a] < p[b]; });
  double rank_sum = 0;
  for (std::size_t i = 0; i < s.n;) {
    std::size_t j = i;
    while (j < s.n && p[order[j]] == p[order[i]]) ++j;
    const double rank = (static_cast<double>(i + j - 1) / 2.0) + 1;
    for (std::size_t k = i; k < j; ++k)
      if (y[order[k]]) rank_sum += rank;
    i = j;
  }
  const auto pos = static_cast<double>(positives), neg = static_cast<double>(negatives);
  s.auc = (rank_sum - pos * (pos + 1) / 2) / (pos * neg);
  return s;
}

DurationScores score_durations(const std::vector<double>& estimate, const std::vector<double>& actual) {
  DurationScores s;
  s.n = estimate.size();
  if (s.n == 0) return s;
  for (std::size_t i = 0; i < s.n; ++i) {
    const double e = std::abs(estimate[i] - actual[i]);
    s.mae += e;
    s.within_15 += e <= 15;
  }
  s.mae /= static_cast<double>(s.n);
  s.within_15 /= static_cast<double>(s.n);
  return s;
}

}  // namespace occupancy::evaluation
