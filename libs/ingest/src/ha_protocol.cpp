#include "occupancy/ingest/ha_protocol.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <stdexcept>

namespace occupancy::ingest {
namespace {

std::string url_encode(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string ha_time(Millis t) {
  auto s = format_iso8601(t);
  s.pop_back();
  return s + "+00:00";
}

std::optional<StateChange> change_of(const rapidjson::Value& state, std::string_view entity_fallback) {
  if (!state.IsObject()) return std::nullopt;
  const auto st = state.FindMember("state"), lc = state.FindMember("last_changed");
  if (st == state.MemberEnd() || !st->value.IsString() || lc == state.MemberEnd() || !lc->value.IsString())
    return std::nullopt;
  const auto t = parse_ha_time(lc->value.GetString());
  if (!t) return std::nullopt;
  const auto id = state.FindMember("entity_id");
  std::string entity =
      id != state.MemberEnd() && id->value.IsString() ? id->value.GetString() : std::string(entity_fallback);
  return StateChange{std::move(entity), st->value.GetString(), *t};
}

}  // namespace

std::optional<Millis> parse_ha_time(std::string_view text) { return parse_iso8601(text); }

HaMessage parse_ha_message(std::string_view text) {
  HaMessage m;
  rapidjson::Document d;
  if (d.Parse(text.data(), text.size()).HasParseError() || !d.IsObject() || !d.HasMember("type") ||
      !d["type"].IsString()) {
    m.kind = HaMessage::Kind::malformed;
    m.error = "not a Home Assistant message: " + std::string(text.substr(0, 80));
    return m;
  }
  const std::string type = d["type"].GetString();
  if (d.HasMember("id") && d["id"].IsInt64()) m.id = d["id"].GetInt64();
  if (type == "auth_required") {
    m.kind = HaMessage::Kind::auth_required;
  } else if (type == "auth_ok") {
    m.kind = HaMessage::Kind::auth_ok;
  } else if (type == "auth_invalid") {
    m.kind = HaMessage::Kind::auth_invalid;
    m.error = d.HasMember("message") && d["message"].IsString() ? d["message"].GetString() : "auth_invalid";
  } else if (type == "result") {
    m.kind = HaMessage::Kind::result;
    m.success = d.HasMember("success") && d["success"].IsBool() && d["success"].GetBool();
    if (!m.success && d.HasMember("error") && d["error"].IsObject() && d["error"].HasMember("message") &&
        d["error"]["message"].IsString())
      m.error = d["error"]["message"].GetString();
  } else if (type == "pong") {
    m.kind = HaMessage::Kind::pong;
  } else if (type == "event") {
    m.kind = HaMessage::Kind::event;
    if (d.HasMember("event") && d["event"].IsObject() && d["event"].HasMember("data") &&
        d["event"]["data"].IsObject()) {
      const auto& data = d["event"]["data"];
      const std::string entity =
          data.HasMember("entity_id") && data["entity_id"].IsString() ? data["entity_id"].GetString() : "";
      if (data.HasMember("new_state")) m.change = change_of(data["new_state"], entity);
    }
  }
  return m;
}

std::string auth_message(const std::string& token) {
  rapidjson::StringBuffer b;
  rapidjson::Writer<rapidjson::StringBuffer> w(b);
  w.StartObject();
  w.Key("type");
  w.String("auth");
  w.Key("access_token");
  w.String(token.c_str());
  w.EndObject();
  return b.GetString();
}

std::string state_change_json(const StateChange& change) {
  rapidjson::StringBuffer b;
  rapidjson::Writer<rapidjson::StringBuffer> w(b);
  w.StartObject();
  w.Key("entity_id");
  w.String(change.entity_id.c_str(), static_cast<rapidjson::SizeType>(change.entity_id.size()));
  w.Key("state");
  w.String(change.state.c_str(), static_cast<rapidjson::SizeType>(change.state.size()));
  w.Key("last_changed");
  w.String(ha_time(change.last_changed).c_str());
  w.EndObject();
  return b.GetString();
}

std::string subscribe_state_changed(long long id) {
  return "{\"id\":" + std::to_string(id) + ",\"type\":\"subscribe_events\",\"event_type\":\"state_changed\"}";
}

std::string ping_message(long long id) { return "{\"id\":" + std::to_string(id) + ",\"type\":\"ping\"}"; }

std::string history_target(Millis start, Millis end, const std::vector<std::string>& entity_ids) {
  std::string ids;
  for (const auto& e : entity_ids) ids += (ids.empty() ? "" : ",") + e;
  return "/api/history/period/" + url_encode(ha_time(start)) + "?filter_entity_id=" + url_encode(ids) +
         "&end_time=" + url_encode(ha_time(end)) + "&minimal_response&no_attributes&significant_changes_only=0";
}

HistoryRows parse_history(std::string_view body) {
  rapidjson::Document d;
  if (d.Parse(body.data(), body.size()).HasParseError() || !d.IsArray())
    throw std::runtime_error("history response is not a JSON array");
  HistoryRows out;
  std::size_t list = 0;
  for (const auto& entity_rows : d.GetArray()) {
    ++list;
    if (!entity_rows.IsArray()) {
      out.skipped.push_back("entity " + std::to_string(list) + ": not a list of states");
      continue;
    }
    std::string entity;
    std::size_t row_no = 0;
    for (const auto& row : entity_rows.GetArray()) {
      ++row_no;
      const auto where = "entity " + std::to_string(list) + ", row " + std::to_string(row_no) + ": ";
      auto c = change_of(row, entity);
      if (!c) {
        out.skipped.push_back(where + "no state or no valid last_changed");
        continue;
      }
      if (c->entity_id.empty()) {  // minimal rows name their entity only in the list's first row
        out.skipped.push_back(where + "no entity_id before it in the list");
        continue;
      }
      entity = c->entity_id;
      out.changes.push_back(std::move(*c));
    }
  }
  return out;
}

std::vector<StateChange> parse_states(std::string_view body) {
  rapidjson::Document d;
  if (d.Parse(body.data(), body.size()).HasParseError() || !d.IsArray())
    throw std::runtime_error("states response is not a JSON array");
  std::vector<StateChange> out;
  for (const auto& s : d.GetArray())
    if (auto c = change_of(s, ""); c && !c->entity_id.empty()) out.push_back(std::move(*c));
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.last_changed < b.last_changed; });
  return out;
}

}  // namespace occupancy::ingest
