#include "ha_discovery_rules.hpp"

#include <map>

namespace occupancy::testing {
namespace {

// abbreviations.py (the subset a sensor/binary_sensor/button can use) -> full names.
const std::map<std::string, std::string> kAbbreviations{{"p", "platform"},
                                                        {"avty", "availability"},
                                                        {"avty_mode", "availability_mode"},
                                                        {"avty_t", "availability_topic"},
                                                        {"dev_cla", "device_class"},
                                                        {"ent_cat", "entity_category"},
                                                        {"exp_aft", "expire_after"},
                                                        {"frc_upd", "force_update"},
                                                        {"ic", "icon"},
                                                        {"name", "name"},
                                                        {"obj_id", "object_id"},
                                                        {"def_ent_id", "default_entity_id"},
                                                        {"ops", "options"},
                                                        {"pl_avail", "payload_available"},
                                                        {"pl_not_avail", "payload_not_available"},
                                                        {"pl_on", "payload_on"},
                                                        {"pl_off", "payload_off"},
                                                        {"qos", "qos"},
                                                        {"stat_cla", "state_class"},
                                                        {"stat_t", "state_topic"},
                                                        {"sug_dsp_prc", "suggested_display_precision"},
                                                        {"uniq_id", "unique_id"},
                                                        {"unit_of_meas", "unit_of_measurement"},
                                                        {"val_tpl", "value_template"},
                                                        {"json_attr_t", "json_attributes_topic"},
                                                        {"json_attr_tpl", "json_attributes_template"},
                                                        {"en", "enabled_by_default"},
                                                        {"e", "encoding"},
                                                        {"off_dly", "off_delay"},
                                                        {"lrst_val_tpl", "last_reset_value_template"},
                                                        {"cmd_t", "command_topic"},
                                                        {"cmd_tpl", "command_template"},
                                                        {"pl_prs", "payload_press"},
                                                        {"ret", "retain"},
                                                        {"max", "max"},
                                                        {"min", "min"},
                                                        {"mode", "mode"},
                                                        {"step", "step"},
                                                        {"pl_rst", "payload_reset"}};

const std::set<std::string> kCommon{"platform",
                                    "availability",
                                    "availability_mode",
                                    "availability_template",
                                    "availability_topic",
                                    "payload_available",
                                    "payload_not_available",
                                    "device",
                                    "enabled_by_default",
                                    "encoding",
                                    "entity_category",
                                    "entity_picture",
                                    "icon",
                                    "json_attributes_topic",
                                    "json_attributes_template",
                                    "name",
                                    "object_id",
                                    "default_entity_id",
                                    "origin",
                                    "qos",
                                    "unique_id",
                                    "state_topic",
                                    "value_template"};
const std::set<std::string> kSensorOnly{"device_class", "expire_after",
                                        "force_update", "last_reset_value_template",
                                        "options",      "suggested_display_precision",
                                        "state_class",  "unit_of_measurement"};
const std::set<std::string> kBinaryOnly{"device_class", "expire_after", "force_update",
                                        "off_delay",    "payload_on",   "payload_off"};
// button.py: a command, no state (state_topic and value_template are not in its schema).
const std::set<std::string> kButtonOnly{"command_topic", "command_template", "device_class", "payload_press", "retain"};
const std::set<std::string> kButtonClasses{"identify", "restart", "update"};
// number.py: a command and a state; min < max, a step of at least 0.001, mode auto/box/slider.
const std::set<std::string> kNumberOnly{
    "command_topic", "command_template", "device_class", "max",  "min",
    "mode",          "payload_reset",    "retain",       "step", "unit_of_measurement"};

const std::set<std::string> kSensorClasses{"absolute_humidity",
                                           "apparent_power",
                                           "aqi",
                                           "area",
                                           "atmospheric_pressure",
                                           "battery",
                                           "blood_glucose_concentration",
                                           "carbon_dioxide",
                                           "carbon_monoxide",
                                           "conductivity",
                                           "current",
                                           "data_rate",
                                           "data_size",
                                           "date",
                                           "distance",
                                           "duration",
                                           "energy",
                                           "energy_distance",
                                           "energy_storage",
                                           "enum",
                                           "frequency",
                                           "gas",
                                           "humidity",
                                           "illuminance",
                                           "irradiance",
                                           "moisture",
                                           "monetary",
                                           "nitrogen_dioxide",
                                           "nitrogen_monoxide",
                                           "nitrous_oxide",
                                           "ozone",
                                           "ph",
                                           "pm1",
                                           "pm10",
                                           "pm25",
                                           "power",
                                           "power_factor",
                                           "precipitation",
                                           "precipitation_intensity",
                                           "pressure",
                                           "reactive_energy",
                                           "reactive_power",
                                           "signal_strength",
                                           "sound_pressure",
                                           "speed",
                                           "sulphur_dioxide",
                                           "temperature",
                                           "timestamp",
                                           "volatile_organic_compounds",
                                           "volatile_organic_compounds_parts",
                                           "voltage",
                                           "volume",
                                           "volume_flow_rate",
                                           "volume_storage",
                                           "water",
                                           "weight",
                                           "wind_direction",
                                           "wind_speed"};
const std::set<std::string> kBinaryClasses{"battery",
                                           "battery_charging",
                                           "carbon_monoxide",
                                           "cold",
                                           "connectivity",
                                           "door",
                                           "garage_door",
                                           "gas",
                                           "heat",
                                           "light",
                                           "lock",
                                           "moisture",
                                           "motion",
                                           "moving",
                                           "occupancy",
                                           "opening",
                                           "plug",
                                           "power",
                                           "presence",
                                           "problem",
                                           "running",
                                           "safety",
                                           "smoke",
                                           "sound",
                                           "tamper",
                                           "update",
                                           "vibration",
                                           "window"};
const std::set<std::string> kStateClasses{"measurement", "measurement_angle", "total", "total_increasing"};
// sensor/const.py DEVICE_CLASS_UNITS for the classes a forecast could use.
const std::map<std::string, std::set<std::string>> kUnits{{"duration", {"d", "h", "min", "s", "ms", "\xC2\xB5s"}},
                                                          {"humidity", {"%"}},
                                                          {"battery", {"%"}},
                                                          {"timestamp", {}},
                                                          {"enum", {}}};

bool is_string(const rapidjson::Value& o, const std::string& k) {
  const auto it = o.FindMember(k.c_str());
  return it != o.MemberEnd() && it->value.IsString();
}

bool valid_publish_topic(const std::string& t) {
  return !t.empty() && t.find_first_of("+#") == std::string::npos && t.find('\0') == std::string::npos;
}

}  // namespace

std::vector<std::string> check_ha_device_discovery(const rapidjson::Value& payload, std::set<std::string>& unique_ids) {
  std::vector<std::string> errors;
  auto err = [&](const std::string& e) { errors.push_back(e); };
  if (!payload.IsObject()) return {"payload is not an object"};
  const auto find = [&](const rapidjson::Value& o, const char* full, const char* abbr) -> const rapidjson::Value* {
    if (auto it = o.FindMember(full); it != o.MemberEnd()) return &it->value;
    if (auto it = o.FindMember(abbr); it != o.MemberEnd()) return &it->value;
    return nullptr;
  };
  const auto* device = find(payload, "device", "dev");
  const auto* origin = find(payload, "origin", "o");
  const auto* cmps = find(payload, "components", "cmps");
  if (!device || !device->IsObject())
    err("device missing");
  else if (!find(*device, "identifiers", "ids") && !find(*device, "connections", "cns"))
    err("device needs identifiers or connections");
  if (!origin || !origin->IsObject() || !find(*origin, "name", "name")) err("origin needs a name");
  if (!cmps || !cmps->IsObject() || cmps->MemberCount() == 0) return errors.push_back("cmps missing or empty"), errors;

  for (const auto& c : cmps->GetObject()) {
    const std::string where = std::string("cmps.") + c.name.GetString();
    if (!c.value.IsObject()) {
      err(where + ": not an object");
      continue;
    }
    std::map<std::string, const rapidjson::Value*> opts;
    for (const auto& m : c.value.GetObject()) {
      std::string key = m.name.GetString();
      if (auto a = kAbbreviations.find(key); a != kAbbreviations.end()) key = a->second;
      opts[key] = &m.value;
    }
    if (!opts.count("platform") || !opts["platform"]->IsString()) {
      err(where + ": platform missing");
      continue;
    }
    const std::string platform = opts["platform"]->GetString();
    if (platform != "sensor" && platform != "binary_sensor" && platform != "button" && platform != "number") {
      err(where + ": platform " + platform + " not checked here");
      continue;
    }
    const bool button = platform == "button";
    const bool number = platform == "number";
    const auto& only = platform == "sensor" ? kSensorOnly : button ? kButtonOnly : number ? kNumberOnly : kBinaryOnly;
    for (const auto& [k, v] : opts)
      if ((!kCommon.count(k) || (button && (k == "state_topic" || k == "value_template"))) && !only.count(k))
        err(where + ": option '" + k + "' is not valid for " + platform);
    if (!opts.count("unique_id") || !opts["unique_id"]->IsString())
      err(where + ": device discovery needs unique_id");
    else if (!unique_ids.insert(opts["unique_id"]->GetString()).second)
      err(where + ": unique_id is not unique");
    if (number) {
      if (!opts.count("command_topic") || !opts["command_topic"]->IsString() ||
          !valid_publish_topic(opts["command_topic"]->GetString()))
        err(where + ": command_topic missing or invalid");
      const double lo = opts.count("min") && opts["min"]->IsNumber() ? opts["min"]->GetDouble() : 1;
      const double hi = opts.count("max") && opts["max"]->IsNumber() ? opts["max"]->GetDouble() : 100;
      if (!(lo < hi)) err(where + ": min must be below max");
      if (opts.count("step") && (!opts["step"]->IsNumber() || opts["step"]->GetDouble() < 1e-3))
        err(where + ": step must be a number of at least 0.001");
      if (opts.count("mode")) {
        const std::string m = opts["mode"]->IsString() ? opts["mode"]->GetString() : "";
        if (m != "auto" && m != "box" && m != "slider") err(where + ": mode " + m);
      }
      if (opts.count("state_topic") &&
          (!opts["state_topic"]->IsString() || !valid_publish_topic(opts["state_topic"]->GetString())))
        err(where + ": state_topic invalid");
      continue;
    }
    if (button) {
      if (!opts.count("command_topic") || !opts["command_topic"]->IsString() ||
          !valid_publish_topic(opts["command_topic"]->GetString()))
        err(where + ": command_topic missing or invalid");
      if (opts.count("payload_press") && !opts["payload_press"]->IsString())
        err(where + ": payload_press must be a string");
      if (opts.count("retain") && !opts["retain"]->IsBool()) err(where + ": retain must be a boolean");
      if (opts.count("device_class") &&
          (!opts["device_class"]->IsString() || !kButtonClasses.count(opts["device_class"]->GetString())))
        err(where + ": button device_class");
      if (opts.count("entity_category") &&
          (!opts["entity_category"]->IsString() || (std::string(opts["entity_category"]->GetString()) != "config" &&
                                                    std::string(opts["entity_category"]->GetString()) != "diagnostic")))
        err(where + ": entity_category");
      continue;
    }
    if (!opts.count("state_topic") || !opts["state_topic"]->IsString() ||
        !valid_publish_topic(opts["state_topic"]->GetString()))
      err(where + ": state_topic missing or invalid");
    if (opts.count("value_template") && !opts["value_template"]->IsString())
      err(where + ": value_template must be a string");
    if (opts.count("qos") && (!opts["qos"]->IsInt() || opts["qos"]->GetInt() < 0 || opts["qos"]->GetInt() > 2))
      err(where + ": qos");
    if (opts.count("expire_after") && (!opts["expire_after"]->IsInt() || opts["expire_after"]->GetInt() < 0))
      err(where + ": expire_after must be a positive integer");
    if (opts.count("entity_category")) {
      const std::string cat = opts["entity_category"]->IsString() ? opts["entity_category"]->GetString() : "";
      if (cat != "diagnostic" && cat != "config") err(where + ": entity_category " + cat);
      if (cat == "config") err(where + ": a read-only entity cannot have entity_category config");
    }
    if (opts.count("availability_mode")) {
      const std::string m = opts["availability_mode"]->IsString() ? opts["availability_mode"]->GetString() : "";
      if (m != "all" && m != "any" && m != "latest") err(where + ": availability_mode " + m);
    }
    if (opts.count("availability")) {
      if (opts.count("availability_topic")) err(where + ": availability and availability_topic are exclusive");
      const auto& av = *opts["availability"];
      if (!av.IsArray() || av.Empty())
        err(where + ": availability must be a non-empty list");
      else
        for (const auto& t : av.GetArray())
          if (!t.IsObject() || !is_string(t, "topic") || !valid_publish_topic(t["topic"].GetString()))
            err(where + ": availability entry needs a valid topic");
    }
    const std::string dc =
        opts.count("device_class") && opts["device_class"]->IsString() ? opts["device_class"]->GetString() : "";
    if (platform == "binary_sensor") {
      if (!dc.empty() && !kBinaryClasses.count(dc)) err(where + ": binary_sensor device_class " + dc);
      continue;
    }
    if (!dc.empty() && !kSensorClasses.count(dc)) err(where + ": sensor device_class " + dc);
    const std::string sc =
        opts.count("state_class") && opts["state_class"]->IsString() ? opts["state_class"]->GetString() : "";
    if (!sc.empty() && !kStateClasses.count(sc)) err(where + ": state_class " + sc);
    const std::string unit = opts.count("unit_of_measurement") && opts["unit_of_measurement"]->IsString()
                                 ? opts["unit_of_measurement"]->GetString()
                                 : "";
    if (auto u = kUnits.find(dc); u != kUnits.end() && !unit.empty() && !u->second.count(unit))
      err(where + ": unit '" + unit + "' is not valid for device_class " + dc);
    if (dc == "duration" && unit.empty()) err(where + ": a duration needs a unit");
    if (opts.count("options")) {
      if (dc != "enum") err(where + ": options are only allowed with device_class enum");
      if (!sc.empty() || !unit.empty()) err(where + ": options cannot go with state_class or unit_of_measurement");
    }
    if ((dc == "enum" || dc == "timestamp" || dc == "date") && !sc.empty())
      err(where + ": device_class " + dc + " cannot have a state_class");
    if (opts.count("last_reset_value_template") && sc != "total")
      err(where + ": last_reset only with state_class total");
  }
  return errors;
}

}  // namespace occupancy::testing
