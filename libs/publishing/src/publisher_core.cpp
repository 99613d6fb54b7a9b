#include "occupancy/publishing/publisher_core.hpp"

#include "occupancy/contract/json.hpp"
#include "occupancy/contract/messages.hpp"
#include "occupancy/contract/topics.hpp"
#include "occupancy/publishing/ha_state.hpp"

namespace occupancy::publishing {

PublisherCore::PublisherCore(const config::HomeConfig& config, std::string version, Millis started_at)
    : config_(config), version_(std::move(version)), started_at_(started_at) {
  discovery_.home = config.home;
  discovery_.version = version_;
  discovery_.expire_after_s = config.publisher.expire_after_s;
  for (const auto service : contract::kServices)
    discovery_.status_topics.push_back(
        contract::format_topic(proto::channel::status, {{"home", config.home}, {"service", std::string(service)}}));
  band_.percent_points = config.publisher.deadband_pct;
  band_.minutes = config.publisher.deadband_min;
  band_.heartbeat = static_cast<Millis>(config.publisher.heartbeat_min * kMinute);
}

Publication PublisherCore::info() const {
  namespace f = proto::fields::info;
  rapidjson::Document d(rapidjson::kObjectType);
  auto& a = d.GetAllocator();
  rapidjson::Value rooms(rapidjson::kArrayType);
  for (const auto& r : config_.rooms) rooms.PushBack(contract::json_string(r.id, a), a);
  d.AddMember(rapidjson::StringRef(f::version), contract::json_string(version_, a), a);
  d.AddMember(rapidjson::StringRef(f::home), contract::json_string(config_.home, a), a);
  d.AddMember(rapidjson::StringRef(f::rooms), rooms, a);
  d.AddMember(rapidjson::StringRef(f::model_version),
              model_version_ ? contract::json_string(*model_version_, a) : rapidjson::Value(), a);
  d.AddMember(rapidjson::StringRef(f::started_at), contract::json_string(format_iso8601(started_at_), a), a);
  return {&proto::channel::info, {}, std::move(d)};
}

std::vector<Publication> PublisherCore::discovery_all() const {
  std::vector<Publication> out;
  for (const auto& room : config_.rooms) {
    auto settings = discovery_;
    settings.threshold_pct = config_.publisher.threshold_for(room.id);
    const auto state_topic =
        contract::format_topic(proto::channel::ha_state, {{"home", config_.home}, {"room", room.id}});
    out.push_back({&proto::channel::ha_discovery,
                   {{"device_id", device_id(config_.home, room.id)}},
                   discovery_config(room, state_topic, settings)});
  }
  return out;
}

Publication PublisherCore::state(const std::string& room, const HaState& s) const {
  return {&proto::channel::ha_state, {{"room", room}}, contract::to_json(s)};
}

std::vector<Publication> PublisherCore::states_all() const {
  std::vector<Publication> out;
  for (const auto& [room, s] : published_) out.push_back(state(room, s));
  return out;
}

std::vector<Publication> PublisherCore::on_connected() {
  std::vector<Publication> out;
  out.push_back(info());
  for (auto& p : discovery_all()) out.push_back(std::move(p));
  for (auto& p : states_all()) out.push_back(std::move(p));
  return out;
}

std::vector<Publication> PublisherCore::on_ha_status(std::string_view status) {
  if (status != "online") return {};
  auto out = discovery_all();
  for (auto& p : states_all()) out.push_back(std::move(p));
  return out;
}

std::vector<Publication> PublisherCore::on_prediction(const Prediction& p) {
  std::vector<Publication> out;
  if (model_version_ != p.model_version) {
    model_version_ = p.model_version;
    out.push_back(info());
  }
  auto s = to_ha_state(p);
  if (const auto g = open_gaps_.find(p.room); g != open_gaps_.end())
    s.problem_entities.assign(g->second.begin(), g->second.end());
  const auto it = published_.find(p.room);
  if (!should_publish(it == published_.end() ? std::nullopt : std::optional<HaState>(it->second), s, band_)) return out;
  published_[p.room] = s;
  out.push_back(state(p.room, s));
  return out;
}

std::vector<Publication> PublisherCore::on_gap(const Gap& g) {
  auto& open = open_gaps_[g.room];
  if (g.end)
    open.erase(g.entity_id);
  else
    open.insert(g.entity_id);
  const auto it = published_.find(g.room);
  if (it == published_.end()) return {};  // the room's first forecast will carry it
  std::vector<std::string> now(open.begin(), open.end());
  if (it->second.problem_entities == now) return {};
  it->second.problem_entities = std::move(now);
  std::vector<Publication> out;
  out.push_back(state(g.room, it->second));
  return out;
}

std::vector<Publication> PublisherCore::on_info_seen(const std::vector<std::string>& rooms) {
  std::vector<Publication> out;
  for (const auto& room : rooms) {
    if (config_.find_room(room) != nullptr) continue;
    // A null payload clears the retained message: HA removes the device and its entities.
    out.push_back(
        {&proto::channel::ha_discovery, {{"device_id", device_id(config_.home, room)}}, rapidjson::Document()});
    out.push_back({&proto::channel::ha_state, {{"room", room}}, rapidjson::Document()});
  }
  return out;
}

}  // namespace occupancy::publishing
