#pragma once
// Bounds on event time. Every core advances its clock to the newest event time it has seen and
// several walk minute by minute up to it, so one reading dated 2099 (or 1970, then today) would
// poison the clock or loop for decades. Events outside the bounds are refused, with a reason.
#include <functional>
#include <optional>
#include <string>

#include "occupancy/core/time.hpp"

namespace occupancy {

struct EventTimeLimits {
  Millis max_ahead = 5 * kMinute;  // wall-clock mode: how far past the wall clock an event may be
  Millis max_span = 31 * kDay;     // wall-clock mode: how old; event-time mode: how far one event may jump ahead
};

/// Wall-clock mode (`wall` set, live HA): an event must lie in [wall − max_span, wall + max_ahead].
/// Event-time mode (no `wall`: a replay or a simulated HA, whose time is not the wall's): an
/// event may not jump more than max_span past the newest one accepted.
class EventTimeGuard {
 public:
  EventTimeGuard(EventTimeLimits limits, std::function<Millis()> wall) : limits_(limits), wall_(std::move(wall)) {}

  /// nullopt: accepted (and remembered); otherwise why it is refused.
  std::optional<std::string> check(Millis t);
  const EventTimeLimits& limits() const { return limits_; }
  std::optional<Millis> wall_now() const { return wall_ ? std::optional<Millis>(wall_()) : std::nullopt; }

 private:
  EventTimeLimits limits_;
  std::function<Millis()> wall_;
  Millis newest_ = -1;
};

}  // namespace occupancy
