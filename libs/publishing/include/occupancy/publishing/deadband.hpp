#pragma once
// When a room's HA state is worth publishing: on a meaningful change (deadband) or when the
// last publication is older than the heartbeat, so HA's recorder is not flooded.
#include <optional>

#include "occupancy/core/types.hpp"

namespace occupancy::publishing {

struct Deadband {
  double percent_points = 2;        // occupancy probabilities, in percentage points
  double minutes = 1;               // time to vacancy / next occupancy
  Millis heartbeat = 10 * kMinute;  // event time
};

bool should_publish(const std::optional<HaState>& last, const HaState& next, const Deadband& band);

}  // namespace occupancy::publishing
