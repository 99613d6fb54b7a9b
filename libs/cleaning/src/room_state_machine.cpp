#include "occupancy/cleaning/room_state_machine.hpp"

#include <algorithm>

#include "occupancy/core/trace_id.hpp"

namespace occupancy::cleaning {
namespace {
// The causes of changes no reading made, and how the machine names them in trace ids.
constexpr std::string_view kStart = "start", kHold = "hold", kGapClosed = "gap closed", kStuck = "stuck";
constexpr std::string_view kGapCauses[] = {"unavailable", "silent", "contradicted"};
std::string gap_opened(std::string_view cause) { return "gap " + std::string(cause); }
std::string rule_trace(const std::string& room, std::string_view rule, Millis at) {
  return make_trace_id(at, "room:" + room, rule);
}
}  // namespace

RoomStateMachine::RoomStateMachine(const config::House& house, const config::CleanerSettings& settings)
    : hold_presence_(seconds_to_millis(settings.motion_hold_with_presence_s)),
      hold_motion_(seconds_to_millis(settings.motion_hold_min * 60)),
      sticky_(seconds_to_millis(settings.sticky_max_min * 60)),
      grace_(seconds_to_millis(settings.door_grace_s)) {
  for (const auto& r : house.rooms) rooms_[r.id].state.room = r.id;
  for (const auto& e : house.entities) {
    entities_[e.entity_id] = &e;
    if (e.kind == "presence") rooms_[e.room].has_presence = true;
  }
}

RoomStateMachine::Verdict RoomStateMachine::evaluate(const Track& t, Millis now) const {
  if (!t.presence_on.empty() || !t.motion_on.empty()) return {true, now};
  if (!t.last_motion) return {false, now};
  const Millis last = *t.last_motion;
  if (t.has_presence) return {now < last + hold_presence_, now};
  if (t.door_change && *t.door_change > last && now >= *t.door_change + grace_) return {false, *t.door_change};
  if (now < last + hold_motion_) return {true, now};
  if (t.left_at) return {false, now};
  return {now < last + sticky_, now};
}

std::optional<Millis> RoomStateMachine::next_deadline(const Track& t) const {
  if (!t.last_motion || !t.motion_on.empty()) return std::nullopt;
  const Millis last = *t.last_motion;
  std::vector<Millis> at;
  for (const auto& [_, last_zone] : t.motion_zone_last) at.push_back(last_zone + hold_of(t));
  if (t.has_presence) {
    at.push_back(last + hold_presence_);
  } else {
    at.push_back(last + hold_motion_);
    at.push_back(last + sticky_);
    if (t.door_change && *t.door_change > last) at.push_back(*t.door_change + grace_);
  }
  std::optional<Millis> next;
  for (const Millis d : at)
    if (d > t.evaluated && (!next || d < *next)) next = d;
  return next;
}

void RoomStateMachine::settle(Track& t, Millis at, const std::string& cause, std::vector<RoomState>& changed) {
  const Millis now = std::max(t.evaluated, at);  // a late reading changes the room from now on
  t.evaluated = now;
  const auto v = evaluate(t, now);
  std::set<std::string> zones;
  for (const auto& [_, z] : t.presence_on) zones.insert(z);
  for (const auto& [_, z] : t.motion_on) zones.insert(z);
  for (const auto& [z, last] : t.motion_zone_last)
    if (now < last + hold_of(t)) zones.insert(z);
  RoomState next = t.state;
  next.occupied = v.occupied;
  next.active_zones.assign(zones.begin(), zones.end());
  next.reliable = t.gaps.empty();
  if (next.occupied != t.state.occupied) next.since = v.since;
  if (next == t.state) return;  // both still name the last change's cause
  next.ts = now;
  next.trace_id = cause;
  t.state = next;
  changed.push_back(next);
}

void RoomStateMachine::advance(Millis now, std::vector<RoomState>& changed) {
  if (!started_) {  // every room's first state, at the first event time seen
    started_ = true;
    for (auto& [_, t] : rooms_) {
      t.state.ts = t.state.since = t.evaluated = now;
      t.state.trace_id = rule_trace(t.state.room, kStart, now);
      changed.push_back(t.state);
    }
  }
  for (auto& [_, t] : rooms_)
    for (auto d = next_deadline(t); d && *d <= now; d = next_deadline(t))
      settle(t, *d, rule_trace(t.state.room, kHold, *d), changed);
}

void RoomStateMachine::apply(const Reading& r, std::vector<RoomState>& changed) {
  advance(r.ts, changed);
  const auto e = rooms_.find(r.room);
  if (e == rooms_.end()) return;
  Track& t = e->second;
  const bool on = r.state == SensorState::on;
  if (r.state != SensorState::unavailable) {  // unavailable: the last state stands
    if (r.kind == "presence") {
      if (on)
        t.presence_on[r.entity_id] = r.zone;
      else
        t.presence_on.erase(r.entity_id);
    } else if (r.kind == "motion") {
      if (on)
        t.motion_on[r.entity_id] = r.zone;
      else
        t.motion_on.erase(r.entity_id);
      t.last_motion = r.ts;
      t.motion_zone_last[r.zone] = r.ts;
      t.left_at.reset();
    } else if (r.kind == "door") {
      t.door_change = r.ts;
    }
  }
  const std::string cause = trace_id_of(r);
  settle(t, r.ts, cause, changed);
  // Activity here means a motion-only room's occupant may have moved on.
  const bool activity =
      (on && (r.kind == "presence" || r.kind == "motion")) || (r.kind == "door" && r.state != SensorState::unavailable);
  if (!activity) return;
  for (auto& [id, other] : rooms_) {
    if (id == r.room || other.has_presence || !other.last_motion || other.left_at) continue;
    if (*other.last_motion < r.ts) {
      other.left_at = r.ts;
      settle(other, r.ts, cause, changed);  // this reading moved that room too
    }
  }
}

void RoomStateMachine::gap(const Gap& g, std::vector<RoomState>& changed) {
  const auto e = rooms_.find(g.room);
  if (e == rooms_.end()) return;
  if (g.end)
    e->second.gaps.erase(g.entity_id);
  else
    e->second.gaps.insert(g.entity_id);
  const Millis at = g.end.value_or(g.start);
  settle(e->second, at, make_trace_id(at, g.entity_id, g.end ? std::string(kGapClosed) : gap_opened(g.cause)), changed);
}

void RoomStateMachine::clear_zone(const std::string& entity_id, Millis at, std::vector<RoomState>& changed) {
  const auto e = entities_.find(entity_id);
  if (e == entities_.end()) return;
  auto& t = rooms_[e->second->room];
  t.presence_on.erase(entity_id);
  settle(t, at, make_trace_id(at, entity_id, kStuck), changed);
}

const RoomState* RoomStateMachine::state(const std::string& room) const {
  const auto it = rooms_.find(room);
  return it == rooms_.end() ? nullptr : &it->second.state;
}

std::vector<RoomState> RoomStateMachine::states() const {
  std::vector<RoomState> out;
  for (const auto& [_, t] : rooms_) out.push_back(t.state);
  return out;
}

std::optional<std::string> explain_rule_trace(std::string_view id, const config::HomeConfig& config) {
  const auto at = trace_id_time(id);
  if (!at) return std::nullopt;
  for (const auto& r : config.rooms) {
    if (rule_trace(r.id, kStart, *at) == id) return "the cleaner's first state of " + r.id;
    if (rule_trace(r.id, kHold, *at) == id) return "a hold ran out in " + r.id + " (no reading: the clock)";
  }
  for (const auto& e : config.entities) {
    if (make_trace_id(*at, e.entity_id, kGapClosed) == id) return "gap closed: " + e.entity_id;
    if (make_trace_id(*at, e.entity_id, kStuck) == id) return "stuck presence sensor cleared: " + e.entity_id;
    for (const auto cause : kGapCauses)
      if (make_trace_id(*at, e.entity_id, gap_opened(cause)) == id)
        return "gap opened (" + std::string(cause) + "): " + e.entity_id;
  }
  return std::nullopt;
}

}  // namespace occupancy::cleaning
