#pragma once
// When the cleaner tells the feature service how far event time is settled (`settled`): when
// it crosses a minute (the feature service computes every room once a minute) or when a step
// published something (a state change is computed at once) — not on every clock tick or
// wall-clock advance, which would be tens of messages a second for nothing. Pure.
#include <optional>

#include "occupancy/core/time.hpp"
#include "occupancy/core/types.hpp"

namespace occupancy::cleaning {

class SettledAnnouncer {
 public:
  /// After a step of the cleaner: `settled` is its settled time now, `produced` whether the step
  /// published clean readings or room states. Returns the time to announce, if any.
  std::optional<Millis> after_step(std::optional<Millis> settled, bool produced);

 private:
  Millis last_ = 0;
};

}  // namespace occupancy::cleaning
