#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <set>

#include "sections.hpp"

namespace occupancy::config {

void read_house(const rapidjson::Value& doc, const std::string& source, House& c) {
  c.home = str(doc, "home");
  c.timezone = str(doc, "timezone");
  if (doc.HasMember("people"))
    for (const auto& p : doc["people"].GetArray()) c.people.emplace_back(p.GetString());

  std::set<std::string> seen;
  const auto& rooms = doc["rooms"];
  for (rapidjson::SizeType i = 0; i < rooms.Size(); ++i) {
    Room r;
    r.id = str(rooms[i], "id");
    r.name = str(rooms[i], "name", r.id);
    if (!seen.insert(r.id).second)
      throw ConfigError(source, fmt::format("rooms[{}].id", i), "room '" + r.id + "' is defined twice");
    std::set<std::string> zones;
    const auto& zs = rooms[i]["zones"];
    for (rapidjson::SizeType j = 0; j < zs.Size(); ++j) {
      Zone z{str(zs[j], "id"), str(zs[j], "person")};
      const auto key = fmt::format("rooms[{}].zones[{}]", i, j);
      if (!zones.insert(z.id).second)
        throw ConfigError(source, key + ".id", "zone '" + z.id + "' is defined twice in room " + r.id);
      if (!z.person.empty() && std::find(c.people.begin(), c.people.end(), z.person) == c.people.end())
        throw ConfigError(source, key + ".person", "expected one of the configured people, got '" + z.person + "'");
      r.zones.push_back(std::move(z));
    }
    c.rooms.push_back(std::move(r));
  }

  seen.clear();
  const auto& entities = doc["entities"];
  for (rapidjson::SizeType i = 0; i < entities.Size(); ++i) {
    Entity e{str(entities[i], "entity_id"), str(entities[i], "room"), str(entities[i], "zone"),
             str(entities[i], "kind")};
    if (entities[i].HasMember("heartbeat")) e.heartbeat = entities[i]["heartbeat"].GetBool();
    const auto key = fmt::format("entities[{}]", i);
    if (!seen.insert(e.entity_id).second)
      throw ConfigError(source, key + ".entity_id", "entity '" + e.entity_id + "' is mapped twice");
    const Room* room = c.find_room(e.room);
    if (room == nullptr)
      throw ConfigError(source, key + ".room",
                        "expected one of the configured rooms, got unknown room '" + e.room + "'");
    if (!room->has_zone(e.zone))
      throw ConfigError(source, key + ".zone",
                        "expected a zone of room " + e.room + ", got unknown zone '" + e.zone + "'");
    c.entities.push_back(std::move(e));
  }

  const auto ints = [](const rapidjson::Value& a) {
    std::vector<int> out;
    for (const auto& v : a.GetArray()) out.push_back(v.GetInt());
    std::sort(out.begin(), out.end());
    return out;
  };
  c.horizons_min = ints(doc["horizons_min"]);
  if (doc.HasMember("vacant_within_min")) c.vacant_within_min = ints(doc["vacant_within_min"]);
  for (rapidjson::SizeType i = 0; i < rooms.Size(); ++i) {
    auto& r = c.rooms[i];
    if (!rooms[i].HasMember("horizons_min")) {
      r.horizons_min = c.horizons_min;
      continue;
    }
    r.horizons_min = ints(rooms[i]["horizons_min"]);
    for (const int h : r.horizons_min)
      if (!std::binary_search(c.horizons_min.begin(), c.horizons_min.end(), h))
        throw ConfigError(source, fmt::format("rooms[{}].horizons_min", i),
                          fmt::format("expected some of the home's horizons_min ({}), got {} min",
                                      fmt::join(c.horizons_min, ", "), h));
  }
}

}  // namespace occupancy::config
