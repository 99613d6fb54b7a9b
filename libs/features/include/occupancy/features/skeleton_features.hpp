#pragma once
// Walking-skeleton feature set "skeleton-1": only what the room state says. The real
// feature library (temporal, house, priors, gaps) replaces it with the models issue.
#include "occupancy/core/types.hpp"

namespace occupancy::features {

inline constexpr const char* kSkeletonFeatureSet = "skeleton-1";

/// occupied_now, minutes_in_state (since the last occupied/vacant change), reliable.
FeatureVector skeleton_features(const RoomState& state, Millis at);

}  // namespace occupancy::features
