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
  // What an entity list can decide: no person crosses three rooms seconds apart, and a door
  // whose zone is front_door or entrance is the way in and out (the house-empty rule). The rules
  // that need the layout (exclusive zones, motion needs presence, nobody could have come) are
  // off: a config turns them on (docs/cleaner.md).
  c.cat_filter.exclusive_zones.clear();
  c.cat_filter.motion_needs_presence = false;
  c.cat_filter.cross_room_min_rooms = 3;     // neighbouring rooms' sensors can see one person pass
  c.cat_filter.cross_room_transition_s = 3;  // ...and a quick person crosses three in 4-5 s (CASAS)
  c.cat_filter.path_rule = false;
  c.cat_filter.entrance.clear();
  for (const auto& e : entities)
    if (e.kind == "door" && (e.zone == "front_door" || e.zone == "entrance") && c.cat_filter.entrance.empty())
      c.cat_filter.entrance = e.room + "/" + e.zone;
  for (const auto& e : entities) {
    auto room = std::find_if(c.rooms.begin(), c.rooms.end(), [&](const config::Room& r) { return r.id == e.room; });
    if (room == c.rooms.end()) room = c.rooms.insert(c.rooms.end(), config::Room{e.room, e.room, {}, c.horizons_min});
    if (!room->has_zone(e.zone)) room->zones.push_back({e.zone, ""});
    c.entities.push_back(e);
  }
  return c;
}

}  // namespace occupancy::history
