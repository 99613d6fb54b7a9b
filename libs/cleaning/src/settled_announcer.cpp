#include "occupancy/cleaning/settled_announcer.hpp"

namespace occupancy::cleaning {

std::optional<Millis> SettledAnnouncer::after_step(std::optional<Millis> settled, bool produced) {
  if (!settled || *settled <= last_) return std::nullopt;
  if (!produced && *settled / kMinute == last_ / kMinute) return std::nullopt;
  last_ = *settled;
  return settled;
}

}  // namespace occupancy::cleaning
