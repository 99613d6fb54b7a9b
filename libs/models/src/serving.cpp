#include "occupancy/models/serving.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace occupancy::models {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void write_scores(Writer& w, const char* key, const std::map<std::string, double>& scores) {
  w.Key(key);
  w.StartObject();
  for (const auto& [name, v] : scores) {
    w.Key(name.c_str());
    w.Double(std::isfinite(v) ? v : -1);
  }
  w.EndObject();
}

const rapidjson::Value& member(const rapidjson::Value& v, const char* key, const std::string& where) {
  if (!v.IsObject() || !v.HasMember(key)) throw std::runtime_error("serving plan: " + where + " has no '" + key + "'");
  return v[key];
}

std::string string_of(const rapidjson::Value& v, const char* key, const std::string& where) {
  const auto& m = member(v, key, where);
  if (!m.IsString()) throw std::runtime_error("serving plan: " + where + "." + key + " is not a string");
  return m.GetString();
}

double number_of(const rapidjson::Value& v, const char* key, const std::string& where) {
  const auto& m = member(v, key, where);
  if (!m.IsNumber()) throw std::runtime_error("serving plan: " + where + "." + key + " is not a number");
  return m.GetDouble();
}

std::map<std::string, double> scores_of(const rapidjson::Value& v, const char* key, const std::string& where) {
  std::map<std::string, double> out;
  const auto& m = member(v, key, where);
  if (!m.IsObject()) throw std::runtime_error("serving plan: " + where + "." + key + " is not an object");
  for (const auto& s : m.GetObject()) {
    if (!s.value.IsNumber()) throw std::runtime_error("serving plan: " + where + "." + key + " holds a non-number");
    out.emplace(s.name.GetString(), s.value.GetDouble());
  }
  return out;
}

}  // namespace

double Platt::apply(double p) const {
  if (identity()) return p;
  const double q = std::clamp(p, 1e-4, 1 - 1e-4);
  const double z = a * std::log(q / (1 - q)) + b;
  return 1 / (1 + std::exp(-z));
}

std::string describe(const ServedChoice& c) {
  std::string out = c.source;
  if (!c.blend.empty()) {
    char weight[16];
    std::snprintf(weight, sizeof weight, "%.2f", c.weight);
    out += std::string("*") + weight + "+" + c.blend;
  }
  return out + (c.calibration.identity() ? "" : "+platt");
}

std::string ServingPlan::summary() const {
  std::string out;
  for (const auto& [room, rs] : rooms) {
    out += "  " + room + ":";
    for (const auto& [h, c] : rs.occupancy) out += " " + std::to_string(h) + " min " + describe(c) + ",";
    out += " vacancy " + rs.vacancy.source + ", next use " + rs.next_occupancy.source + "\n";
  }
  return out;
}

const ServedChoice* ServingPlan::occupancy(const std::string& room, int horizon) const {
  const auto r = rooms.find(room);
  if (r == rooms.end()) return nullptr;
  const auto h = r->second.occupancy.find(horizon);
  return h == r->second.occupancy.end() ? nullptr : &h->second;
}

std::optional<std::string> ServingPlan::fallback(const std::string& room) const {
  const auto r = rooms.find(room);
  if (r == rooms.end()) return std::nullopt;
  std::string out, first;
  bool all_same = true;
  for (const auto& [h, c] : r->second.occupancy) {
    if (c.source == "model") {
      all_same = false;
      continue;
    }
    if (first.empty()) first = c.source;
    all_same = all_same && c.source == first;
    out += (out.empty() ? "" : ", ") + c.source + " (" + std::to_string(h) + " min)";
  }
  if (out.empty()) return std::nullopt;
  return all_same ? first : out;
}

std::string ServingPlan::to_json() const {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("valid_days");
  w.Int(valid_days);
  w.Key("half_life_days");
  w.Double(half_life_days);
  w.Key("rooms");
  w.StartObject();
  for (const auto& [room, rs] : rooms) {
    w.Key(room.c_str());
    w.StartObject();
    w.Key("occupancy");
    w.StartObject();
    for (const auto& [h, c] : rs.occupancy) {
      w.Key(std::to_string(h).c_str());
      w.StartObject();
      w.Key("source");
      w.String(c.source.c_str());
      w.Key("blend");
      w.String(c.blend.c_str());
      w.Key("weight");
      w.Double(c.weight);
      w.Key("platt_a");
      w.Double(c.calibration.a);
      w.Key("platt_b");
      w.Double(c.calibration.b);
      write_scores(w, "valid_brier", c.valid_brier);
      w.EndObject();
    }
    w.EndObject();
    for (const auto& [key, d] : {std::pair{"vacancy", &rs.vacancy}, std::pair{"next_occupancy", &rs.next_occupancy}}) {
      w.Key(key);
      w.StartObject();
      w.Key("source");
      w.String(d->source.c_str());
      write_scores(w, "valid_within_15", d->valid_within);
      w.EndObject();
    }
    w.EndObject();
  }
  w.EndObject();
  w.EndObject();
  return buf.GetString();
}

ServingPlan ServingPlan::from_json(const std::string& text) {
  rapidjson::Document d;
  d.Parse<rapidjson::kParseFullPrecisionFlag>(text.c_str());
  if (d.HasParseError() || !d.IsObject()) throw std::runtime_error("serving plan: not a JSON object");
  ServingPlan plan;
  plan.valid_days = static_cast<int>(number_of(d, "valid_days", "the plan"));
  if (d.HasMember("half_life_days")) {  // plans from before it existed weighed every day alike
    plan.half_life_days = number_of(d, "half_life_days", "the plan");
    if (!(plan.half_life_days >= 0 && plan.half_life_days <= 3650))
      throw std::runtime_error("serving plan: 'half_life_days' is out of range");
  }
  const auto& rooms = member(d, "rooms", "the plan");
  if (!rooms.IsObject()) throw std::runtime_error("serving plan: 'rooms' is not an object");
  for (const auto& r : rooms.GetObject()) {
    const std::string room = r.name.GetString();
    RoomServing rs;
    const auto& occ = member(r.value, "occupancy", room);
    if (!occ.IsObject()) throw std::runtime_error("serving plan: " + room + ".occupancy is not an object");
    for (const auto& h : occ.GetObject()) {
      const std::string where = room + ".occupancy." + h.name.GetString();
      int horizon = 0;
      try {
        horizon = std::stoi(h.name.GetString());
      } catch (const std::exception&) {
        throw std::runtime_error("serving plan: " + where + " is not a horizon in minutes");
      }
      ServedChoice c;
      c.source = string_of(h.value, "source", where);
      c.blend = string_of(h.value, "blend", where);
      c.weight = number_of(h.value, "weight", where);
      if (!(c.weight >= 0 && c.weight <= 1))
        throw std::runtime_error("serving plan: " + where + ".weight is not in [0, 1]");
      c.calibration = {number_of(h.value, "platt_a", where), number_of(h.value, "platt_b", where)};
      c.valid_brier = scores_of(h.value, "valid_brier", where);
      rs.occupancy.emplace(horizon, std::move(c));
    }
    for (const auto& [key, dur] :
         {std::pair{"vacancy", &rs.vacancy}, std::pair{"next_occupancy", &rs.next_occupancy}}) {
      const std::string where = room + "." + key;
      const auto& v = member(r.value, key, room);
      dur->source = string_of(v, "source", where);
      dur->valid_within = scores_of(v, "valid_within_15", where);
    }
    plan.rooms.emplace(room, std::move(rs));
  }
  return plan;
}

}  // namespace occupancy::models

namespace occupancy::models {

Platt fit_platt(const std::vector<double>& p, const std::vector<int>& y) {
  const std::size_t n = std::min(p.size(), y.size());
  std::size_t positives = 0;
  for (std::size_t i = 0; i < n; ++i) positives += y[i] != 0;
  if (n == 0 || positives == 0 || positives == n) return {};
  constexpr double kPull = 1.0;  // L2 on (a - 1, b): worth about one row of evidence
  std::vector<double> x(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double q = std::clamp(p[i], 1e-4, 1 - 1e-4);
    x[i] = std::log(q / (1 - q));
  }
  double a = 1, b = 0;
  for (int iter = 0; iter < 50; ++iter) {
    // Gradient and Hessian of the penalised log-loss in (a, b).
    double ga = kPull * (a - 1), gb = kPull * b, haa = kPull, hab = 0, hbb = kPull;
    for (std::size_t i = 0; i < n; ++i) {
      const double s = 1 / (1 + std::exp(-(a * x[i] + b)));
      const double r = s - (y[i] != 0 ? 1.0 : 0.0), w = s * (1 - s);
      ga += r * x[i];
      gb += r;
      haa += w * x[i] * x[i];
      hab += w * x[i];
      hbb += w;
    }
    const double det = haa * hbb - hab * hab;
    if (!(det > 1e-12)) break;
    const double da = (hbb * ga - hab * gb) / det, db = (haa * gb - hab * ga) / det;
    a -= da;
    b -= db;
    if (std::abs(da) + std::abs(db) < 1e-9) break;
  }
  if (!std::isfinite(a) || !std::isfinite(b)) return {};
  return {a, b};
}

}  // namespace occupancy::models
