#include "occupancy/features/skeleton_features.hpp"

#include <algorithm>

namespace occupancy::features {

FeatureVector skeleton_features(const RoomState& state, Millis at) {
  const double minutes = static_cast<double>(std::max<Millis>(0, at - state.since)) / kMinute;
  return FeatureVector{at,
                       state.room,
                       kSkeletonFeatureSet,
                       {{"occupied_now", state.occupied ? 1.0 : 0.0},
                        {"minutes_in_state", minutes},
                        {"reliable", state.reliable ? 1.0 : 0.0}}};
}

}  // namespace occupancy::features
