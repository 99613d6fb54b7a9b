#pragma once
// History priors, learned from a stretch of room states (the training data) and shipped with a
// model version: per room, how often it is occupied at each half hour of the week, how long a
// stay that starts at a given hour usually lasts, and a first-order Markov chain (per hour of
// day, minute transitions vacant<->occupied). Times are the home's local time.
#include <array>
#include <map>
#include <string>
#include <vector>

#include "occupancy/core/timezone.hpp"
#include "occupancy/core/types.hpp"

namespace occupancy::features {

inline constexpr int kWeekSlots = 7 * 48;  // half hours

struct RoomPriors {
  std::array<double, kWeekSlots> occupancy{};           // share of reliable time occupied, per half hour of week
  std::array<double, 24> stay_minutes{};                // median stay starting in that local hour
  std::array<double, kWeekSlots> remaining_occupied{};  // median minutes left of a stay in progress then (0: none)
  std::array<double, kWeekSlots> remaining_vacant{};    // median minutes until the next stay, from vacant then
  std::array<double, 24> p_arrive{};                    // per minute: P(vacant -> occupied) in that local hour
  std::array<double, 24> p_leave{};                     // per minute: P(occupied -> vacant)
};

struct Priors {
  std::map<std::string, RoomPriors, std::less<>> rooms;
  bool empty() const { return rooms.empty(); }
  std::string to_json() const;
  /// Throws std::runtime_error on a malformed document.
  static Priors from_json(const std::string& text);
};

/// A stretch of time left out of learning (empty by default).
struct Excluded {
  Millis from = 0, to = 0;
  bool contains(Millis t) const { return t >= from && t < to; }
};

/// Learns priors from each room's state changes (time-ordered), using [start, end) only, less
/// `excluded` (so that training rows there see priors learned without them, as live data will).
/// With a half-life (days), shares and rates weigh each minute by 2^(-age / half-life) from
/// `end`, so that a changed routine shows sooner; stay lengths stay plain medians.
Priors learn_priors(const std::map<std::string, std::vector<RoomState>>& states, Millis start, Millis end,
                    const TimeZone& tz, Excluded excluded = {}, double half_life_days = 0);

/// The half hour of the week (0 = Monday 00:00) of a UTC instant, in local time.
int week_slot(Millis utc, const TimeZone& tz);

}  // namespace occupancy::features
