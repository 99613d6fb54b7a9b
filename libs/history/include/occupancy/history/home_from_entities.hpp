#pragma once
// A home config for a user who has nothing but an HA export: rooms and zones come from
// entities.csv, the time zone from the command line. No people and no cat rules (the cat filter
// is off: it needs the exclusive zones and the front door only a real config names).
#include <string>

#include "occupancy/config/home_config.hpp"
#include "occupancy/history/csv_history.hpp"

namespace occupancy::history {

/// Throws config::ConfigError if `timezone` is not an IANA zone on this machine.
config::HomeConfig home_from_entities(const EntityMap& entities, const std::string& timezone,
                                      const std::string& source);

}  // namespace occupancy::history
