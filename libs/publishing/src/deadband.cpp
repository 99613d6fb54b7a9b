#include "occupancy/publishing/deadband.hpp"

#include <cmath>

namespace occupancy::publishing {
namespace {

bool moved(const std::optional<double>& a, const std::optional<double>& b, double band) {
  if (a.has_value() != b.has_value()) return true;  // a duration appears or stops applying
  return a && std::fabs(*a - *b) >= band;
}

// Any value moved by the band, or a key came or went.
bool moved(const std::map<int, double>& a, const std::map<int, double>& b, double band) {
  if (a.size() != b.size()) return true;
  for (auto i = a.begin(), j = b.begin(); i != a.end(); ++i, ++j)
    if (i->first != j->first || std::fabs(i->second - j->second) >= band) return true;
  return false;
}

}  // namespace

bool should_publish(const std::optional<HaState>& last, const HaState& next, const Deadband& band) {
  if (!last) return true;
  return next.ts - last->ts >= band.heartbeat || next.occupied_now != last->occupied_now ||
         moved(next.occupancy_pct, last->occupancy_pct, band.percent_points) ||
         moved(next.vacant_within_pct, last->vacant_within_pct, band.percent_points) ||
         moved(next.minutes_to_vacancy, last->minutes_to_vacancy, band.minutes) ||
         moved(next.minutes_to_next_occupancy, last->minutes_to_next_occupancy, band.minutes) ||
         next.model_version != last->model_version || next.fallback != last->fallback || next.drift != last->drift ||
         next.reliable != last->reliable || next.problem_entities != last->problem_entities;
}

}  // namespace occupancy::publishing
