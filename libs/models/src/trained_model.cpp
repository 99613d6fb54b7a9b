#include "occupancy/models/trained_model.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>
#include <string_view>

namespace occupancy::models {
namespace {

std::string manifest(const TrainedModel& m) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("version");
  w.String(m.version.c_str());
  w.Key("feature_set");
  w.String(m.feature_set.c_str());
  w.Key("features");
  w.StartArray();
  for (const auto& f : m.feature_names) w.String(f.c_str());
  w.EndArray();
  w.Key("horizons");
  w.StartArray();
  for (int h : m.horizons) w.Int(h);
  w.EndArray();
  w.EndObject();
  return buf.GetString();
}

}  // namespace

std::vector<ModelFile> TrainedModel::files() const {
  std::vector<ModelFile> out{{"", "manifest", "json", manifest(*this)}, {"", "priors", "json", priors.to_json()}};
  if (!serving.rooms.empty()) out.push_back({"", "serving", "json", serving.to_json()});
  for (const auto& [room, rm] : rooms) {
    for (const auto& [h, b] : rm.occupancy) out.push_back({room, "occupied_" + std::to_string(h), "ubj", b.bytes()});
    if (rm.vacancy_aft) out.push_back({room, "vacancy_aft", "ubj", rm.vacancy_aft->bytes()});
    if (rm.next_aft) out.push_back({room, "next_occupancy_aft", "ubj", rm.next_aft->bytes()});
    for (const auto& [k, b] : rm.vacant_within)
      out.push_back({room, "vacant_within_" + std::to_string(k), "ubj", b.bytes()});
    for (const auto& [k, b] : rm.occupied_within)
      out.push_back({room, "occupied_within_" + std::to_string(k), "ubj", b.bytes()});
  }
  return out;
}

TrainedModel TrainedModel::from_files(const std::vector<ModelFile>& files, const std::vector<std::string>& expected) {
  TrainedModel m;
  const auto find = [&](const char* target) -> const ModelFile* {
    for (const auto& f : files)
      if (f.room.empty() && f.target == target) return &f;
    return nullptr;
  };
  const auto* man = find("manifest");
  if (man == nullptr) throw std::runtime_error("model has no manifest");
  rapidjson::Document d;
  d.Parse(man->data.c_str());
  const auto malformed = [](const std::string& what) { return std::runtime_error("model manifest: " + what); };
  if (d.HasParseError() || !d.IsObject()) throw malformed("not a JSON object");
  if (!d.HasMember("version") || !d["version"].IsString()) throw malformed("'version' is not a string");
  if (!d.HasMember("features") || !d["features"].IsArray()) throw malformed("'features' is not an array");
  if (!d.HasMember("horizons") || !d["horizons"].IsArray()) throw malformed("'horizons' is not an array");
  if (d.HasMember("feature_set") && !d["feature_set"].IsString()) throw malformed("'feature_set' is not a string");
  m.version = d["version"].GetString();
  m.feature_set = d.HasMember("feature_set") ? d["feature_set"].GetString() : "";
  for (const auto& f : d["features"].GetArray()) {
    if (!f.IsString()) throw malformed("a feature name is not a string");
    m.feature_names.emplace_back(f.GetString());
  }
  for (const auto& h : d["horizons"].GetArray()) {
    if (!h.IsInt() || h.GetInt() <= 0) throw malformed("a horizon is not a positive whole number of minutes");
    m.horizons.push_back(h.GetInt());
  }
  if (m.feature_names != expected)
    throw std::runtime_error("model " + m.version + " was trained on feature set '" + m.feature_set + "' with " +
                             std::to_string(m.feature_names.size()) + " features; this build computes " +
                             std::to_string(expected.size()) + " (retrain it)");
  if (const auto* p = find("priors")) m.priors = features::Priors::from_json(p->data);
  if (const auto* s = find("serving")) m.serving = ServingPlan::from_json(s->data);  // older versions have none
  for (const auto& f : files) {
    if (f.room.empty()) continue;
    if (f.target == "vacancy_aft" || f.target == "next_occupancy_aft") {
      (f.target == "vacancy_aft" ? m.rooms[f.room].vacancy_aft : m.rooms[f.room].next_aft) = XgbBooster::load(f.data);
      continue;
    }
    const auto under = f.target.rfind('_');
    int n = 0;
    const std::string_view digits =
        under == std::string::npos ? std::string_view{} : std::string_view(f.target).substr(under + 1);
    if (const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
        digits.empty() || ec != std::errc{} || end != digits.data() + digits.size() || n <= 0)
      throw std::runtime_error("model file " + f.room + "/" + f.target + " is not a known target");
    auto booster = XgbBooster::load(f.data);
    auto& rm = m.rooms[f.room];
    if (f.target.rfind("occupied_within_", 0) == 0)
      rm.occupied_within.emplace(n, std::move(booster));
    else if (f.target.rfind("vacant_within_", 0) == 0)
      rm.vacant_within.emplace(n, std::move(booster));
    else if (f.target.rfind("occupied_", 0) == 0)
      rm.occupancy.emplace(n, std::move(booster));
    else
      throw std::runtime_error("model file " + f.room + "/" + f.target + " is not a known target");
  }
  return m;
}

double median_minutes(const std::map<int, double>& within) {
  double prev_k = 0, prev_s = 1, floor_s = 1;
  for (const auto& [k, p] : within) {
    const double s = std::min(floor_s, 1.0 - std::clamp(p, 0.0, 1.0));  // survival never rises
    floor_s = s;
    if (s <= 0.5) return prev_k + (prev_s - 0.5) / std::max(1e-9, prev_s - s) * (k - prev_k);
    prev_k = k;
    prev_s = s;
  }
  return within.empty() ? 0.0 : static_cast<double>(within.rbegin()->first);
}

float base_margin(const double* f, std::size_t markov_column, std::size_t now_column) {
  double p = f[markov_column];
  if (std::isnan(p)) p = std::isnan(f[now_column]) ? 0.5 : (f[now_column] >= 0.5 ? 0.9 : 0.1);
  p = std::clamp(p, 0.01, 0.99);
  return static_cast<float>(std::log(p / (1 - p)));
}

ModelForecaster::ModelForecaster(const TrainedModel& model, const features::FeatureSet& set, const Forecaster& fallback,
                                 bool apply_plan)
    : model_(model), fallback_(fallback), apply_plan_(apply_plan), now_(set.index("occupied_now")), width_(set.size()) {
  for (int h : model.horizons) markov_[h] = set.index("markov_occ_" + std::to_string(h));
  for (const auto& name : baseline_names()) baselines_[name] = make_baseline(name, set, model.horizons);
}

Forecast ModelForecaster::predict(const std::string& room, const double* f) const {
  return predict_many(room, f, 1, width_).at(0);
}

std::vector<Forecast> ModelForecaster::predict_many(const std::string& room, const double* rows, std::size_t n,
                                                    std::size_t width) const {
  const auto it = model_.rooms.find(room);
  if (it == model_.rooms.end() || it->second.occupancy.empty()) return fallback_.predict_many(room, rows, n, width);
  const auto& rm = it->second;
  const RoomServing* plan = nullptr;
  if (const auto p = model_.serving.rooms.find(room); apply_plan_ && p != model_.serving.rooms.end()) plan = &p->second;
  std::map<std::string, std::vector<Forecast>> alternatives;  // baselines the plan serves, computed once
  const auto alternative = [&](const std::string& name) -> const std::vector<Forecast>& {
    auto a = alternatives.find(name);
    if (a == alternatives.end()) {
      const auto b = baselines_.find(name);
      if (b == baselines_.end()) throw std::runtime_error("serving plan names an unknown forecaster '" + name + "'");
      a = alternatives.emplace(name, b->second->predict_many(room, rows, n, width)).first;
    }
    return a->second;
  };

  Matrix m{std::vector<float>(rows, rows + n * width), n, width, {}, {}};
  std::vector<Forecast> out(n);
  for (const auto& [h, b] : rm.occupancy) {
    const ServedChoice* choice = nullptr;
    if (plan)
      if (const auto c = plan->occupancy.find(h); c != plan->occupancy.end()) choice = &c->second;
    std::vector<double> p(n);
    if (choice && choice->source != "model") {
      const auto& alt = alternative(choice->source);
      for (std::size_t i = 0; i < n; ++i) p[i] = alt[i].occupancy.at(h);
    } else {
      m.base_margin.resize(n);
      for (std::size_t i = 0; i < n; ++i) m.base_margin[i] = base_margin(rows + i * width, markov_.at(h), now_);
      const auto q = b.predict(m);
      std::copy(q.begin(), q.end(), p.begin());
    }
    if (choice && !choice->blend.empty()) {
      const auto& mix = alternative(choice->blend);
      for (std::size_t i = 0; i < n; ++i) p[i] = choice->weight * p[i] + (1 - choice->weight) * mix[i].occupancy.at(h);
    }
    for (std::size_t i = 0; i < n; ++i) out[i].occupancy[h] = choice ? choice->calibration.apply(p[i]) : p[i];
  }

  std::vector<std::map<int, double>> within(n);
  m.base_margin.clear();
  for (const auto* ladder : {&rm.vacant_within, &rm.occupied_within}) {
    const bool for_occupied = ladder == &rm.vacant_within;
    for (const auto& [k, b] : *ladder) {
      const auto p = b.predict(m);
      for (std::size_t i = 0; i < n; ++i) {
        const double now = rows[i * width + now_];
        if (!std::isnan(now) && (now >= 0.5) == for_occupied) within[i][k] = p[i];
      }
    }
  }
  for (const auto* aft : {&rm.vacancy_aft, &rm.next_aft}) {
    const bool for_occupied = aft == &rm.vacancy_aft;
    const ServedDuration* choice = plan ? (for_occupied ? &plan->vacancy : &plan->next_occupancy) : nullptr;
    if (choice && choice->source != "model") {
      const auto& alt = alternative(choice->source);
      for (std::size_t i = 0; i < n; ++i) {
        const double now = rows[i * width + now_];
        if (!std::isnan(now) && (now >= 0.5) == for_occupied) out[i].minutes_to_change = alt[i].minutes_to_change;
      }
      continue;
    }
    if (!*aft) continue;
    const auto p = (*aft)->predict(m);
    for (std::size_t i = 0; i < n; ++i) {
      const double now = rows[i * width + now_];
      if (!std::isnan(now) && (now >= 0.5) == for_occupied)
        out[i].minutes_to_change = std::clamp(static_cast<double>(p[i]), 1.0, 24.0 * 60);
    }
  }
  std::vector<Forecast> fallback;
  for (std::size_t i = 0; i < n; ++i) {
    if (out[i].minutes_to_change) continue;
    if (!within[i].empty()) {
      out[i].minutes_to_change = median_minutes(within[i]);
    } else {
      if (fallback.empty()) fallback = fallback_.predict_many(room, rows, n, width);
      out[i].minutes_to_change = fallback[i].minutes_to_change;
    }
  }
  return out;
}

}  // namespace occupancy::models
