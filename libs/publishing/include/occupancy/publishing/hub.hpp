#pragma once
// The suite's own device in Home Assistant (the "hub"), beside one device per room: each
// service's connectivity (from its retained status and last will), the active model, since
// when, and the candidate in shadow (from the retained model announcement), dead letters in the
// last hour (counted by the publisher, on occupancy/<home>/hub), and buttons that send control
// requests (occupancy/<home>/request/<action>, answered on response/<action>).
#include <rapidjson/document.h>

#include <deque>
#include <optional>
#include <string>

#include "occupancy/core/time.hpp"
#include "occupancy/publishing/discovery.hpp"

namespace occupancy::publishing {

/// "occupancy_<home>": a room's is "occupancy_<home>_<room>", so the two never meet.
std::string hub_device_id(const std::string& home);

/// The hub's discovery payload.
rapidjson::Document hub_discovery_config(const DiscoverySettings& settings);

/// Dead letters seen in the last hour, and the last one.
class DeadLetterWindow {
 public:
  struct Letter {
    std::string service, reason;
    Millis at = 0;
  };
  void add(Letter letter);
  /// Letters older than an hour before `now` are forgotten; true if the count changed.
  bool expire(Millis now);
  std::size_t count() const { return times_.size(); }
  const std::optional<Letter>& last() const { return last_; }

 private:
  std::deque<Millis> times_;
  std::optional<Letter> last_;
};

/// The hub state payload (contract: hub.json).
rapidjson::Document hub_state_json(const DeadLetterWindow& window, Millis now);

}  // namespace occupancy::publishing
