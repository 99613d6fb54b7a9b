#pragma once
// Training targets from a history's room states: occupied at t + h, and minutes until the
// state at t changes (time to vacancy for an occupied room, to next occupancy for a vacant
// one), right-censored where the data ends or a gap begins. Unreliable time (a sensor gap)
// gives no label: a gap is never taken for vacancy.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "occupancy/core/types.hpp"

namespace occupancy::features {

class Truth {
 public:
  struct Segment {
    Millis start, end;
    bool occupied, reliable;
  };
  struct Duration {
    double minutes;
    bool censored;  // the change was not seen: the true duration is at least `minutes`
  };

  /// `states`: each room's state changes in time order; `end`: where the data stops.
  Truth(const std::map<std::string, std::vector<RoomState>>& states, Millis end);

  /// The room's state at t; nullopt where unknown or unreliable.
  std::optional<bool> occupied_at(const std::string& room, Millis t) const;
  /// Minutes from t until the room's state changes; nullopt where the state at t is unknown.
  std::optional<Duration> until_change(const std::string& room, Millis t) const;
  Millis end() const { return end_; }

 private:
  const Segment* at(const std::string& room, Millis t) const;
  std::map<std::string, std::vector<Segment>, std::less<>> rooms_;
  Millis end_;
};

}  // namespace occupancy::features
