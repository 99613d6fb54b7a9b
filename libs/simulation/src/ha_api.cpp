#include "occupancy/simulation/ha_api.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cctype>

#include "occupancy/simulation/ha_registries.hpp"

namespace occupancy::simulation {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

std::string friendly_name(const std::string& entity_id) { return title_of(entity_id.substr(entity_id.find('.') + 1)); }

const char* device_class(const std::string& kind) {
  if (kind == "presence") return "occupancy";
  if (kind == "motion") return "motion";
  if (kind == "door") return "door";
  return nullptr;
}

void attributes(Writer& w, const config::Entity& e) {
  w.StartObject();
  if (const char* dc = device_class(e.kind)) {
    w.Key("device_class");
    w.String(dc);
  }
  w.Key("friendly_name");
  w.String(friendly_name(e.entity_id).c_str());
  w.EndObject();
}

const char* state_text(const SimEvent* ev) { return ev ? to_string(ev->state) : "unknown"; }

void context(Writer& w, const std::string& id) {
  w.StartObject();
  w.Key("id");
  w.String(id.c_str());
  w.Key("parent_id");
  w.Null();
  w.Key("user_id");
  w.Null();
  w.EndObject();
}

std::string result(long long id, bool success, const char* code = nullptr, const std::string& message = {},
                   const std::string& result_json = "null") {
  std::string out =
      "{\"id\":" + std::to_string(id) + ",\"type\":\"result\",\"success\":" + (success ? "true" : "false");
  if (success) return out + ",\"result\":" + result_json + "}";
  rapidjson::StringBuffer b;
  Writer w(b);
  w.StartObject();
  w.Key("code");
  w.String(code);
  w.Key("message");
  w.String(message.c_str());
  w.EndObject();
  return out + ",\"error\":" + b.GetString() + "}";
}

// HA's compressed state (subscribe_entities): s, a, c, lc.
void compressed(Writer& w, const HaHome& home, const config::Entity& e, const SimEvent* ev, bool with_attributes) {
  w.StartObject();
  w.Key("s");
  w.String(state_text(ev));
  if (with_attributes) {
    w.Key("a");
    attributes(w, e);
  }
  w.Key("c");
  w.String(home.context_id(ev).c_str());
  w.Key("lc");
  w.Double(ev ? static_cast<double>(ev->ts) / 1000.0 : 0.0);
  w.EndObject();
}

std::string url_decode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i] == '+' ? ' ' : s[i];
    }
  }
  return out;
}

std::map<std::string, std::string> query_of(const std::string& target) {
  std::map<std::string, std::string> q;
  const auto qm = target.find('?');
  if (qm == std::string::npos) return q;
  std::string rest = target.substr(qm + 1);
  size_t pos = 0;
  while (pos <= rest.size()) {
    const auto amp = rest.find('&', pos);
    const auto part = rest.substr(pos, amp == std::string::npos ? std::string::npos : amp - pos);
    const auto eq = part.find('=');
    if (!part.empty())
      q[url_decode(part.substr(0, eq))] = eq == std::string::npos ? "" : url_decode(part.substr(eq + 1));
    if (amp == std::string::npos) break;
    pos = amp + 1;
  }
  return q;
}

std::optional<Millis> parse_ha_time(const std::string& s) {
  if (auto t = parse_iso8601(s)) return t;
  // HA also accepts offsets other than UTC and dates alone.
  if (s.size() == 10) return parse_iso8601(s + "T00:00:00Z");
  if (s.size() > 6 && (s[s.size() - 6] == '+' || s[s.size() - 6] == '-') && s[s.size() - 3] == ':') {
    const auto base = parse_iso8601(s.substr(0, s.size() - 6) + "Z");
    if (!base) return std::nullopt;
    const int sign = s[s.size() - 6] == '-' ? -1 : 1;
    const int minutes = std::stoi(s.substr(s.size() - 5, 2)) * 60 + std::stoi(s.substr(s.size() - 2, 2));
    return *base - sign * minutes * kMinute;
  }
  return std::nullopt;
}

// {"id": id, "type": "event", "event": <what body writes>}
template <class Body>
std::string event_message(long long id, Body body) {
  rapidjson::StringBuffer b;
  Writer w(b);
  w.StartObject();
  w.Key("id");
  w.Int64(id);
  w.Key("type");
  w.String("event");
  w.Key("event");
  body(w);
  w.EndObject();
  return b.GetString();
}

http::Response json_response(int status, std::string body) { return {status, "application/json", std::move(body), {}}; }

}  // namespace

std::string format_ha_time(Millis t) {
  auto s = format_iso8601(t);  // ...T07:32:53.123Z
  s.pop_back();
  return s + "000+00:00";
}

HaHome::HaHome(const config::HomeConfig& home, std::vector<SimEvent> events) : home_(home), events_(std::move(events)) {
  std::stable_sort(events_.begin(), events_.end(), [](const SimEvent& a, const SimEvent& b) { return a.ts < b.ts; });
  for (size_t i = 0; i < events_.size(); ++i) by_entity_[events_[i].entity_id].push_back(i);
}

const config::Entity* HaHome::entity(const std::string& id) const { return home_.find_entity(id); }

std::string HaHome::context_id(const SimEvent* ev) const {
  // A ULID-shaped id (26 Crockford base32 characters), derived from the event: stable.
  static const char* alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  std::uint64_t a = ev ? static_cast<std::uint64_t>(ev->ts) : 0,
                b = ev ? static_cast<std::uint64_t>(ev - events_.data()) : 0;
  std::string id(26, '0');
  for (int i = 9; i >= 0; --i, a >>= 5) id[static_cast<size_t>(i)] = alphabet[a & 31];
  b = b * 0x9E3779B97F4A7C15ULL + 1;
  for (int i = 25; i >= 10; --i, b >>= 4) id[static_cast<size_t>(i)] = alphabet[b & 31];
  return id;
}

std::string HaHome::all_states_json(Millis t) const {
  std::string arr = "[";
  for (const auto& s : states_at(t)) arr += (arr.size() > 1 ? "," : "") + state_json(*s.entity, s.event);
  for (const auto& other : other_state_jsons(home_, t)) arr += (arr.size() > 1 ? "," : "") + other;
  return arr + "]";
}

std::vector<HaHome::State> HaHome::states_at(Millis t) const {
  std::vector<State> out;
  for (const auto& e : home_.entities) {
    const SimEvent* last = nullptr;
    if (auto it = by_entity_.find(e.entity_id); it != by_entity_.end()) {
      const auto& idx = it->second;
      auto pos = std::upper_bound(idx.begin(), idx.end(), t, [&](Millis v, size_t i) { return v < events_[i].ts; });
      if (pos != idx.begin()) last = &events_[*(pos - 1)];
    }
    out.push_back({&e, last});
  }
  return out;
}

std::vector<const SimEvent*> HaHome::history(const std::string& entity_id, Millis from, Millis to) const {
  std::vector<const SimEvent*> out;
  const auto it = by_entity_.find(entity_id);
  if (it == by_entity_.end()) return out;
  const SimEvent* before = nullptr;
  for (size_t i : it->second) {
    const auto& ev = events_[i];
    if (ev.ts < from)
      before = &ev;
    else if (ev.ts <= to)
      out.push_back(&ev);
  }
  if (before != nullptr) out.insert(out.begin(), before);
  return out;
}

std::string HaHome::state_json(const config::Entity& e, const SimEvent* ev, bool with_attributes) const {
  rapidjson::StringBuffer b;
  Writer w(b);
  w.StartObject();
  w.Key("entity_id");
  w.String(e.entity_id.c_str());
  w.Key("state");
  w.String(state_text(ev));
  w.Key("attributes");
  if (with_attributes) {
    attributes(w, e);
  } else {
    w.StartObject();
    w.EndObject();
  }
  const auto when = format_ha_time(ev ? ev->ts : 0);
  for (const char* k : {"last_changed", "last_reported", "last_updated"}) {
    w.Key(k);
    w.String(when.c_str());
  }
  w.Key("context");
  context(w, context_id(ev));
  w.EndObject();
  return b.GetString();
}

std::string HaWebSocketSession::hello() const {
  return std::string(R"({"type":"auth_required","ha_version":")") + kSimulatedHaVersion + "\"}";
}

HaWebSocketSession::Output HaWebSocketSession::receive(const std::string& text, Millis now) {
  Output out;
  rapidjson::Document d;
  if (d.Parse(text.c_str()).HasParseError() || !d.IsObject() || !d.HasMember("type") || !d["type"].IsString()) {
    if (!authenticated_) {
      out.messages.push_back(R"({"type":"auth_invalid","message":"Auth message incorrectly formatted"})");
      out.close = true;
    } else {
      out.messages.push_back(result(0, false, "invalid_format", "Message incorrectly formatted."));
    }
    return out;
  }
  const std::string type = d["type"].GetString();
  if (!authenticated_) {
    const bool ok = type == "auth" && d.HasMember("access_token") && d["access_token"].IsString() &&
                    d["access_token"].GetString() == token_;
    if (ok) {
      authenticated_ = true;
      out.messages.push_back(std::string(R"({"type":"auth_ok","ha_version":")") + kSimulatedHaVersion + "\"}");
    } else {
      out.messages.push_back(type == "auth"
                                 ? R"({"type":"auth_invalid","message":"Invalid access token or password"})"
                                 : R"({"type":"auth_invalid","message":"Auth message incorrectly formatted"})");
      out.close = true;
    }
    return out;
  }
  if (!d.HasMember("id") || !d["id"].IsInt64()) {
    out.messages.push_back(
        result(0, false, "invalid_format", "Message incorrectly formatted: required key not provided @ data['id']"));
    return out;
  }
  const long long id = d["id"].GetInt64();
  if (id <= last_id_) {
    out.messages.push_back(result(id, false, "id_reuse", "Identifier values have to increase."));
    return out;
  }
  last_id_ = id;
  if (type == "ping") {
    out.messages.push_back("{\"id\":" + std::to_string(id) + ",\"type\":\"pong\"}");
  } else if (type == "supported_features") {
    out.messages.push_back(result(id, true));
  } else if (type == "subscribe_events") {
    const std::string event_type =
        d.HasMember("event_type") && d["event_type"].IsString() ? d["event_type"].GetString() : "*";
    if (event_type == "state_changed" || event_type == "*") state_changed_subscriptions_.push_back(id);
    out.messages.push_back(result(id, true));
  } else if (type == "unsubscribe_events") {
    const long long sub =
        d.HasMember("subscription") && d["subscription"].IsInt64() ? d["subscription"].GetInt64() : -1;
    auto& v = state_changed_subscriptions_;
    auto& u = entity_subscriptions_;
    const bool found = std::find(v.begin(), v.end(), sub) != v.end() || std::find(u.begin(), u.end(), sub) != u.end();
    v.erase(std::remove(v.begin(), v.end(), sub), v.end());
    u.erase(std::remove(u.begin(), u.end(), sub), u.end());
    out.messages.push_back(found ? result(id, true) : result(id, false, "not_found", "Subscription not found."));
  } else if (type == "get_states") {
    out.messages.push_back(result(id, true, nullptr, {}, home_.all_states_json(now)));
  } else if (type == "subscribe_entities") {
    entity_subscriptions_.push_back(id);
    out.messages.push_back(result(id, true));
    out.messages.push_back(event_message(id, [&](Writer& w) {
      w.StartObject();
      w.Key("a");
      w.StartObject();
      for (const auto& s : home_.states_at(now)) {
        w.Key(s.entity->entity_id.c_str());
        compressed(w, home_, *s.entity, s.event, true);
      }
      w.EndObject();
      w.EndObject();
    }));
  } else if (type == "get_config") {
    out.messages.push_back(result(id, true, nullptr, {}, core_config_json(home_.house(), kSimulatedHaVersion)));
  } else if (type == "config/area_registry/list") {
    out.messages.push_back(result(id, true, nullptr, {}, area_registry_json(home_.house())));
  } else if (type == "config/device_registry/list") {
    out.messages.push_back(result(id, true, nullptr, {}, device_registry_json(home_.house())));
  } else if (type == "config/entity_registry/list") {
    out.messages.push_back(result(id, true, nullptr, {}, entity_registry_json(home_.house())));
  } else {
    out.messages.push_back(result(id, false, "unknown_command", "Unknown command."));
  }
  return out;
}

std::vector<std::string> HaWebSocketSession::on_change(const SimEvent& change, const SimEvent* old) {
  std::vector<std::string> out;
  if (!authenticated_) return out;
  const auto* e = home_.entity(change.entity_id);
  if (e == nullptr) return out;
  const auto old_json = old ? home_.state_json(*e, old) : std::string();
  const auto new_json = home_.state_json(*e, &change);
  for (long long id : state_changed_subscriptions_) {
    out.push_back(event_message(id, [&](Writer& w) {
      w.StartObject();
      w.Key("event_type");
      w.String("state_changed");
      w.Key("data");
      w.StartObject();
      w.Key("entity_id");
      w.String(e->entity_id.c_str());
      w.Key("old_state");
      if (old)
        w.RawValue(old_json.c_str(), old_json.size(), rapidjson::kObjectType);
      else
        w.Null();
      w.Key("new_state");
      w.RawValue(new_json.c_str(), new_json.size(), rapidjson::kObjectType);
      w.EndObject();
      w.Key("origin");
      w.String("LOCAL");
      w.Key("time_fired");
      w.String(format_ha_time(change.ts).c_str());
      w.Key("context");
      context(w, home_.context_id(&change));
      w.EndObject();
    }));
  }
  for (long long id : entity_subscriptions_) {
    out.push_back(event_message(id, [&](Writer& w) {  // HA's compressed diff: {"c": {id: {"+": ...}}}
      w.StartObject();
      w.Key("c");
      w.StartObject();
      w.Key(e->entity_id.c_str());
      w.StartObject();
      w.Key("+");
      compressed(w, home_, *e, &change, false);
      w.EndObject();
      w.EndObject();
      w.EndObject();
    }));
  }
  return out;
}

http::Response handle_rest(const HaHome& home, const std::string& token, const http::Request& req, Millis now,
                           RestFaults faults) {
  if (req.authorization != "Bearer " + token) {
    http::Response r{401, "text/plain; charset=utf-8", "401: Unauthorized", {}};
    return r;
  }
  if (req.method != "GET") return json_response(405, R"({"message":"Method not allowed."})");
  const std::string path = req.target.substr(0, req.target.find('?'));
  if (path == "/api/") return json_response(200, R"({"message":"API running."})");
  if (path == "/api/states") return json_response(200, home.all_states_json(now));
  const std::string prefix = "/api/history/period";
  if (path.rfind(prefix, 0) == 0) {
    const auto q = query_of(req.target);
    const auto filter = q.find("filter_entity_id");
    if (filter == q.end() || filter->second.empty())
      return json_response(400, R"({"message":"filter_entity_id is missing"})");
    Millis from = now - 24 * 60 * kMinute;
    if (path.size() > prefix.size() + 1) {
      const auto t = parse_ha_time(url_decode(path.substr(prefix.size() + 1)));
      if (!t) return json_response(400, R"({"message":"Invalid datetime"})");
      from = *t;
    }
    Millis to = from + 24 * 60 * kMinute;
    if (auto e = q.find("end_time"); e != q.end()) {
      const auto t = parse_ha_time(e->second);
      if (!t) return json_response(400, R"({"message":"Invalid end_time"})");
      to = *t;
    }
    to = std::min(to, now);  // the simulated future has not happened yet
    const bool minimal = q.count("minimal_response") > 0, no_attributes = q.count("no_attributes") > 0;
    std::string out = "[";
    std::string ids = filter->second;
    size_t pos = 0;
    bool first_entity = true;
    while (pos <= ids.size()) {
      const auto comma = ids.find(',', pos);
      const auto id = ids.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
      pos = comma == std::string::npos ? ids.size() + 1 : comma + 1;
      const auto* e = home.entity(id);
      if (e == nullptr || from > to) continue;
      const auto rows = home.history(id, from, to);
      if (rows.empty()) continue;
      out += first_entity ? "[" : ",[";
      first_entity = false;
      for (size_t i = 0; i < rows.size(); ++i) {
        if (i > 0) out += ',';
        if (i == 0 || !minimal) {
          out += home.state_json(*e, rows[i], !no_attributes);
        } else {
          out += std::string(R"({"state":")") + to_string(rows[i]->state) + R"(","last_changed":")" +
                 format_ha_time(rows[i]->ts) + "\"}";
        }
      }
      if (faults.bad_history_row) {
        out += R"(,{"state":"on","last_changed":"not a time"})";
        faults.bad_history_row = false;  // one per answer
      }
      out += "]";
    }
    return json_response(200, out + "]");
  }
  return json_response(404, R"({"message":"Not found"})");
}

}  // namespace occupancy::simulation
