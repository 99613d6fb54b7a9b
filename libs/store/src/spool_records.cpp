#include "spool_records.hpp"

#include <rapidjson/error/en.h>

#include <stdexcept>

namespace occupancy::store::detail {
namespace {

[[noreturn]] void bad(const char* what) { throw std::runtime_error(std::string("spool record: ") + what); }

const rapidjson::Value& at(const rapidjson::Value& v, rapidjson::SizeType i, const char* what) {
  if (!v.IsArray() || i >= v.Size()) bad(what);
  return v[i];
}
std::string str(const rapidjson::Value& v, rapidjson::SizeType i) {
  const auto& x = at(v, i, "item too short");
  if (!x.IsString()) bad("expected a string");
  return {x.GetString(), x.GetStringLength()};
}
Millis millis(const rapidjson::Value& v, rapidjson::SizeType i) {
  const auto& x = at(v, i, "item too short");
  if (!x.IsInt64()) bad("expected a time in ms");
  return x.GetInt64();
}
bool boolean(const rapidjson::Value& v, rapidjson::SizeType i) {
  const auto& x = at(v, i, "item too short");
  if (!x.IsBool()) bad("expected a boolean");
  return x.GetBool();
}
void put(JsonWriter& w, const std::string& s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }
// The trace id trails an item, and only when there is one: records spooled before it existed read.
void put_trace(JsonWriter& w, const std::string& id) {
  if (!id.empty()) put(w, id);
}
std::string trace(const rapidjson::Value& v, rapidjson::SizeType i) { return v.Size() > i ? str(v, i) : ""; }

}  // namespace

void write_item(JsonWriter& w, const Reading& r) {
  w.StartArray();
  w.Int64(r.ts);
  put(w, r.entity_id);
  put(w, r.room);
  put(w, r.zone);
  put(w, r.kind);
  w.String(to_string(r.state));
  put_trace(w, r.trace_id);
  w.EndArray();
}
void read_item(const rapidjson::Value& v, Reading& r) {
  r = {millis(v, 0), str(v, 1), str(v, 2), str(v, 3), str(v, 4), SensorState::off};
  const auto state = sensor_state_from(str(v, 5));
  if (!state) bad("unknown sensor state");
  r.state = *state;
  r.trace_id = trace(v, 6);
}

void write_item(JsonWriter& w, const RoomState& s) {
  w.StartArray();
  w.Int64(s.ts);
  put(w, s.room);
  w.Bool(s.occupied);
  w.StartArray();
  for (const auto& z : s.active_zones) put(w, z);
  w.EndArray();
  w.Int64(s.since);
  w.Bool(s.reliable);
  put_trace(w, s.trace_id);
  w.EndArray();
}
void read_item(const rapidjson::Value& v, RoomState& s) {
  s.ts = millis(v, 0);
  s.room = str(v, 1);
  s.occupied = boolean(v, 2);
  const auto& zones = at(v, 3, "item too short");
  if (!zones.IsArray()) bad("expected zones");
  s.active_zones.clear();
  for (rapidjson::SizeType i = 0; i < zones.Size(); ++i) s.active_zones.push_back(str(zones, i));
  s.since = millis(v, 4);
  s.reliable = boolean(v, 5);
  s.trace_id = trace(v, 6);
}

void write_item(JsonWriter& w, const Gap& g) {
  w.StartArray();
  put(w, g.entity_id);
  put(w, g.room);
  put(w, g.zone);
  w.Int64(g.start);
  if (g.end)
    w.Int64(*g.end);
  else
    w.Null();
  put(w, g.cause);
  w.EndArray();
}
void read_item(const rapidjson::Value& v, Gap& g) {
  g.entity_id = str(v, 0);
  g.room = str(v, 1);
  g.zone = str(v, 2);
  g.start = millis(v, 3);
  g.end = at(v, 4, "item too short").IsNull() ? std::nullopt : std::optional<Millis>(millis(v, 4));
  g.cause = str(v, 5);
}

void write_item(JsonWriter& w, const Prediction& p) {
  w.StartArray();
  w.Int64(p.ts);
  put(w, p.room);
  w.StartArray();
  for (const auto& [h, q] : p.occupancy) {
    w.Int(h);
    w.Double(q);
  }
  w.EndArray();
  put(w, p.model_version);
  if (p.fallback)
    put(w, *p.fallback);
  else
    w.Null();
  put_trace(w, p.trace_id);
  w.EndArray();
}
void read_item(const rapidjson::Value& v, Prediction& p) {
  p = Prediction{};
  p.ts = millis(v, 0);
  p.room = str(v, 1);
  const auto& occ = at(v, 2, "item too short");
  if (!occ.IsArray() || occ.Size() % 2 != 0) bad("expected horizon, probability pairs");
  for (rapidjson::SizeType i = 0; i < occ.Size(); i += 2) {
    if (!occ[i].IsInt() || !occ[i + 1].IsNumber()) bad("expected horizon, probability pairs");
    p.occupancy[occ[i].GetInt()] = occ[i + 1].GetDouble();
  }
  p.model_version = str(v, 3);
  if (!at(v, 4, "item too short").IsNull()) p.fallback = str(v, 4);
  p.trace_id = trace(v, 5);
}

void write_item(JsonWriter& w, const PredictionOutcome& o) {
  w.StartArray();
  put(w, o.room);
  w.Int64(o.made_at);
  w.Int(o.horizon_min);
  w.Bool(o.occupied);
  w.EndArray();
}
void read_item(const rapidjson::Value& v, PredictionOutcome& o) {
  o.room = str(v, 0);
  o.made_at = millis(v, 1);
  const auto& h = at(v, 2, "item too short");
  if (!h.IsInt()) bad("expected a horizon");
  o.horizon_min = h.GetInt();
  o.occupied = boolean(v, 3);
}

rapidjson::Document parse_record(std::string_view record) {
  rapidjson::Document d;
  d.Parse<rapidjson::kParseIterativeFlag>(record.data(), record.size());
  if (d.HasParseError())
    throw std::runtime_error(std::string("spool record: ") + rapidjson::GetParseError_En(d.GetParseError()));
  if (!d.IsObject()) bad("not an object");
  return d;
}

std::size_t approx_bytes(const Reading& r) {
  return sizeof(Reading) + r.entity_id.capacity() + r.room.capacity() + r.zone.capacity() + r.kind.capacity() +
         r.trace_id.capacity();
}
std::size_t approx_bytes(const RoomState& s) {
  std::size_t n = sizeof(RoomState) + s.room.capacity() + s.trace_id.capacity();
  for (const auto& z : s.active_zones) n += sizeof(z) + z.capacity();
  return n;
}
std::size_t approx_bytes(const Gap& g) {
  return sizeof(Gap) + g.entity_id.capacity() + g.room.capacity() + g.zone.capacity() + g.cause.capacity();
}
std::size_t approx_bytes(const Prediction& p) {
  // std::map nodes: the pair plus about four words of node overhead each.
  constexpr std::size_t kNode = sizeof(std::pair<const int, double>) + 4 * sizeof(void*);
  return sizeof(Prediction) + p.room.capacity() + p.model_version.capacity() + p.trace_id.capacity() +
         (p.fallback ? p.fallback->capacity() : 0) + kNode * (p.occupancy.size() + p.vacant_within.size());
}
std::size_t approx_bytes(const PredictionOutcome& o) { return sizeof(PredictionOutcome) + o.room.capacity(); }

}  // namespace occupancy::store::detail
