#include "occupancy/evaluation/paired_bootstrap.hpp"

#include <algorithm>
#include <cmath>
#include <random>

namespace occupancy::evaluation {
namespace {

double percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const double pos = q * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const auto hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (pos - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

// Mean over rooms of each room's Brier difference over the days `pick` (with repetitions).
double mean_difference(const std::vector<std::vector<DayError>>& a, const std::vector<std::vector<DayError>>& b,
                       const std::vector<std::size_t>& pick) {
  double sum = 0;
  int rooms = 0;
  for (std::size_t r = 0; r < a.size(); ++r) {
    double da = 0, db = 0;
    std::size_t n = 0;
    for (std::size_t d : pick) {
      if (d >= a[r].size() || d >= b[r].size()) continue;
      da += a[r][d].sum_squared;
      db += b[r][d].sum_squared;
      n += a[r][d].n;
    }
    if (n == 0) continue;
    sum += (da - db) / static_cast<double>(n);
    ++rooms;
  }
  return rooms ? sum / rooms : 0;
}

}  // namespace

Difference bootstrap_difference(const std::vector<std::vector<DayError>>& a,
                                const std::vector<std::vector<DayError>>& b, int resamples, unsigned seed) {
  std::size_t days = 0;
  for (const auto& r : a) days = std::max(days, r.size());
  Difference out;
  if (days == 0) return out;
  std::vector<std::size_t> all(days);
  for (std::size_t d = 0; d < days; ++d) all[d] = d;
  out.mean = mean_difference(a, b, all);
  std::mt19937 rng(seed);
  std::uniform_int_distribution<std::size_t> day(0, days - 1);
  std::vector<double> means;
  means.reserve(static_cast<std::size_t>(resamples));
  std::vector<std::size_t> pick(days);
  for (int i = 0; i < resamples; ++i) {
    for (auto& d : pick) d = day(rng);
    means.push_back(mean_difference(a, b, pick));
  }
  out.low = percentile(means, 0.025);
  out.high = percentile(means, 0.975);
  return out;
}

std::optional<std::size_t> better_beyond_noise(const std::vector<std::vector<DayError>>& candidates,
                                               const std::vector<DayError>& reference) {
  std::optional<std::size_t> best;
  double best_mean = 0;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    const auto d = bootstrap_difference({candidates[i]}, {reference});
    if (d.high < 0 && d.mean < best_mean) {
      best_mean = d.mean;
      best = i;
    }
  }
  return best;
}

}  // namespace occupancy::evaluation
