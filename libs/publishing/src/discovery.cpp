#include "occupancy/publishing/discovery.hpp"

#include <fmt/format.h>

#include "occupancy/contract/json.hpp"
#include "occupancy/contract/topics.hpp"
#include "occupancy/proto/contract.hpp"

namespace occupancy::publishing {
namespace {

using rapidjson::StringRef;
using rapidjson::Value;
using Alloc = rapidjson::Document::AllocatorType;
namespace f = proto::fields::ha_state;

using contract::json_string;

// HA's slug of an entity name ("Occupancy in 15 min" -> "occupancy_in_15_min").
std::string slug(const std::string& name) {
  std::string out;
  for (const char c : name) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (alnum || (c >= 'A' && c <= 'Z'))
      out += static_cast<char>(alnum ? c : c - 'A' + 'a');
    else if (!out.empty() && out.back() != '_')
      out += '_';
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out;
}

struct Component {
  std::string key;       // object id inside cmps
  const char* platform;  // sensor | binary_sensor | number
  std::string name;
  std::string value_template;
  const char* device_class = nullptr;
  const char* unit = nullptr;
  const char* state_class = nullptr;
  const char* entity_category = nullptr;
  const char* icon = nullptr;
  std::string attributes_template{};  // json_attributes_template over the same state topic
  std::string command_template{};     // a number: what it sends on settings/<room>/set
};

// Templates render, under HA's Jinja2 with value_json, to a number, "ON"/"OFF", or "None"
// (which HA's MQTT sensor turns into unknown) when a value does not apply. Per-horizon values
// are maps keyed by minutes: value_json.occupancy_pct['15'].
std::vector<Component> components(const config::Room& room, const DiscoverySettings& s) {
  const auto at = [](const char* map, int k) { return fmt::format("value_json.{}['{}']", map, k); };
  // The map itself may be absent (no duration forecast served): HA's Jinja raises on its index.
  const auto has = [&](const char* map, int k) {
    return fmt::format("(value_json.{} is defined and {} is defined)", map, at(map, k));
  };
  const auto pct = [&](const char* map, int k) {
    return fmt::format("{{{{ {} if {} else 'None' }}}}", at(map, k), has(map, k));
  };
  const auto minutes = [](const char* field) {
    return fmt::format("{{{{ value_json.{0} if value_json.{0} is not none else 'None' }}}}", field);
  };
  // The room's threshold as set in HA (its state carries it), else the config's.
  const auto threshold_of = [&](int h) {
    return fmt::format("({} if {} else {})", at(f::threshold_pct, h), has(f::threshold_pct, h), s.threshold_pct);
  };
  // What a forecast rests on, as the forecasts' attributes: for automations' conditions and
  // for a person wondering why.
  const auto forecast_attributes = fmt::format(
      "{{{{ {{'model_version': value_json.{0}, 'fallback': value_json.{1}, 'reliable': value_json.{2} | "
      "default(true), 'forecast_made_at': value_json.{3}, 'trace_id': value_json.{4} | default(none)}} | tojson }}}}",
      f::model_version, f::fallback, f::reliable, f::ts, f::trace_id);
  std::vector<Component> out{
      // The cleaner's room state (cat filtered, gaps held), as HA's occupancy sensors show it.
      {"occupied", "binary_sensor", "Occupied",
       fmt::format("{{{{ 'ON' if value_json.{} else 'OFF' }}}}", f::occupied_now), "occupancy"},
      {"time_to_vacancy", "sensor", "Time to vacancy", minutes(f::minutes_to_vacancy), "duration", "min", "measurement",
       nullptr, nullptr},
      {"time_to_next_occupancy", "sensor", "Time to next occupancy", minutes(f::minutes_to_next_occupancy), "duration",
       "min", "measurement", nullptr, nullptr},
  };
  for (const int h : room.horizons_min) {
    const auto label = horizon_label(h);
    out.push_back({fmt::format("occupancy_{}", h), "sensor", "Occupancy in " + label, pct(f::occupancy_pct, h), nullptr,
                   "%", "measurement", nullptr, "mdi:account-clock", forecast_attributes});
    out.push_back({fmt::format("expected_occupied_{}", h), "binary_sensor", "Expected occupied in " + label,
                   fmt::format("{{{{ 'ON' if {} and {} >= {} else 'OFF' }}}}", has(f::occupancy_pct, h),
                               at(f::occupancy_pct, h), threshold_of(h)),
                   "occupancy"});
    // The threshold, set from HA without a restart (kept retained on settings/<room>).
    out.push_back({fmt::format("threshold_{}", h),
                   "number",
                   "Expected occupied threshold " + label,
                   fmt::format("{{{{ {} }}}}", threshold_of(h)),
                   nullptr,
                   "%",
                   nullptr,
                   "config",
                   "mdi:tune-vertical",
                   {},
                   fmt::format("{{\"{}\": {{\"{}\": {{{{ value }}}}}}}}", f::threshold_pct, h)});
  }
  // How the forecasts did on live data (the last matured ones, up to a day's): for a person
  // deciding whether to trust them, and for Grafana-less homes.
  for (const int h : room.horizons_min) {
    const auto label = horizon_label(h);
    const auto matured = fmt::format("{{{{ {{'matured_forecasts': ({} | int) if {} else 0}} | tojson }}}}",
                                     at(f::live_matured, h), has(f::live_matured, h));
    out.push_back({fmt::format("live_accuracy_{}", h), "sensor", "Live accuracy " + label, pct(f::live_accuracy_pct, h),
                   nullptr, "%", "measurement", "diagnostic", "mdi:bullseye-arrow", matured});
    out.push_back({fmt::format("live_brier_{}", h), "sensor", "Live Brier " + label, pct(f::live_brier, h), nullptr,
                   nullptr, "measurement", "diagnostic", "mdi:chart-bell-curve", matured});
  }
  // For set-back automations: 100 % while the room is already vacant.
  for (const int k : s.vacant_within_min)
    out.push_back({fmt::format("vacant_within_{}", k), "sensor", "Vacant within " + horizon_label(k),
                   pct(f::vacant_within_pct, k), nullptr, "%", "measurement", nullptr, "mdi:exit-run",
                   forecast_attributes});
  out.insert(out.end(),
             {
                 // "m20261130T120000 · markov (15 min)" where the version serves a baseline for this room.
                 {"model_version", "sensor", "Model version",
                  fmt::format("{{{{ value_json.{0} }}}}{{% if value_json.{1} and value_json.{0} != 'baseline-' ~ "
                              "value_json.{1} %}} · {{{{ value_json.{1} }}}}{{% endif %}}",
                              f::model_version, f::fallback),
                  nullptr, nullptr, nullptr, "diagnostic", "mdi:brain"},
                 // On while the version does worse than the baseline here and the baseline serves instead.
                 {"forecast_drift", "binary_sensor", "Forecast drift",
                  fmt::format("{{{{ 'ON' if value_json.{} | default(false) else 'OFF' }}}}", f::drift), "problem",
                  nullptr, nullptr, "diagnostic", nullptr},
                 // On while a sensor of the room is in a gap (unavailable, silent, stuck); which ones in its
                 // attributes. The room's state then holds its last value, and forecasts say reliable: false.
                 {"sensor_problem", "binary_sensor", "Sensor problem",
                  fmt::format("{{{{ 'ON' if (value_json.{0} | default([]) | length > 0) or not (value_json.{1} | "
                              "default(true)) else 'OFF' }}}}",
                              f::problem_entities, f::reliable),
                  "problem", nullptr, nullptr, "diagnostic", nullptr,
                  fmt::format("{{{{ {{'entities': value_json.{} | default([])}} | tojson }}}}", f::problem_entities)},
             });
  return out;
}

}  // namespace

std::string horizon_label(int minutes) {
  return minutes % 60 == 0 ? fmt::format("{} h", minutes / 60) : fmt::format("{} min", minutes);
}

std::string device_id(const std::string& home, const std::string& room) { return "occupancy_" + home + "_" + room; }

std::string room_of_device(const std::string& home, const std::string& id) {
  const auto prefix = "occupancy_" + home + "_";
  return id.rfind(prefix, 0) == 0 && id.size() > prefix.size() ? id.substr(prefix.size()) : std::string();
}

rapidjson::Document discovery_config(const config::Room& room, const std::string& state_topic,
                                     const DiscoverySettings& s) {
  rapidjson::Document d(rapidjson::kObjectType);
  auto& a = d.GetAllocator();
  const auto id = device_id(s.home, room.id);

  add_device_and_origin(d, id, room.name, "Room occupancy forecast", s, room.name);
  Value cmps(rapidjson::kObjectType);
  for (const auto& c : components(room, s)) {
    Value e(rapidjson::kObjectType);
    e.AddMember("platform", StringRef(c.platform), a);
    e.AddMember("name", json_string(c.name, a), a);
    e.AddMember("unique_id", json_string(id + "_" + c.key, a), a);
    // Entity ids from the room's id, not its display name (which a user may write in any language).
    e.AddMember("default_entity_id", json_string(std::string(c.platform) + "." + room.id + "_" + slug(c.name), a), a);
    e.AddMember("state_topic", json_string(state_topic, a), a);
    e.AddMember("value_template", json_string(c.value_template, a), a);
    e.AddMember("qos", 1, a);
    Value availability(rapidjson::kArrayType);
    for (const auto& t : s.status_topics) {
      Value av(rapidjson::kObjectType);
      av.AddMember("topic", json_string(t, a), a);
      av.AddMember("payload_available", "online", a);
      av.AddMember("payload_not_available", "offline", a);
      availability.PushBack(av, a);
    }
    e.AddMember("availability", availability, a);
    e.AddMember("availability_mode", "all", a);
    if (!c.command_template.empty()) {  // a number: no expiry, a command
      e.AddMember(
          "command_topic",
          json_string(contract::format_topic(proto::channel::settings_set, {{"home", s.home}, {"room", room.id}}), a),
          a);
      e.AddMember("command_template", json_string(c.command_template, a), a);
      e.AddMember("min", 1, a);
      e.AddMember("max", 99, a);
      e.AddMember("step", 1, a);
      e.AddMember("mode", "box", a);
    } else {
      e.AddMember("expire_after", s.expire_after_s, a);
    }
    if (c.device_class) e.AddMember("device_class", StringRef(c.device_class), a);
    if (c.unit) e.AddMember("unit_of_measurement", StringRef(c.unit), a);
    if (c.state_class) e.AddMember("state_class", StringRef(c.state_class), a);
    if (c.entity_category) e.AddMember("entity_category", StringRef(c.entity_category), a);
    if (c.icon) e.AddMember("icon", StringRef(c.icon), a);
    if (!c.attributes_template.empty()) {
      e.AddMember("json_attributes_topic", json_string(state_topic, a), a);
      e.AddMember("json_attributes_template", json_string(c.attributes_template, a), a);
    }
    cmps.AddMember(json_string(c.key, a), e, a);
  }
  d.AddMember("cmps", cmps, a);
  return d;
}

void add_device_and_origin(rapidjson::Document& d, const std::string& id, const std::string& name, const char* model,
                           const DiscoverySettings& s, const std::string& suggested_area) {
  auto& a = d.GetAllocator();
  Value device(rapidjson::kObjectType);
  Value ids(rapidjson::kArrayType);
  ids.PushBack(json_string(id, a), a);
  device.AddMember("identifiers", ids, a);
  device.AddMember("name", json_string(name, a), a);
  device.AddMember("manufacturer", "occupancy-predictor", a);
  device.AddMember("model", StringRef(model), a);
  device.AddMember("sw_version", json_string(s.version, a), a);
  if (!suggested_area.empty()) device.AddMember("suggested_area", json_string(suggested_area, a), a);
  Value origin(rapidjson::kObjectType);
  origin.AddMember("name", "occupancy-predictor", a);
  origin.AddMember("sw_version", json_string(s.version, a), a);
  origin.AddMember("support_url", json_string(s.support_url, a), a);
  d.AddMember("device", device, a);
  d.AddMember("origin", origin, a);
}

}  // namespace occupancy::publishing
