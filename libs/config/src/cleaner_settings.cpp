#include "sections.hpp"

namespace occupancy::config {

void read_cleaner(const rapidjson::Value& cl, CleanerSettings& cs) {
  for (auto [name, field] : {std::pair{"motion_hold_min", &cs.motion_hold_min},
                             {"motion_hold_with_presence_s", &cs.motion_hold_with_presence_s},
                             {"sticky_max_min", &cs.sticky_max_min},
                             {"door_grace_s", &cs.door_grace_s},
                             {"max_off_latency_s", &cs.max_off_latency_s}})
    if (cl.HasMember(name)) *field = cl[name].GetDouble();
  if (cl.HasMember("silence_limit_min"))
    for (const auto& m : cl["silence_limit_min"].GetObject())
      cs.silence_limit_min[m.name.GetString()] = m.value.GetDouble();
  if (cl.HasMember("archive")) cs.archive = cl["archive"].GetBool();
}

}  // namespace occupancy::config
