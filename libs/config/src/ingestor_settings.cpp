#include <filesystem>

#include "sections.hpp"

namespace occupancy::config {

void read_ingestor(const rapidjson::Value* section, const EnvLookup& env, const std::string& source,
                   IngestorSettings& settings, std::vector<std::string>& warnings) {
  std::string ha_token_file;
  if (section != nullptr) {
    const auto& i = *section;
    settings.ha_url = str(i, "ha_url");
    ha_token_file = str(i, "token_file");
    settings.ha_ca_file = str(i, "ca_file");
    settings.wall_clock = str(i, "clock", "wall") == "wall";
    if (i.HasMember("archive")) settings.archive = i["archive"].GetBool();
    if (i.HasMember("ping_interval_s")) settings.ping_interval_s = i["ping_interval_s"].GetDouble();
    if (i.HasMember("backoff_max_s")) settings.backoff_max_s = i["backoff_max_s"].GetDouble();
  }
  if (auto v = env("OCCUPANCY_HA_URL")) settings.ha_url = *v;
  if (!settings.ha_url.empty()) {
    try {
      const auto ep = parse_http_url(settings.ha_url, 8123);
      settings.ha_host = ep.host;
      settings.ha_port = ep.port;
      settings.ha_tls = ep.tls;
      settings.ha_base_path = ep.base_path;
    } catch (const std::invalid_argument& e) {
      throw ConfigError(source, "ingestor.ha_url", e.what());
    }
  }
  if (auto f = env("OCCUPANCY_HA_CA_FILE")) settings.ha_ca_file = *f;
  if (!settings.ha_ca_file.empty() && !std::filesystem::is_regular_file(settings.ha_ca_file))
    throw ConfigError(source, "ingestor.ca_file", "no such file: " + settings.ha_ca_file);
  if (auto f = env("OCCUPANCY_HA_TOKEN_FILE")) ha_token_file = *f;
  if (auto t = env("OCCUPANCY_HA_TOKEN")) {
    settings.ha_token = Secret(*t);
  } else if (!ha_token_file.empty()) {
    settings.ha_token =
        read_secret_file(ha_token_file, "the Home Assistant token file (ingestor.token_file)", warnings);
  }
}

}  // namespace occupancy::config
