#include "occupancy/publishing/publisher_service.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "occupancy/contract/json.hpp"
#include "occupancy/contract/messages.hpp"
#include "occupancy/contract/refusal.hpp"
#include "occupancy/contract/topics.hpp"
#include "occupancy/publishing/ha_state.hpp"

namespace occupancy::publishing {

PublisherService::PublisherService(const config::House& house, const config::PublisherSettings& settings,
                                   std::string version, Millis started_at)
    : house_(house), settings_(settings), version_(std::move(version)), started_at_(started_at) {
  discovery_.home = house.home;
  discovery_.version = version_;
  discovery_.expire_after_s = settings.expire_after_s;
  discovery_.vacant_within_min = house.vacant_within_min;
  for (const auto service : contract::kServices)
    discovery_.status_topics.push_back(
        contract::format_topic(proto::channel::status, {{"home", house.home}, {"service", std::string(service)}}));
  for (const auto& room : house.rooms) {
    auto& kept = room_settings_[room.id].threshold_pct;
    for (const int h : room.horizons_min) kept[h] = settings.threshold_for(room.id);
  }
  band_.percent_points = settings.deadband_pct;
  band_.minutes = settings.deadband_min;
  band_.heartbeat = static_cast<Millis>(settings.heartbeat_min * kMinute);
}

Publication PublisherService::info() const {
  namespace f = proto::fields::info;
  rapidjson::Document d(rapidjson::kObjectType);
  auto& a = d.GetAllocator();
  rapidjson::Value rooms(rapidjson::kArrayType);
  for (const auto& r : house_.rooms) rooms.PushBack(contract::json_string(r.id, a), a);
  d.AddMember(rapidjson::StringRef(f::version), contract::json_string(version_, a), a);
  d.AddMember(rapidjson::StringRef(f::home), contract::json_string(house_.home, a), a);
  d.AddMember(rapidjson::StringRef(f::rooms), rooms, a);
  d.AddMember(rapidjson::StringRef(f::model_version),
              model_version_ ? contract::json_string(*model_version_, a) : rapidjson::Value(), a);
  d.AddMember(rapidjson::StringRef(f::started_at), contract::json_string(format_iso8601(started_at_), a), a);
  return {&proto::channel::info, {}, std::move(d)};
}

void PublisherService::discovery_all(Step& out) const {
  out.publish(proto::channel::ha_discovery, {{"device_id", hub_device_id(house_.home)}},
              hub_discovery_config(discovery_));
  for (const auto& room : house_.rooms) {
    auto settings = discovery_;
    settings.threshold_pct = settings_.threshold_for(room.id);
    const auto state_topic =
        contract::format_topic(proto::channel::ha_state, {{"home", house_.home}, {"room", room.id}});
    out.publish(proto::channel::ha_discovery, {{"device_id", device_id(house_.home, room.id)}},
                discovery_config(room, state_topic, settings));
  }
}

void PublisherService::state(Step& out, const std::string& room, const HaState& s) const {
  out.publish(proto::channel::ha_state, {{"room", room}}, contract::to_json(s));
}

void PublisherService::states_all(Step& out) const {
  for (const auto& [room, s] : published_) state(out, room, s);
}

void PublisherService::require_room(const std::string& room) const {
  if (house_.find_room(room) == nullptr)
    throw contract::Refusal("unknown_room", "/room", "room '" + room + "' is not in the home config");
}

void PublisherService::hub_state(Step& out, Millis now) const {
  out.publish(proto::channel::hub, {}, hub_state_json(dead_letters_, now));
}

Step PublisherService::on_connected(Millis now) {
  Step out;
  out.publications.push_back(info());
  discovery_all(out);
  states_all(out);
  hub_state(out, now);
  return out;
}

Step PublisherService::on_ha_status(std::string_view status, Millis now) {
  Step out;
  if (status != "online") return out;
  discovery_all(out);
  states_all(out);
  hub_state(out, now);
  return out;
}

Step PublisherService::on_dead_letter(const std::string& service, const std::string& reason, Millis now) {
  dead_letters_.expire(now);
  dead_letters_.add({service, reason, now});
  Step out;
  hub_state(out, now);
  return out;
}

Step PublisherService::on_tick(Millis now) {
  Step out;
  if (dead_letters_.expire(now)) hub_state(out, now);
  return out;
}

Step PublisherService::on_prediction(const Prediction& p, std::string_view topic_room) {
  require_room(p.room);
  contract::require_topic_room(topic_room, p.room);
  latest_->put(p);
  Step out;
  if (model_version_ != p.model_version) {
    model_version_ = p.model_version;
    out.publications.push_back(info());
  }
  auto s = to_ha_state(p);
  s.threshold_pct = room_settings_.at(p.room).threshold_pct;
  if (const auto g = open_gaps_.find(p.room); g != open_gaps_.end())
    s.problem_entities.assign(g->second.begin(), g->second.end());
  const auto it = published_.find(p.room);
  if (!should_publish(it == published_.end() ? std::nullopt : std::optional<HaState>(it->second), s, band_)) return out;
  published_[p.room] = s;
  state(out, p.room, s);
  return out;
}

Step PublisherService::on_gap(const Gap& g) {
  require_room(g.room);
  auto& open = open_gaps_[g.room];
  if (g.end)
    open.erase(g.entity_id);
  else
    open.insert(g.entity_id);
  Step out;
  const auto it = published_.find(g.room);
  if (it == published_.end()) return out;  // the room's first forecast will carry it
  std::vector<std::string> now(open.begin(), open.end());
  if (it->second.problem_entities == now) return out;
  it->second.problem_entities = std::move(now);
  state(out, g.room, it->second);
  return out;
}

Step PublisherService::resend_state(const std::string& room) {
  Step out;
  const auto it = published_.find(room);
  if (it == published_.end()) return out;  // the room's first forecast will carry them
  const auto& t = room_settings_.at(room).threshold_pct;
  if (it->second.threshold_pct == t) return out;
  it->second.threshold_pct = t;
  state(out, room, it->second);
  return out;
}

Step PublisherService::on_settings_seen(std::string_view room_id, const RoomSettings& kept) {
  const std::string room(room_id);
  if (house_.find_room(room) == nullptr) {  // kept for a room that left the config: removed
    Step out;
    out.clear_retained(proto::channel::settings, {{"room", room}});
    out.log(contract::LogLine::Level::info, "removed the kept settings of room '" + room + "' (no longer configured)");
    return out;
  }
  // A horizon the room no longer has keeps nothing; the next change rewrites the kept message.
  auto& s = room_settings_.at(room).threshold_pct;
  for (const auto& [h, t] : kept.threshold_pct)
    if (const auto it = s.find(h); it != s.end()) it->second = t;
  return resend_state(room);
}

Step PublisherService::on_settings_set(std::string_view room_id, const RoomSettings& change) {
  const std::string room(room_id);
  require_room(room);
  const auto& now = room_settings_.at(room).threshold_pct;
  for (const auto& [h, t] : change.threshold_pct)
    if (now.count(h) == 0)
      throw contract::Refusal("unknown_horizon", "/threshold_pct/" + std::to_string(h),
                              fmt::format("room '{}' has no {} min horizon (its horizons_min: {})", room, h,
                                          fmt::join(house_.find_room(room)->horizons_min, ", ")));
  auto out = on_settings_seen(room, change);
  out.publish(proto::channel::settings, {{"room", room}}, contract::to_json(room_settings_.at(room)));
  std::vector<std::string> parts;
  for (const auto& [h, t] : now) parts.push_back(fmt::format("{:g} % ({} min)", t, h));
  out.log(
      contract::LogLine::Level::info,
      fmt::format("{}: Expected occupied thresholds now {}, as set in Home Assistant", room, fmt::join(parts, ", ")));
  return out;
}

Step PublisherService::on_info_seen(const std::vector<std::string>& rooms) {
  Step out;
  for (const auto& room : rooms) {
    if (house_.find_room(room) != nullptr) continue;
    // A null payload clears the retained message: HA removes the device and its entities.
    out.clear_retained(proto::channel::ha_discovery, {{"device_id", device_id(house_.home, room)}});
    out.clear_retained(proto::channel::ha_state, {{"room", room}});
    out.clear_retained(proto::channel::settings, {{"room", room}});
  }
  return out;
}

}  // namespace occupancy::publishing
