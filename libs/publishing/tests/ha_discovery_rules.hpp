#pragma once
// The rules Home Assistant's MQTT integration applies to a device-based discovery payload,
// transcribed from home-assistant/core (mqtt/schemas.py, sensor.py, binary_sensor.py, button.py,
// abbreviations.py, and the sensor/binary_sensor device classes and units). A test oracle:
// an empty result means HA would accept the payload.
#include <rapidjson/document.h>

#include <set>
#include <string>
#include <vector>

namespace occupancy::testing {

std::vector<std::string> check_ha_device_discovery(const rapidjson::Value& payload, std::set<std::string>& unique_ids);

}  // namespace occupancy::testing
