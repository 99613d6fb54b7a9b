#pragma once
// A prediction as Home Assistant shows it: percentages 0-100 (one decimal) and minutes.
#include "occupancy/core/types.hpp"

namespace occupancy::publishing {

HaState to_ha_state(const Prediction& p);

}  // namespace occupancy::publishing
