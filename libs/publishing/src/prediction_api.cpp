#include "occupancy/publishing/prediction_api.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>

namespace occupancy::publishing {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

http::Response json(int status, const std::string& body) { return {status, "application/json", body, {}}; }

http::Response error(int status, const std::string& code, const std::string& message) {
  rapidjson::StringBuffer b;
  Writer w(b);
  w.StartObject();
  w.Key("error");
  w.String(code.c_str());
  w.Key("message");
  w.String(message.c_str());
  w.EndObject();
  return json(status, b.GetString());
}

void optional_number(Writer& w, const char* key, const std::optional<double>& v) {
  w.Key(key);
  if (v)
    w.Double(*v);
  else
    w.Null();
}

}  // namespace

void LatestPredictions::put(const Prediction& p) {
  std::lock_guard lock(mutex_);
  latest_[p.room] = p;
}

std::optional<Prediction> LatestPredictions::get(const std::string& room) const {
  std::lock_guard lock(mutex_);
  const auto it = latest_.find(room);
  return it == latest_.end() ? std::nullopt : std::optional<Prediction>(it->second);
}

http::Response handle_prediction_api(const config::HomeConfig& config, const LatestPredictions& latest,
                                     const http::Request& req) {
  const auto& token = config.publisher.api_token;
  constexpr std::string_view kBearer = "Bearer ";
  const std::string_view given(req.authorization);
  if (!token.empty() && !(given.starts_with(kBearer) && token.matches(given.substr(kBearer.size())))) {
    auto r = error(401, "unauthorized", "a bearer token is required");
    r.www_authenticate = "Bearer realm=\"occupancy\"";
    return r;
  }
  if (req.method != "GET") return error(405, "method_not_allowed", "only GET is supported");
  const std::string path = req.target.substr(0, req.target.find('?'));
  rapidjson::StringBuffer b;
  Writer w(b);
  if (path == "/api/v1/rooms") {
    w.StartObject();
    w.Key("rooms");
    w.StartArray();
    for (const auto& r : config.rooms) {
      const auto p = latest.get(r.id);
      w.StartObject();
      w.Key("id");
      w.String(r.id.c_str());
      w.Key("name");
      w.String(r.name.c_str());
      w.Key("has_prediction");
      w.Bool(p.has_value());
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    return json(200, b.GetString());
  }
  const std::string prefix = "/api/v1/predict/";
  if (path.rfind(prefix, 0) != 0) return error(404, "not_found", "no such endpoint: " + path);
  const auto room = path.substr(prefix.size());
  if (config.find_room(room) == nullptr) return error(404, "unknown_room", "room '" + room + "' is not configured");
  const auto p = latest.get(room);
  if (!p) return error(503, "no_prediction_yet", "no prediction for room '" + room + "' yet");
  w.StartObject();
  w.Key("room");
  w.String(room.c_str());
  w.Key("ts");
  w.String(format_iso8601(p->ts).c_str());
  w.Key("occupied_now");
  w.Bool(p->occupied_now);
  w.Key("reliable");
  w.Bool(p->reliable);
  w.Key("occupancy");
  w.StartArray();
  for (const auto& [h, prob] : p->occupancy) {
    w.StartObject();
    w.Key("horizon_min");
    w.Int(h);
    w.Key("probability");
    w.Double(prob);
    w.Key("confidence");  // the probability of the more likely outcome
    w.Double(std::max(prob, 1 - prob));
    w.EndObject();
  }
  w.EndArray();
  optional_number(w, "minutes_to_vacancy", p->occupied_now ? p->minutes_to_vacancy : std::nullopt);
  optional_number(w, "minutes_to_next_occupancy", p->occupied_now ? std::nullopt : p->minutes_to_next_occupancy);
  w.Key("model_version");
  w.String(p->model_version.c_str());
  w.Key("fallback");
  if (p->fallback)
    w.String(p->fallback->c_str());
  else
    w.Null();
  w.EndObject();
  return json(200, b.GetString());
}

}  // namespace occupancy::publishing
