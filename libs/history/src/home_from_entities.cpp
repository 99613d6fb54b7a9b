#include "occupancy/history/home_from_entities.hpp"

#include <algorithm>
#include <filesystem>

namespace occupancy::history {

config::HomeConfig home_from_entities(const EntityMap& entities, const std::string& timezone,
                                      const std::string& source) {
  if (std::filesystem::exists("/usr/share/zoneinfo") && !std::filesystem::exists("/usr/share/zoneinfo/" + timezone))
    throw config::ConfigError(source, "--tz",
                              "expected an IANA time zone such as America/Los_Angeles, got '" + timezone + "'");
  config::HomeConfig c;
  c.source = source;
  c.timezone = timezone;
  c.horizons_min = {15, 120};
  c.cat_filter.enabled = false;
  for (const auto& e : entities) {
    auto room = std::find_if(c.rooms.begin(), c.rooms.end(), [&](const config::Room& r) { return r.id == e.room; });
    if (room == c.rooms.end()) room = c.rooms.insert(c.rooms.end(), config::Room{e.room, e.room, {}});
    if (!room->has_zone(e.zone)) room->zones.push_back({e.zone, ""});
    c.entities.push_back(e);
  }
  return c;
}

}  // namespace occupancy::history
