#pragma once
// The room state machine: turns a room's accepted readings into "occupied or not, since when,
// which zones, can we trust it". Pure; event time comes from the readings and ticks.
//
// - Presence sensors count directly: any zone on means occupied.
// - Motion pulses hold the room occupied after the last pulse: briefly (cleaner.
//   motion_hold_with_presence_s) in rooms that have presence sensors, cleaner.motion_hold_min in
//   rooms that have only motion. A motion-only room then stays occupied ("sticky", for a person
//   sitting still) until activity elsewhere shows the occupant may have left, at most
//   cleaner.sticky_max_min.
// - In a motion-only room, a door change after the last pulse with no motion for
//   cleaner.door_grace_s ends the stay at the door change (out of the bathroom, door shut).
// - A sensor in a gap makes the room unreliable; its last state stands (a gap is never vacancy).
// Active zones: presence zones that are on, and motion zones within their hold time (so a
// pulse's on/off does not churn the published state).
// Each change names its cause (RoomState::trace_id): the reading's trace id, or for a change
// the clock made (a hold ran out, a gap, the first state) an id minted for the room and rule.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "occupancy/config/home_config.hpp"
#include "occupancy/core/types.hpp"

namespace occupancy::cleaning {

class RoomStateMachine {
 public:
  RoomStateMachine(const config::House& house, const config::CleanerSettings& settings);

  /// Event time reached `now`: hold times and door rules that expired change rooms.
  void advance(Millis now, std::vector<RoomState>& changed);
  /// An accepted reading (in event-time order).
  void apply(const Reading& r, std::vector<RoomState>& changed);
  /// A gap opened (no end) or closed: the room's reliability follows.
  void gap(const Gap& g, std::vector<RoomState>& changed);
  /// A presence sensor found stuck: its zone no longer counts as occupied.
  void clear_zone(const std::string& entity_id, Millis at, std::vector<RoomState>& changed);

  const RoomState* state(const std::string& room) const;
  std::vector<RoomState> states() const;

 private:
  struct Track {
    RoomState state;
    bool has_presence = false;
    std::map<std::string, std::string> presence_on;  // entity -> zone
    std::map<std::string, std::string> motion_on;    // entity -> zone
    std::map<std::string, Millis> motion_zone_last;  // zone -> last motion event (active within the hold)
    std::optional<Millis> last_motion, door_change, left_at;
    std::set<std::string> gaps;
    Millis evaluated = 0;
  };
  struct Verdict {
    bool occupied;
    Millis since;
  };
  Verdict evaluate(const Track& t, Millis now) const;
  Millis hold_of(const Track& t) const { return t.has_presence ? hold_presence_ : hold_motion_; }
  std::optional<Millis> next_deadline(const Track& t) const;
  // Re-evaluates at `now`; a change is emitted naming `cause` (a trace id).
  void settle(Track& t, Millis now, const std::string& cause, std::vector<RoomState>& changed);

  Millis hold_presence_, hold_motion_, sticky_, grace_;
  std::map<std::string, Track, std::less<>> rooms_;
  std::map<std::string, const config::Entity*, std::less<>> entities_;
  bool started_ = false;
};

/// What a trace id the machine minted for a change no reading made stands for, in words ("the
/// hold ran out in hall", "gap opened (silent): binary_sensor.x"); nullopt if it is none of them.
std::optional<std::string> explain_rule_trace(std::string_view id, const config::HomeConfig& config);

}  // namespace occupancy::cleaning
