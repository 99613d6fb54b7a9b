#pragma once
// The gap detector: finds the stretches in which a sensor's readings cannot be trusted.
// A gap opens when Home Assistant reports the entity unavailable, when a sensor that sends
// heartbeats (entity `heartbeat: true`) stays silent longer than its kind's limit
// (cleaner.silence_limit_min), or when the impossible-state rule finds a sensor stuck. The
// sensor's next good reading closes it. Pure: event time comes from the readings and ticks.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "occupancy/config/home_config.hpp"
#include "occupancy/core/types.hpp"

namespace occupancy::cleaning {

class GapDetector {
 public:
  GapDetector(const config::House& house, const config::CleanerSettings& settings);

  /// Every reading of a configured entity, accepted or not (a repeat still proves the sensor
  /// alive). Appends the gap it opened or closed, if any.
  void observe(const Reading& r, std::vector<Gap>& changed);

  /// Event time reached `now`: opens gaps for heartbeat sensors silent past their limit.
  void advance(Millis now, std::vector<Gap>& changed);

  /// Opens a gap for a sensor whose state contradicts the rest of the house.
  void open(const config::Entity& entity, Millis at, const std::string& cause, std::vector<Gap>& changed);

  bool in_gap(const std::string& entity_id) const { return open_.count(entity_id) > 0; }
  std::vector<Gap> open_gaps() const;

 private:
  struct Watch {
    const config::Entity* entity;
    Millis limit = 0;  // 0 = changes only, no silence rule
    std::optional<Millis> last_heard;
  };
  std::map<std::string, Watch, std::less<>> watches_;
  std::map<std::string, Gap, std::less<>> open_;
};

}  // namespace occupancy::cleaning
