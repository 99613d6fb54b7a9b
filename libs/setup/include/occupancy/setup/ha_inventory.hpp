#pragma once
// What Home Assistant says about a home, as `occupancy config init` needs it: the areas, the
// devices (for an entity's area when the entity has none of its own), the entity registry, the
// states (device_class and friendly_name live in attributes) and the core config (time zone,
// location). Parsed from the `result` of each WebSocket command; pure.
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace occupancy::setup {

struct HaArea {
  std::string id, name;
};

struct HaDevice {
  std::string id, name, area_id;  // name: the user's name if they gave one
};

struct HaEntityEntry {
  std::string entity_id, device_id, area_id, platform;
  bool disabled = false;
};

struct HaState {
  std::string entity_id, state, device_class, friendly_name;
};

struct HaCoreConfig {
  std::string time_zone, location_name, country, version;
  double latitude = 0, longitude = 0;
};

struct HaInventory {
  std::vector<HaArea> areas;
  std::vector<HaDevice> devices;
  std::vector<HaEntityEntry> entities;
  std::vector<HaState> states;
  HaCoreConfig config;

  const HaArea* area(std::string_view id) const;
  const HaDevice* device(std::string_view id) const;
  const HaEntityEntry* entry(std::string_view entity_id) const;
  /// The entity's area: its own, else its device's; empty if neither has one.
  std::string area_of(const HaEntityEntry& e) const;
};

/// A result HA sent that is not what its API documents; names the command and the field.
class InventoryError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

std::vector<HaArea> parse_areas(std::string_view result_json);
std::vector<HaDevice> parse_devices(std::string_view result_json);
std::vector<HaEntityEntry> parse_entity_registry(std::string_view result_json);
std::vector<HaState> parse_states(std::string_view result_json);
HaCoreConfig parse_core_config(std::string_view result_json);

}  // namespace occupancy::setup
