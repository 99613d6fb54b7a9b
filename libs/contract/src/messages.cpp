#include "occupancy/contract/messages.hpp"

#include <cmath>
#include <string>

#include "occupancy/contract/json.hpp"
#include "occupancy/contract/refusal.hpp"
#include "occupancy/proto/contract.hpp"

namespace occupancy::contract {
namespace {

using rapidjson::StringRef;
using rapidjson::Value;
using Alloc = rapidjson::Document::AllocatorType;

Value str(std::string_view s, Alloc& a) { return json_string(s, a); }
Value time(Millis t, Alloc& a) { return json_string(format_iso8601(t), a); }
// The schema checks the pattern; a date that fits it but cannot exist (2026-02-30) is refused
// here, never read as the epoch.
Millis time_of(const Value& v, const char* name) {
  const auto text = get_string(v, name);
  if (const auto t = parse_iso8601(text)) return *t;
  throw Refusal("date", "/" + std::string(name),
                "'" + std::string(name) + "' is not a calendar date and time: " + std::string(text));
}
std::string text_of(const Value& v, const char* name) { return std::string(get_string(v, name)); }

Value optional_number(const std::optional<double>& d) { return d ? Value(*d) : Value(); }
std::optional<double> optional_number_of(const Value& v, const char* name) {
  const auto it = v.FindMember(name);
  if (it == v.MemberEnd() || it->value.IsNull()) return std::nullopt;
  return it->value.GetDouble();
}
Value optional_text(const std::optional<std::string>& s, Alloc& a) { return s ? str(*s, a) : Value(); }
std::optional<std::string> optional_text_of(const Value& v, const char* name) {
  const auto it = v.FindMember(name);
  if (it == v.MemberEnd() || it->value.IsNull()) return std::nullopt;
  return std::string(it->value.GetString());
}

// A trace id is left out when there is none (an offline history's readings).
void add_trace(rapidjson::Document& d, const char* name, const std::string& id) {
  if (!id.empty()) d.AddMember(StringRef(name), json_string(id, d.GetAllocator()), d.GetAllocator());
}
std::string trace_of(const Value& v, const char* name) { return optional_text_of(v, name).value_or(""); }

Value horizon_map(const std::map<int, double>& m, Alloc& a) {
  Value o(rapidjson::kObjectType);
  for (const auto& [h, p] : m) o.AddMember(str(std::to_string(h), a), Value(p), a);
  return o;
}
std::map<int, double> horizon_map_of(const Value& v, const char* name) {
  std::map<int, double> out;
  const auto it = v.FindMember(name);
  if (it == v.MemberEnd()) return out;
  for (const auto& m : it->value.GetObject()) {
    // RapidJSON 1.1 mis-validates patternProperties, so the key rule lives here.
    const std::string key = m.name.GetString();
    if (key.empty() || key.size() > 5 || key.find_first_not_of("0123456789") != std::string::npos)
      throw Refusal("pattern", "/" + std::string(name) + "/" + key, "horizon '" + key + "' is not a number of minutes");
    out[std::stoi(key)] = m.value.GetDouble();
  }
  return out;
}

}  // namespace

rapidjson::Document to_json(const Reading& r) {
  namespace f = proto::fields::reading;
  rapidjson::Document d(rapidjson::kObjectType);
  auto& a = d.GetAllocator();
  d.AddMember(StringRef(f::ts), time(r.ts, a), a);
  d.AddMember(StringRef(f::entity_id), str(r.entity_id, a), a);
  d.AddMember(StringRef(f::room), str(r.room, a), a);
  d.AddMember(StringRef(f::zone), str(r.zone, a), a);
  d.AddMember(StringRef(f::kind), str(r.kind, a), a);
  d.AddMember(StringRef(f::state), StringRef(to_string(r.state)), a);
  add_trace(d, f::trace_id, r.trace_id);
  return d;
}

Reading reading_from_json(const Value& v) {
  namespace f = proto::fields::reading;
  return Reading{time_of(v, f::ts),       text_of(v, f::entity_id),
                 text_of(v, f::room),     text_of(v, f::zone),
                 text_of(v, f::kind),     sensor_state_from(get_string(v, f::state)).value_or(SensorState::unavailable),
                 trace_of(v, f::trace_id)};
}

rapidjson::Document clock_json(Millis ts) {
  rapidjson::Document d(rapidjson::kObjectType);
  d.AddMember(StringRef(proto::fields::clock::ts), time(ts, d.GetAllocator()), d.GetAllocator());
  return d;
}

Millis clock_from_json(const Value& v) { return time_of(v, proto::fields::clock::ts); }

rapidjson::Document to_json(const Rejection& r) {
  namespace f = proto::fields::rejected;
  rapidjson::Document d(rapidjson::kObjectType);
  auto& a = d.GetAllocator();
  Value reading(rapidjson::kObjectType);
  reading.CopyFrom(to_json(r.reading), a);
  d.AddMember(StringRef(f::reading), reading, a);
  d.AddMember(StringRef(f::reason), str(r.reason, a), a);
  d.AddMember(StringRef(f::detail), str(r.detail, a), a);
  return d;
}

rapidjson::Document to_json(const Gap& g) {
  namespace f = proto::fields::gap;
  rapidjson::Document d(rapidjson::kObjectType);
  auto& a = d.GetAllocator();
  d.AddMember(StringRef(f::entity_id), str(g.entity_id, a), a);
  d.AddMember(StringRef(f::room), str(g.room, a), a);
  d.AddMember(StringRef(f::zone), str(g.zone, a), a);
  d.AddMember(StringRef(f::start), time(g.start, a), a);
  if (g.end) d.AddMember(StringRef(f::end), time(*g.end, a), a);
  d.AddMember(StringRef(f::cause), str(g.cause, a), a);
  return d;
}

Gap gap_from_json(const Value& v) {
  namespace f = proto::fields::gap;
  Gap g{text_of(v, f::entity_id), text_of(v, f::room), text_of(v, f::zone),
        time_of(v, f::start),     std::nullopt,        text_of(v, f::cause)};
  if (v.HasMember(f::end)) g.end = time_of(v, f::end);
  return g;
}

std::string dead_letter_reason(const Value& v) {
  namespace f = proto::fields::dead_letter;
  const auto& e = v[f::error];
  return std::string(e["keyword"].GetString()) + ": " + e["message"].GetString();
}

std::vector<std::string> info_rooms_from_json(const Value& v) {
  std::vector<std::string> rooms;
  for (const auto& r : v[proto::fields::info::rooms].GetArray()) rooms.emplace_back(r.GetString(), r.GetStringLength());
  return rooms;
}

rapidjson::Document to_json(const RoomState& s) {
  namespace f = proto::fields::room_state;
  rapidjson::Document d(rapidjson::kObjectType);
  auto& a = d.GetAllocator();
  Value zones(rapidjson::kArrayType);
  for (const auto& z : s.active_zones) zones.PushBack(str(z, a), a);
  d.AddMember(StringRef(f::ts), time(s.ts, a), a);
  d.AddMember(StringRef(f::room), str(s.room, a), a);
  d.AddMember(StringRef(f::occupied), s.occupied, a);
  d.AddMember(StringRef(f::active_zones), zones, a);
  d.AddMember(StringRef(f::since), time(s.since, a), a);
  d.AddMember(StringRef(f::reliable), s.reliable, a);
  add_trace(d, f::trace_id, s.trace_id);
  return d;
}

RoomState room_state_from_json(const Value& v) {
  namespace f = proto::fields::room_state;
  RoomState s{time_of(v, f::ts),    text_of(v, f::room),     v[f::occupied].GetBool(), {},
              time_of(v, f::since), v[f::reliable].GetBool()};
  for (const auto& z : v[f::active_zones].GetArray()) s.active_zones.emplace_back(z.GetString());
  s.trace_id = trace_of(v, f::trace_id);
  return s;
}

rapidjson::Document to_json(const FeatureVector& fv) {
  namespace f = proto::fields::features;
  rapidjson::Document d(rapidjson::kObjectType);
  auto& a = d.GetAllocator();
  Value values(rapidjson::kObjectType);
  for (const auto& [name, x] : fv.values)  // JSON has no NaN: a missing value is left out
    if (std::isfinite(x)) values.AddMember(str(name, a), Value(x), a);
  d.AddMember(StringRef(f::ts), time(fv.ts, a), a);
  d.AddMember(StringRef(f::room), str(fv.room, a), a);
  d.AddMember(StringRef(f::feature_set), str(fv.feature_set, a), a);
  d.AddMember(StringRef(f::values), values, a);
  add_trace(d, f::trace_id, fv.trace_id);
  return d;
}

FeatureVector features_from_json(const Value& v) {
  namespace f = proto::fields::features;
  FeatureVector fv{time_of(v, f::ts), text_of(v, f::room), text_of(v, f::feature_set), {}};
  for (const auto& m : v[f::values].GetObject()) {
    const std::string name = m.name.GetString();
    if (name.empty() || name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string::npos)
      throw Refusal("pattern", "/values/" + name, "feature name '" + name + "' is not lower_snake_case");
    fv.values.emplace_back(name, m.value.GetDouble());
  }
  fv.trace_id = trace_of(v, f::trace_id);
  return fv;
}

rapidjson::Document to_json(const Prediction& p) {
  namespace f = proto::fields::prediction;
  rapidjson::Document d(rapidjson::kObjectType);
  auto& a = d.GetAllocator();
  d.AddMember(StringRef(f::ts), time(p.ts, a), a);
  d.AddMember(StringRef(f::room), str(p.room, a), a);
  d.AddMember(StringRef(f::occupied_now), p.occupied_now, a);
  d.AddMember(StringRef(f::reliable), p.reliable, a);
  d.AddMember(StringRef(f::occupancy), horizon_map(p.occupancy, a), a);
  if (!p.vacant_within.empty()) d.AddMember(StringRef(f::vacant_within), horizon_map(p.vacant_within, a), a);
  d.AddMember(StringRef(f::minutes_to_vacancy), optional_number(p.minutes_to_vacancy), a);
  d.AddMember(StringRef(f::minutes_to_next_occupancy), optional_number(p.minutes_to_next_occupancy), a);
  d.AddMember(StringRef(f::model_version), str(p.model_version, a), a);
  d.AddMember(StringRef(f::fallback), optional_text(p.fallback, a), a);
  if (p.drift) d.AddMember(StringRef(f::drift), true, a);
  add_trace(d, f::trace_id, p.trace_id);
  if (!p.live_matured.empty()) {
    d.AddMember(StringRef(f::live_accuracy), horizon_map(p.live_accuracy, a), a);
    d.AddMember(StringRef(f::live_brier), horizon_map(p.live_brier, a), a);
    d.AddMember(StringRef(f::live_matured), horizon_map(p.live_matured, a), a);
  }
  return d;
}

Prediction prediction_from_json(const Value& v) {
  namespace f = proto::fields::prediction;
  Prediction p;
  p.ts = time_of(v, f::ts);
  p.room = text_of(v, f::room);
  p.occupied_now = v[f::occupied_now].GetBool();
  p.reliable = !v.HasMember(f::reliable) || v[f::reliable].GetBool();
  p.occupancy = horizon_map_of(v, f::occupancy);
  p.vacant_within = horizon_map_of(v, f::vacant_within);
  p.minutes_to_vacancy = optional_number_of(v, f::minutes_to_vacancy);
  p.minutes_to_next_occupancy = optional_number_of(v, f::minutes_to_next_occupancy);
  p.model_version = text_of(v, f::model_version);
  p.fallback = optional_text_of(v, f::fallback);
  p.drift = v.HasMember(f::drift) && v[f::drift].IsBool() && v[f::drift].GetBool();
  p.trace_id = trace_of(v, f::trace_id);
  p.live_accuracy = horizon_map_of(v, f::live_accuracy);
  p.live_brier = horizon_map_of(v, f::live_brier);
  p.live_matured = horizon_map_of(v, f::live_matured);
  return p;
}

rapidjson::Document to_json(const HaState& s) {
  namespace f = proto::fields::ha_state;
  rapidjson::Document d(rapidjson::kObjectType);
  auto& a = d.GetAllocator();
  d.AddMember(StringRef(f::ts), time(s.ts, a), a);
  d.AddMember(StringRef(f::occupied_now), s.occupied_now, a);
  d.AddMember(StringRef(f::occupancy_pct), horizon_map(s.occupancy_pct, a), a);
  if (!s.vacant_within_pct.empty())
    d.AddMember(StringRef(f::vacant_within_pct), horizon_map(s.vacant_within_pct, a), a);
  d.AddMember(StringRef(f::minutes_to_vacancy), optional_number(s.minutes_to_vacancy), a);
  d.AddMember(StringRef(f::minutes_to_next_occupancy), optional_number(s.minutes_to_next_occupancy), a);
  d.AddMember(StringRef(f::model_version), str(s.model_version, a), a);
  d.AddMember(StringRef(f::fallback), optional_text(s.fallback, a), a);
  d.AddMember(StringRef(f::drift), s.drift, a);
  add_trace(d, f::trace_id, s.trace_id);
  d.AddMember(StringRef(f::reliable), s.reliable, a);
  Value problems(rapidjson::kArrayType);
  for (const auto& e : s.problem_entities) problems.PushBack(str(e, a), a);
  d.AddMember(StringRef(f::problem_entities), problems, a);
  if (!s.threshold_pct.empty()) d.AddMember(StringRef(f::threshold_pct), horizon_map(s.threshold_pct, a), a);
  if (!s.live_matured.empty()) {
    d.AddMember(StringRef(f::live_accuracy_pct), horizon_map(s.live_accuracy_pct, a), a);
    d.AddMember(StringRef(f::live_brier), horizon_map(s.live_brier, a), a);
    d.AddMember(StringRef(f::live_matured), horizon_map(s.live_matured, a), a);
  }
  return d;
}

RoomSettings room_settings_from_json(const Value& v) {
  namespace f = proto::fields::room_settings;
  RoomSettings s;
  // The two keys from before horizons were configurable, so thresholds set then are kept.
  if (v.HasMember(f::threshold_15_pct)) s.threshold_pct[15] = v[f::threshold_15_pct].GetDouble();
  if (v.HasMember(f::threshold_120_pct)) s.threshold_pct[120] = v[f::threshold_120_pct].GetDouble();
  for (const auto& [h, t] : horizon_map_of(v, f::threshold_pct)) s.threshold_pct[h] = t;
  return s;
}

rapidjson::Document to_json(const RoomSettings& s) {
  namespace f = proto::fields::room_settings;
  rapidjson::Document d(rapidjson::kObjectType);
  auto& a = d.GetAllocator();
  d.AddMember(StringRef(f::threshold_pct), horizon_map(s.threshold_pct, a), a);
  return d;
}

rapidjson::Document to_json(const ModelAnnouncement& m) {
  namespace f = proto::fields::model;
  rapidjson::Document d(rapidjson::kObjectType);
  auto& a = d.GetAllocator();
  d.AddMember(StringRef(f::version), str(m.version, a), a);
  d.AddMember(StringRef(f::feature_set), str(m.feature_set, a), a);
  d.AddMember(StringRef(f::activated_at), str(m.activated_at, a), a);
  if (m.candidate) d.AddMember(StringRef(f::candidate), str(*m.candidate, a), a);
  if (!m.reason.empty()) d.AddMember(StringRef(f::reason), str(m.reason, a), a);
  return d;
}

ModelAnnouncement model_announcement_from_json(const Value& v) {
  namespace f = proto::fields::model;
  return {text_of(v, f::version), text_of(v, f::feature_set), text_of(v, f::activated_at),
          optional_text_of(v, f::candidate), optional_text_of(v, f::reason).value_or("")};
}

ControlRequest control_request_from_json(const Value& v) {
  namespace f = proto::fields::request;
  return {optional_text_of(v, f::transaction), optional_text_of(v, f::version)};
}

rapidjson::Document to_json(const ControlResponse& r) {
  namespace f = proto::fields::response;
  rapidjson::Document d(rapidjson::kObjectType);
  auto& a = d.GetAllocator();
  d.AddMember(StringRef(f::status), StringRef(r.error.empty() ? "ok" : "error"), a);
  if (r.error.empty()) {
    Value data(rapidjson::kObjectType);
    if (r.version) data.AddMember(StringRef(f::version), json_string(*r.version, a), a);
    if (r.previous) data.AddMember(StringRef(f::previous), json_string(*r.previous, a), a);
    if (r.outcome) data.AddMember(StringRef(f::outcome), json_string(*r.outcome, a), a);
    d.AddMember(StringRef(f::data), data, a);
  } else {
    d.AddMember(StringRef(f::error), json_string(r.error, a), a);
  }
  if (r.transaction) d.AddMember(StringRef(f::transaction), json_string(*r.transaction, a), a);
  return d;
}

}  // namespace occupancy::contract
