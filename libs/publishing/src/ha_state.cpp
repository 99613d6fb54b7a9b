#include "occupancy/publishing/ha_state.hpp"

#include <cmath>

namespace occupancy::publishing {
namespace {

std::map<int, double> percent(const std::map<int, double>& m) {
  std::map<int, double> out;
  for (const auto& [k, p] : m) out[k] = std::round(p * 1000.0) / 10.0;
  return out;
}

std::map<int, double> rounded(const std::map<int, double>& m) {
  std::map<int, double> out;
  for (const auto& [k, v] : m) out[k] = std::round(v * 10000.0) / 10000.0;
  return out;
}

std::optional<double> minutes(const std::optional<double>& m) {
  if (!m) return std::nullopt;
  return std::round(*m);
}

}  // namespace

HaState to_ha_state(const Prediction& p) {
  return HaState{p.ts,
                 p.occupied_now,
                 percent(p.occupancy),
                 percent(p.vacant_within),
                 p.occupied_now ? minutes(p.minutes_to_vacancy) : std::nullopt,
                 p.occupied_now ? std::nullopt : minutes(p.minutes_to_next_occupancy),
                 p.model_version,
                 p.fallback,
                 p.drift,
                 p.trace_id,
                 p.reliable,
                 {},
                 {},
                 percent(p.live_accuracy),
                 rounded(p.live_brier),
                 p.live_matured};
}

}  // namespace occupancy::publishing
