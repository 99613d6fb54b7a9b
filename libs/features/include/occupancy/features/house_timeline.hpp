#pragma once
// What the feature library remembers about the house, fed with the cleaner's outputs in event
// time: each room's state and recent occupancy changes, zone changes, activity, gaps, and a
// month of 15-minute occupancy slots per room (for PreHeat's similar days). The live feature
// service and offline training feed the same class the same events, so features match.
#include <array>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "occupancy/config/home_config.hpp"
#include "occupancy/core/timezone.hpp"
#include "occupancy/core/types.hpp"

namespace occupancy::features {

inline constexpr Millis kSlot = 15 * kMinute;
inline constexpr int kDaySlots = static_cast<int>(kDay / kSlot);  // 15-minute slots of a local day
inline constexpr int kKeepDays = 28;

class HouseTimeline {
 public:
  struct Room {
    bool known = false, occupied = false, reliable = true;
    Millis since = 0;
    std::size_t active_zones = 0;
    std::deque<std::pair<Millis, bool>> flips;                // (when, occupied after), the last few hours
    std::deque<Millis> zone_changes;                          // the last hour
    std::map<long, std::array<signed char, kDaySlots>> days;  // local day -> slot occupied (1/0, -1 unknown)
    long slot_cursor = -1;                                    // next 15-minute slot (local, since the epoch) to settle
  };
  struct Flip {
    std::string room;
    bool occupied = false;
    Millis ts = 0;
  };

  explicit HouseTimeline(const config::House& home);

  void on_state(const RoomState& s);
  void on_reading(const Reading& r);
  /// Event time reached `t`: settles finished 15-minute slots and forgets old history.
  void advance(Millis t);

  const TimeZone& tz() const { return tz_; }
  const Room* room(const std::string& id) const;
  const std::map<std::string, Room, std::less<>>& rooms() const { return rooms_; }
  std::optional<Flip> last_flip() const { return last_flip_; }
  std::optional<Millis> last_activity() const { return last_activity_; }
  Millis now() const { return now_; }

  /// Share of [t - window, t] the room was occupied (unknown time counts as vacant).
  double occupied_share(const Room& r, Millis window, Millis t) const;

 private:
  void settle_slots(Room& r, Millis t);
  TimeZone tz_;
  std::map<std::string, Room, std::less<>> rooms_;
  std::optional<Flip> last_flip_;
  std::optional<Millis> last_activity_;
  Millis now_ = 0;
};

}  // namespace occupancy::features
