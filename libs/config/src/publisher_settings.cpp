#include "sections.hpp"

namespace occupancy::config {

void read_publisher(const rapidjson::Value* section, const EnvLookup& env, const std::string& source,
                    const House& house, PublisherSettings& ps, std::string& discovery_prefix,
                    std::vector<std::string>& warnings) {
  std::string api_token_file;
  if (section != nullptr) {
    const auto& p = *section;
    discovery_prefix = str(p, "discovery_prefix", discovery_prefix);
    if (p.HasMember("expire_after_s")) ps.expire_after_s = p["expire_after_s"].GetInt();
    for (auto [name, field] : {std::pair{"heartbeat_min", &ps.heartbeat_min},
                               {"deadband_pct", &ps.deadband_pct},
                               {"deadband_min", &ps.deadband_min},
                               {"threshold_pct", &ps.threshold_pct}})
      if (p.HasMember(name)) *field = p[name].GetDouble();
    if (p.HasMember("room_thresholds"))
      for (const auto& m : p["room_thresholds"].GetObject()) {
        if (house.find_room(m.name.GetString()) == nullptr)
          throw ConfigError(source, std::string("publisher.room_thresholds.") + m.name.GetString(),
                            "expected one of the configured rooms");
        ps.room_thresholds[m.name.GetString()] = m.value.GetDouble();
      }
    api_token_file = str(p, "api_token_file");
  }
  if (auto f = env("OCCUPANCY_API_TOKEN_FILE")) api_token_file = *f;
  if (auto t = env("OCCUPANCY_API_TOKEN")) {
    ps.api_token = Secret(*t);
  } else if (!api_token_file.empty()) {
    ps.api_token = read_secret_file(api_token_file, "the API token file (publisher.api_token_file)", warnings);
  }
}

}  // namespace occupancy::config
