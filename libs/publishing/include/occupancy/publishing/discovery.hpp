#pragma once
// Home Assistant MQTT discovery, device-based: one device per room at
// <discovery_prefix>/device/<device_id>/config with its entities under `cmps`.
#include <rapidjson/document.h>

#include <string>
#include <vector>

#include "occupancy/config/home_config.hpp"

namespace occupancy::publishing {

struct DiscoverySettings {
  std::string home;
  std::string version;
  std::string support_url = "https://gitlab.com/occupancy-predictor/occupancy-predictor";
  std::vector<std::string> status_topics;  // availability: every pipeline service, mode all
  int expire_after_s = 900;                // a stalled pipeline turns entities unavailable
  double threshold_pct = 50;               // binary "expected occupied" sensors
  std::vector<int> vacant_within_min;      // a "Vacant within k" sensor per room for each
};

/// How an entity's name says a horizon: "15 min", "2 h", "90 min".
std::string horizon_label(int minutes);

/// "occupancy_<home>_<room>"; also the prefix of every unique_id of the room.
std::string device_id(const std::string& home, const std::string& room);

/// The room of one of this home's device ids, or empty if the id is not ours.
std::string room_of_device(const std::string& home, const std::string& device_id);

/// A discovery payload's `device` (ours: manufacturer, model, version) and `origin` (the suite).
void add_device_and_origin(rapidjson::Document& payload, const std::string& device_id, const std::string& name,
                           const char* model, const DiscoverySettings& settings,
                           const std::string& suggested_area = {});

/// The discovery payload of one room; `state_topic` is its occupancy/<home>/ha/<room>. Its
/// forecasts, Expected occupied sensors and thresholds are one per horizon of the room.
rapidjson::Document discovery_config(const config::Room& room, const std::string& state_topic,
                                     const DiscoverySettings& settings);

}  // namespace occupancy::publishing
