#include <fmt/format.h>

#include "sections.hpp"

namespace occupancy::config {

void read_cat_filter(const rapidjson::Value& cf, const House& house, const std::string& source, CatFilterRules& rules) {
  auto num = [&](const char* name, double& out) {
    if (cf.HasMember(name)) out = cf[name].GetDouble();
  };
  num("hold_window_s", rules.hold_window_s);
  num("cross_room_transition_s", rules.cross_room_transition_s);
  num("exclusive_zone_window_s", rules.exclusive_zone_window_s);
  num("path_window_s", rules.path_window_s);
  num("episode_quiet_s", rules.episode_quiet_s);
  num("away_after_min", rules.away_after_min);
  if (cf.HasMember("cross_room_min_rooms")) rules.cross_room_min_rooms = cf["cross_room_min_rooms"].GetInt();
  if (cf.HasMember("motion_needs_presence")) rules.motion_needs_presence = cf["motion_needs_presence"].GetBool();
  if (cf.HasMember("path_rule")) rules.path_rule = cf["path_rule"].GetBool();
  if (cf.HasMember("enabled")) rules.enabled = cf["enabled"].GetBool();
  rules.entrance = str(cf, "entrance");
  if (!rules.entrance.empty()) {
    const auto& rz = rules.entrance;
    const Room* room = house.find_room(rz.substr(0, rz.find('/')));
    if (room == nullptr || !room->has_zone(rz.substr(rz.find('/') + 1)))
      throw ConfigError(source, "cat_filter.entrance", "expected a configured room/zone, got '" + rz + "'");
  }
  if (cf.HasMember("exclusive_zones")) {
    const auto& groups = cf["exclusive_zones"];
    for (rapidjson::SizeType i = 0; i < groups.Size(); ++i) {
      std::vector<std::string> group;
      for (rapidjson::SizeType j = 0; j < groups[i].Size(); ++j) {
        const std::string rz = groups[i][j].GetString();
        const auto slash = rz.find('/');
        const Room* room = house.find_room(rz.substr(0, slash));
        if (room == nullptr || !room->has_zone(rz.substr(slash + 1)))
          throw ConfigError(source, fmt::format("cat_filter.exclusive_zones[{}][{}]", i, j),
                            "expected a configured room/zone, got '" + rz + "'");
        group.push_back(rz);
      }
      rules.exclusive_zones.push_back(std::move(group));
    }
  }
}

}  // namespace occupancy::config
