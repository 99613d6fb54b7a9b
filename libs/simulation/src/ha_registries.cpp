#include "occupancy/simulation/ha_registries.hpp"

#include <fmt/format.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cctype>
#include <cstdint>

#include "occupancy/simulation/ha_api.hpp"

namespace occupancy::simulation {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

// HA's registry ids are 32 hex digits (uuid4 hex); ours are derived from a name: stable.
std::string hex_id(const std::string& name) {
  std::uint64_t a = 1469598103934665603ULL, b = 0x9E3779B97F4A7C15ULL;
  for (unsigned char c : name) {
    a = (a ^ c) * 1099511628211ULL;
    b = (b ^ c) * 0x100000001B3ULL + a;
  }
  return fmt::format("{:016x}{:016x}", a, b);
}

}  // namespace

std::string title_of(std::string_view id) {
  std::string s(id);
  bool up = true;
  for (auto& c : s) {
    if (c == '_') {
      c = ' ';
      up = true;
    } else if (up) {
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      up = false;
    }
  }
  return s;
}

namespace {

std::string object_id(const std::string& entity_id) { return entity_id.substr(entity_id.find('.') + 1); }

void string_or_null(Writer& w, const std::string& s) {
  if (s.empty())
    w.Null();
  else
    w.String(s.c_str());
}

void empty_array(Writer& w) {
  w.StartArray();
  w.EndArray();
}

// One sensor whose device has no area of its own, so that its entity carries the area: HA
// allows both, and a setup must read both.
bool area_on_entity(const config::Entity& e) { return e.entity_id.ends_with("_kitchen_presence"); }

const char* model_of(const std::string& kind) {
  if (kind == "presence") return "mmWave presence sensor";
  if (kind == "motion") return "PIR motion sensor";
  if (kind == "door") return "Door and window contact";
  return "Smart bulb";
}

const char* original_name_of(const std::string& kind) {
  if (kind == "presence") return "Occupancy";
  if (kind == "motion") return "Motion";
  if (kind == "door") return "Door";
  return nullptr;
}

// The entities HA has beside the home's sensors.
struct Other {
  std::string entity_id, platform, area, state, device_name;
  std::vector<std::pair<std::string, std::string>> attributes;
};

std::vector<Other> others(const config::House& home) {
  std::vector<Other> out;
  for (const auto& p : home.people)
    out.push_back(
        {"person." + p, "person", "", "home", "", {{"editable", "true"}, {"id", p}, {"friendly_name", title_of(p)}}});
  if (!home.rooms.empty()) {
    const auto& r = home.rooms.front().id;
    out.push_back({"sensor." + r + "_temperature",
                   "mqtt",
                   r,
                   "21.5",
                   title_of(r) + " thermostat",
                   {{"state_class", "measurement"},
                    {"unit_of_measurement", "°C"},
                    {"device_class", "temperature"},
                    {"friendly_name", title_of(r) + " Temperature"}}});
    out.push_back({"binary_sensor." + r + "_window",
                   "mqtt",
                   r,
                   "off",
                   title_of(r) + " window contact",
                   {{"device_class", "window"}, {"friendly_name", title_of(r) + " Window"}}});
  }
  out.push_back({"sun.sun", "sun", "", "above_horizon", "", {{"friendly_name", "Sun"}}});
  return out;
}

template <class Entry>
std::string array_of(Entry entry, const config::House& home) {
  rapidjson::StringBuffer b;
  Writer w(b);
  w.StartArray();
  entry(w, home);
  w.EndArray();
  return b.GetString();
}

void device(Writer& w, const std::string& name, const std::string& area, const char* model) {
  w.StartObject();
  w.Key("area_id");
  string_or_null(w, area);
  w.Key("configuration_url");
  w.Null();
  w.Key("config_entries");
  w.StartArray();
  w.String(hex_id("entry:" + name).c_str());
  w.EndArray();
  w.Key("connections");
  empty_array(w);
  w.Key("created_at");
  w.Double(0.0);
  w.Key("disabled_by");
  w.Null();
  w.Key("entry_type");
  w.Null();
  w.Key("hw_version");
  w.Null();
  w.Key("id");
  w.String(hex_id("device:" + name).c_str());
  w.Key("identifiers");
  w.StartArray();
  w.StartArray();
  w.String("mqtt");
  w.String(name.c_str());
  w.EndArray();
  w.EndArray();
  w.Key("labels");
  empty_array(w);
  w.Key("manufacturer");
  w.String("Simulated");
  w.Key("model");
  w.String(model);
  w.Key("model_id");
  w.Null();
  w.Key("modified_at");
  w.Double(0.0);
  w.Key("name_by_user");
  w.Null();
  w.Key("name");
  w.String(name.c_str());
  w.Key("primary_config_entry");
  w.String(hex_id("entry:" + name).c_str());
  w.Key("serial_number");
  w.Null();
  w.Key("sw_version");
  w.Null();
  w.Key("via_device_id");
  w.Null();
  w.EndObject();
}

void entity_entry(Writer& w, const std::string& entity_id, const std::string& platform, const std::string& device_name,
                  const std::string& area, const char* original_name) {
  w.StartObject();
  w.Key("area_id");
  string_or_null(w, area);
  w.Key("categories");
  w.StartObject();
  w.EndObject();
  w.Key("config_entry_id");
  device_name.empty() ? w.Null() : w.String(hex_id("entry:" + device_name).c_str());
  w.Key("created_at");
  w.Double(0.0);
  w.Key("device_id");
  device_name.empty() ? w.Null() : w.String(hex_id("device:" + device_name).c_str());
  w.Key("disabled_by");
  w.Null();
  w.Key("entity_category");
  w.Null();
  w.Key("entity_id");
  w.String(entity_id.c_str());
  w.Key("has_entity_name");
  w.Bool(original_name != nullptr);
  w.Key("hidden_by");
  w.Null();
  w.Key("icon");
  w.Null();
  w.Key("id");
  w.String(hex_id("entity:" + entity_id).c_str());
  w.Key("labels");
  empty_array(w);
  w.Key("modified_at");
  w.Double(0.0);
  w.Key("name");
  w.Null();
  w.Key("options");
  w.StartObject();
  w.EndObject();
  w.Key("original_name");
  original_name ? w.String(original_name) : w.Null();
  w.Key("platform");
  w.String(platform.c_str());
  w.Key("translation_key");
  w.Null();
  w.Key("unique_id");
  w.String(object_id(entity_id).c_str());
  w.EndObject();
}

std::string sensor_device_name(const config::Entity& e) { return title_of(object_id(e.entity_id)) + " sensor"; }

}  // namespace

std::string area_registry_json(const config::House& home) {
  return array_of(
      [](Writer& w, const config::House& h) {
        for (const auto& r : h.rooms) {
          w.StartObject();
          w.Key("aliases");
          empty_array(w);
          w.Key("area_id");
          w.String(r.id.c_str());
          w.Key("floor_id");
          w.Null();
          w.Key("humidity_entity_id");
          w.Null();
          w.Key("icon");
          w.Null();
          w.Key("labels");
          empty_array(w);
          w.Key("name");
          w.String((r.name.empty() ? title_of(r.id) : r.name).c_str());
          w.Key("picture");
          w.Null();
          w.Key("temperature_entity_id");
          w.Null();
          w.Key("created_at");
          w.Double(0.0);
          w.Key("modified_at");
          w.Double(0.0);
          w.EndObject();
        }
      },
      home);
}

std::string device_registry_json(const config::House& home) {
  return array_of(
      [](Writer& w, const config::House& h) {
        for (const auto& e : h.entities)
          device(w, sensor_device_name(e), area_on_entity(e) ? "" : e.room, model_of(e.kind));
        for (const auto& o : others(h))
          if (!o.device_name.empty()) device(w, o.device_name, o.area, "Thermostat");
      },
      home);
}

std::string entity_registry_json(const config::House& home) {
  return array_of(
      [](Writer& w, const config::House& h) {
        for (const auto& e : h.entities)
          entity_entry(w, e.entity_id, "mqtt", sensor_device_name(e), area_on_entity(e) ? e.room : "",
                       original_name_of(e.kind));
        for (const auto& o : others(h)) entity_entry(w, o.entity_id, o.platform, o.device_name, "", nullptr);
      },
      home);
}

std::string core_config_json(const config::House& home, const char* ha_version) {
  rapidjson::StringBuffer b;
  Writer w(b);
  w.StartObject();
  w.Key("allowlist_external_dirs");
  empty_array(w);
  w.Key("allowlist_external_urls");
  empty_array(w);
  w.Key("components");
  w.StartArray();
  for (const char* c : {"mqtt", "person", "sun", "websocket_api"}) w.String(c);
  w.EndArray();
  w.Key("config_dir");
  w.String("/config");
  w.Key("config_source");
  w.String("storage");
  w.Key("country");
  w.String("RO");
  w.Key("currency");
  w.String("RON");
  w.Key("elevation");
  w.Int(70);
  w.Key("external_url");
  w.Null();
  w.Key("internal_url");
  w.Null();
  w.Key("language");
  w.String("en");
  w.Key("latitude");
  w.Double(44.4268);
  w.Key("location_name");
  w.String("Simulated home");
  w.Key("longitude");
  w.Double(26.1025);
  w.Key("radius");
  w.Int(100);
  w.Key("recovery_mode");
  w.Bool(false);
  w.Key("safe_mode");
  w.Bool(false);
  w.Key("state");
  w.String("RUNNING");
  w.Key("time_zone");
  w.String((home.timezone.empty() ? std::string("UTC") : home.timezone).c_str());
  w.Key("unit_system");
  w.StartObject();
  for (const auto& [k, v] : std::vector<std::pair<const char*, const char*>>{{"length", "km"},
                                                                             {"accumulated_precipitation", "mm"},
                                                                             {"mass", "g"},
                                                                             {"pressure", "Pa"},
                                                                             {"temperature", "°C"},
                                                                             {"volume", "L"},
                                                                             {"wind_speed", "m/s"}}) {
    w.Key(k);
    w.String(v);
  }
  w.EndObject();
  w.Key("version");
  w.String(ha_version);
  w.Key("whitelist_external_dirs");
  empty_array(w);
  w.EndObject();
  return b.GetString();
}

std::vector<std::string> other_state_jsons(const config::House& home, Millis now) {
  std::vector<std::string> out;
  const auto when = format_ha_time(now);
  for (const auto& o : others(home)) {
    rapidjson::StringBuffer b;
    Writer w(b);
    w.StartObject();
    w.Key("entity_id");
    w.String(o.entity_id.c_str());
    w.Key("state");
    w.String(o.state.c_str());
    w.Key("attributes");
    w.StartObject();
    for (const auto& [k, v] : o.attributes) {
      w.Key(k.c_str());
      if (v == "true")
        w.Bool(true);
      else
        w.String(v.c_str());
    }
    w.EndObject();
    for (const char* k : {"last_changed", "last_reported", "last_updated"}) {
      w.Key(k);
      w.String(when.c_str());
    }
    w.Key("context");
    w.StartObject();
    w.Key("id");
    w.String("01JGZ0000000000000000000" + std::string(o.entity_id.size() % 2 ? "AB" : "CD"));
    w.Key("parent_id");
    w.Null();
    w.Key("user_id");
    w.Null();
    w.EndObject();
    w.EndObject();
    out.push_back(b.GetString());
  }
  return out;
}

}  // namespace occupancy::simulation
