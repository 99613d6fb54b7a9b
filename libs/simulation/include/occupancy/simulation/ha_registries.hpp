#pragma once
// The simulated Home Assistant's registries and core config, in HA's own shapes, derived from a
// home config: `config/area_registry/list` (an area per room), `config/device_registry/list`
// (a device per sensor, in its room's area), `config/entity_registry/list`, `get_config`, and the
// states HA has beside the home's sensors (people, a thermometer, a window) that a setup must
// pass over. `occupancy config init` reads these from a real HA the same way.
#include <string>
#include <string_view>
#include <vector>

#include "occupancy/config/home_config.hpp"
#include "occupancy/core/time.hpp"

namespace occupancy::simulation {

/// HA's way of naming from an id: "bed_anca" -> "Bed Anca".
std::string title_of(std::string_view id);

/// JSON arrays, each the `result` of its WebSocket command.
std::string area_registry_json(const config::House& home);
std::string device_registry_json(const config::House& home);
std::string entity_registry_json(const config::House& home);
/// The `result` of get_config: the home's time zone, location and country.
std::string core_config_json(const config::House& home, const char* ha_version);
/// Full state objects of the entities that are not the home's sensors.
std::vector<std::string> other_state_jsons(const config::House& home, Millis now);

}  // namespace occupancy::simulation
