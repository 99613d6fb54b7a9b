#include "occupancy/cleaning/presence_room_state.hpp"

namespace occupancy::cleaning {

PresenceRoomState::PresenceRoomState(const config::HomeConfig& config) {
  for (const auto& r : config.rooms) rooms_[r.id].state.room = r.id;
}

std::optional<RoomState> PresenceRoomState::apply(const Reading& reading) {
  const auto it = rooms_.find(reading.room);
  if (it == rooms_.end()) return std::nullopt;
  Room& room = it->second;
  const RoomState before = room.state;

  if (reading.state == SensorState::unavailable) {
    room.unavailable.insert(reading.entity_id);
  } else {
    room.unavailable.erase(reading.entity_id);
    if (reading.kind == "presence") {
      if (reading.state == SensorState::on)
        room.active.insert(reading.zone);
      else
        room.active.erase(reading.zone);
    }
  }
  RoomState& s = room.state;
  s.active_zones.assign(room.active.begin(), room.active.end());
  s.occupied = !room.active.empty();
  s.reliable = room.unavailable.empty();
  if (s.occupied != before.occupied || before.since == 0) s.since = reading.ts;
  if (s.occupied == before.occupied && s.active_zones == before.active_zones && s.reliable == before.reliable &&
      before.since != 0)
    return std::nullopt;
  s.ts = reading.ts;
  return s;
}

const RoomState* PresenceRoomState::state(const std::string& room) const {
  const auto it = rooms_.find(room);
  return it == rooms_.end() ? nullptr : &it->second.state;
}

}  // namespace occupancy::cleaning
