#include "occupancy/setup/inventory_reader.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "occupancy/ingest/ha_protocol.hpp"

namespace occupancy::setup {
namespace {

std::string json_of(const rapidjson::Value& v) {
  rapidjson::StringBuffer b;
  rapidjson::Writer<rapidjson::StringBuffer> w(b);
  v.Accept(w);
  return b.GetString();
}

}  // namespace

const std::vector<std::string>& InventoryReader::commands() {
  static const std::vector<std::string> c{"config/area_registry/list", "config/device_registry/list",
                                          "config/entity_registry/list", "get_states", "get_config"};
  return c;
}

InventoryReader::Output InventoryReader::on_frame(std::string_view text) {
  Output out;
  rapidjson::Document d;
  d.Parse(text.data(), text.size());
  if (d.HasParseError() || !d.IsObject() || !d.HasMember("type") || !d["type"].IsString())
    throw InventoryError("Home Assistant sent a message that is not one of its API's");
  const std::string_view type = d["type"].GetString();
  if (type == "auth_required") {
    out.frames.push_back(ingest::auth_message(token_));
  } else if (type == "auth_invalid") {
    const auto* why = d.HasMember("message") && d["message"].IsString() ? d["message"].GetString() : "no reason given";
    throw InventoryError(std::string("Home Assistant refused the access token: ") + why);
  } else if (type == "auth_ok") {
    authenticated_ = true;
    long long id = 0;
    for (const auto& c : commands())
      out.frames.push_back("{\"id\":" + std::to_string(++id) + ",\"type\":\"" + c + "\"}");
  } else if (type == "result" && authenticated_) {
    if (!d.HasMember("id") || !d["id"].IsInt64()) throw InventoryError("a result without a numeric id");
    const long long id = d["id"].GetInt64();
    if (id < 1 || id > static_cast<long long>(commands().size())) return out;
    const auto& command = commands()[static_cast<size_t>(id - 1)];
    if (!d.HasMember("success") || !d["success"].IsBool() || !d["success"].GetBool()) {
      std::string why = "no reason given";
      if (d.HasMember("error") && d["error"].IsObject() && d["error"].HasMember("message") &&
          d["error"]["message"].IsString())
        why = d["error"]["message"].GetString();
      throw InventoryError(command + " failed: " + why + " (config/* commands need an administrator's token)");
    }
    if (!d.HasMember("result")) throw InventoryError(command + ": the result has no 'result'");
    results_[id] = json_of(d["result"]);
    if (results_.size() == commands().size()) {
      inventory_.areas = parse_areas(results_[1]);
      inventory_.devices = parse_devices(results_[2]);
      inventory_.entities = parse_entity_registry(results_[3]);
      inventory_.states = parse_states(results_[4]);
      inventory_.config = parse_core_config(results_[5]);
      out.done = true;
    }
  }
  return out;
}

}  // namespace occupancy::setup
