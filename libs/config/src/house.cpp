#include <fmt/format.h>

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

  for (const auto& h : doc["horizons_min"].GetArray()) c.horizons_min.push_back(h.GetInt());
}

}  // namespace occupancy::config
