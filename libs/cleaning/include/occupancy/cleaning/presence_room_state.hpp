#pragma once
// Walking-skeleton room state: a room is occupied while any of its presence zones is on.
// Motion hold times, doors and the cat filter arrive with the cleaner issue; until then
// motion, door and light readings do not change occupancy. An unavailable sensor makes the
// room unreliable (never vacant).
#include <map>
#include <optional>
#include <set>
#include <string>

#include "occupancy/config/home_config.hpp"
#include "occupancy/core/types.hpp"

namespace occupancy::cleaning {

class PresenceRoomState {
 public:
  explicit PresenceRoomState(const config::HomeConfig& config);

  /// Applies one reading; returns the room's new state when it changed.
  std::optional<RoomState> apply(const Reading& reading);

  const RoomState* state(const std::string& room) const;

 private:
  struct Room {
    std::set<std::string> active;       // presence zones currently on
    std::set<std::string> unavailable;  // entities currently unavailable
    RoomState state;
  };
  std::map<std::string, Room, std::less<>> rooms_;
};

}  // namespace occupancy::cleaning
