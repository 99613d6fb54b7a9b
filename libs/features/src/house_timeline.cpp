#include "occupancy/features/house_timeline.hpp"

#include <algorithm>

#include "occupancy/core/time.hpp"

namespace occupancy::features {
namespace {

constexpr Millis kKeepFlips = 5 * 60 * kMinute;  // > the longest window (240 min)

}  // namespace

HouseTimeline::HouseTimeline(const config::House& home) : tz_(home.zone()) {
  for (const auto& r : home.rooms) rooms_[r.id];
}

const HouseTimeline::Room* HouseTimeline::room(const std::string& id) const {
  const auto it = rooms_.find(id);
  return it == rooms_.end() ? nullptr : &it->second;
}

void HouseTimeline::on_state(const RoomState& s) {
  const auto it = rooms_.find(s.room);
  if (it == rooms_.end()) return;
  advance(s.ts);
  Room& r = it->second;
  if (!r.known || r.occupied != s.occupied) {
    r.flips.emplace_back(s.ts, s.occupied);
    if (r.known) {
      last_flip_ = Flip{s.room, s.occupied, s.ts};
      last_activity_ = s.ts;
    }
  }
  if (r.known && s.active_zones.size() != r.active_zones) r.zone_changes.push_back(s.ts);
  r.known = true;
  r.occupied = s.occupied;
  r.reliable = s.reliable;
  r.since = s.since;
  r.active_zones = s.active_zones.size();
}

void HouseTimeline::on_reading(const Reading& r) {
  advance(r.ts);
  if (r.state == SensorState::on && (!last_activity_ || r.ts > *last_activity_)) last_activity_ = r.ts;
}

void HouseTimeline::advance(Millis t) {
  if (t < now_) return;
  now_ = t;
  for (auto& [_, r] : rooms_) {
    settle_slots(r, t);
    while (r.flips.size() > 1 && r.flips[1].first <= t - kKeepFlips) r.flips.pop_front();
    while (!r.zone_changes.empty() && r.zone_changes.front() < t - 60 * kMinute) r.zone_changes.pop_front();
  }
}

double HouseTimeline::occupied_share(const Room& r, Millis window, Millis t) const {
  const Millis from = t - window;
  Millis occupied = 0;
  bool state = false;
  Millis cursor = from;
  for (const auto& [ts, occ] : r.flips) {
    if (ts <= from) {
      state = occ;
      continue;
    }
    if (ts > t) break;
    if (state) occupied += ts - cursor;
    cursor = ts;
    state = occ;
  }
  if (state) occupied += t - cursor;
  return static_cast<double>(occupied) / static_cast<double>(window);
}

void HouseTimeline::settle_slots(Room& r, Millis t) {
  const Millis local = tz_.to_local(t);
  const long current = floor_div(local, kSlot);  // the slot t is in (not finished)
  if (r.slot_cursor < 0) r.slot_cursor = current;
  for (; r.slot_cursor < current; ++r.slot_cursor) {
    const Millis slot_local = static_cast<Millis>(r.slot_cursor) * kSlot;
    const Millis slot_end_utc = tz_.from_local(slot_local + kSlot);
    const long day = floor_div(slot_local, kDay);
    auto [it, fresh] = r.days.try_emplace(day);
    if (fresh) it->second.fill(-1);
    const int index = static_cast<int>((slot_local - static_cast<Millis>(day) * kDay) / kSlot);
    it->second[static_cast<std::size_t>(index)] =
        r.known ? (occupied_share(r, kSlot, slot_end_utc) >= 0.5 ? 1 : 0) : -1;
    while (r.days.size() > kKeepDays + 2) r.days.erase(r.days.begin());
  }
}

}  // namespace occupancy::features
