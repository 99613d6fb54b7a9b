#pragma once
// Is one forecaster better than another beyond noise? Days, not minutes, are the independent
// units (minutes within a day are strongly correlated), so differences are resampled by day:
// a paired bootstrap over days.
#include <cstddef>
#include <optional>
#include <vector>

namespace occupancy::evaluation {

struct DayError {  // one day of one forecaster: the sum of its losses and how many there were
  double sum_squared = 0;
  std::size_t n = 0;
};

struct Difference {  // mean Brier of the served forecaster minus the reference's; 95 % interval
  double mean = 0, low = 0, high = 0;
  bool worse() const { return low > 0; }  // worse beyond noise
};

/// Paired bootstrap over days: each resample draws days with replacement (the same days for
/// every room), takes each room's Brier difference over them and averages over rooms.
/// `a` and `b`: per room, per day (same lengths). Deterministic for a given seed.
Difference bootstrap_difference(const std::vector<std::vector<DayError>>& a,
                                const std::vector<std::vector<DayError>>& b, int resamples = 2000, unsigned seed = 1);

/// Of the candidates (each: per day, as `reference`), the one to use instead of the reference:
/// better beyond noise (its interval lies below zero), and of those the best on the mean.
/// nullopt: keep the reference.
std::optional<std::size_t> better_beyond_noise(const std::vector<std::vector<DayError>>& candidates,
                                               const std::vector<DayError>& reference);

}  // namespace occupancy::evaluation
