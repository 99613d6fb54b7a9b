#include "occupancy/publishing/deadband.hpp"

#include <cmath>

namespace occupancy::publishing {
namespace {

bool moved(const std::optional<double>& a, const std::optional<double>& b, double band) {
  if (a.has_value() != b.has_value()) return true;  // a duration appears or stops applying
  return a && std::fabs(*a - *b) >= band;
}

}  // namespace

bool should_publish(const std::optional<HaState>& last, const HaState& next, const Deadband& band) {
  if (!last) return true;
  return next.ts - last->ts >= band.heartbeat || next.occupied_now != last->occupied_now ||
         std::fabs(next.occupancy_15_pct - last->occupancy_15_pct) >= band.percent_points ||
         std::fabs(next.occupancy_120_pct - last->occupancy_120_pct) >= band.percent_points ||
         moved(next.minutes_to_vacancy, last->minutes_to_vacancy, band.minutes) ||
         moved(next.minutes_to_next_occupancy, last->minutes_to_next_occupancy, band.minutes) ||
         next.model_version != last->model_version || next.fallback != last->fallback || next.drift != last->drift ||
         next.reliable != last->reliable || next.problem_entities != last->problem_entities;
}

}  // namespace occupancy::publishing
