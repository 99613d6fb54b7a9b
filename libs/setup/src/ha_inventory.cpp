#include "occupancy/setup/ha_inventory.hpp"

#include <rapidjson/document.h>

#include <algorithm>

namespace occupancy::setup {
namespace {

rapidjson::Document array_result(std::string_view json, const char* command) {
  rapidjson::Document d;
  d.Parse(json.data(), json.size());
  if (d.HasParseError()) throw InventoryError(std::string(command) + ": the result is not JSON");
  if (!d.IsArray()) throw InventoryError(std::string(command) + ": the result is not a list");
  return d;
}

// A string member; null or absent is empty; anything else is an error naming the field.
std::string text(const rapidjson::Value& o, const char* key, const char* command, bool required = false) {
  if (!o.IsObject()) throw InventoryError(std::string(command) + ": an entry is not an object");
  const auto it = o.FindMember(key);
  if (it == o.MemberEnd() || it->value.IsNull()) {
    if (required) throw InventoryError(std::string(command) + ": an entry has no '" + key + "'");
    return {};
  }
  if (!it->value.IsString()) throw InventoryError(std::string(command) + ": '" + key + "' is not a string");
  return it->value.GetString();
}

template <class T, class Vector>
const T* find_by(const Vector& v, std::string_view id, std::string T::*field) {
  const auto it = std::find_if(v.begin(), v.end(), [&](const T& x) { return x.*field == id; });
  return it == v.end() ? nullptr : &*it;
}

}  // namespace

const HaArea* HaInventory::area(std::string_view id) const { return find_by<HaArea>(areas, id, &HaArea::id); }
const HaDevice* HaInventory::device(std::string_view id) const { return find_by<HaDevice>(devices, id, &HaDevice::id); }
const HaEntityEntry* HaInventory::entry(std::string_view entity_id) const {
  return find_by<HaEntityEntry>(entities, entity_id, &HaEntityEntry::entity_id);
}

std::string HaInventory::area_of(const HaEntityEntry& e) const {
  if (!e.area_id.empty()) return e.area_id;
  const auto* d = device(e.device_id);
  return d ? d->area_id : std::string();
}

std::vector<HaArea> parse_areas(std::string_view json) {
  constexpr const char* cmd = "config/area_registry/list";
  std::vector<HaArea> out;
  const auto doc = array_result(json, cmd);
  for (const auto& a : doc.GetArray()) out.push_back({text(a, "area_id", cmd, true), text(a, "name", cmd)});
  return out;
}

std::vector<HaDevice> parse_devices(std::string_view json) {
  constexpr const char* cmd = "config/device_registry/list";
  std::vector<HaDevice> out;
  const auto doc = array_result(json, cmd);
  for (const auto& d : doc.GetArray()) {
    auto name = text(d, "name_by_user", cmd);
    if (name.empty()) name = text(d, "name", cmd);
    out.push_back({text(d, "id", cmd, true), name, text(d, "area_id", cmd)});
  }
  return out;
}

std::vector<HaEntityEntry> parse_entity_registry(std::string_view json) {
  constexpr const char* cmd = "config/entity_registry/list";
  std::vector<HaEntityEntry> out;
  const auto doc = array_result(json, cmd);
  for (const auto& e : doc.GetArray())
    out.push_back({text(e, "entity_id", cmd, true), text(e, "device_id", cmd), text(e, "area_id", cmd),
                   text(e, "platform", cmd), !text(e, "disabled_by", cmd).empty()});
  return out;
}

std::vector<HaState> parse_states(std::string_view json) {
  constexpr const char* cmd = "get_states";
  std::vector<HaState> out;
  const auto doc = array_result(json, cmd);
  for (const auto& s : doc.GetArray()) {
    HaState st{text(s, "entity_id", cmd, true), text(s, "state", cmd), {}, {}};
    if (const auto a = s.FindMember("attributes"); a != s.MemberEnd() && a->value.IsObject()) {
      // Attributes are free-form in HA: a non-string device_class is no class, not an error.
      const auto& attrs = a->value;
      if (const auto dc = attrs.FindMember("device_class"); dc != attrs.MemberEnd() && dc->value.IsString())
        st.device_class = dc->value.GetString();
      if (const auto fn = attrs.FindMember("friendly_name"); fn != attrs.MemberEnd() && fn->value.IsString())
        st.friendly_name = fn->value.GetString();
    }
    out.push_back(std::move(st));
  }
  return out;
}

HaCoreConfig parse_core_config(std::string_view json) {
  constexpr const char* cmd = "get_config";
  rapidjson::Document d;
  d.Parse(json.data(), json.size());
  if (d.HasParseError() || !d.IsObject()) throw InventoryError("get_config: the result is not a JSON object");
  HaCoreConfig c{text(d, "time_zone", cmd, true), text(d, "location_name", cmd), text(d, "country", cmd),
                 text(d, "version", cmd)};
  for (auto [key, field] : {std::pair{"latitude", &c.latitude}, std::pair{"longitude", &c.longitude}})
    if (auto it = d.FindMember(key); it != d.MemberEnd() && it->value.IsNumber()) *field = it->value.GetDouble();
  return c;
}

}  // namespace occupancy::setup
