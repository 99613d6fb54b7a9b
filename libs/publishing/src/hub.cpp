#include "occupancy/publishing/hub.hpp"

#include <vector>

#include "occupancy/contract/json.hpp"
#include "occupancy/contract/topics.hpp"
#include "occupancy/proto/contract.hpp"

namespace occupancy::publishing {
namespace {

using rapidjson::StringRef;
using rapidjson::Value;
using Alloc = rapidjson::Document::AllocatorType;

constexpr Millis kHour = 60 * kMinute;

using contract::json_string;

// One entity of the hub: the fields every one has, then its own.
Value entity(const std::string& home, const char* platform, const char* key, const std::string& name,
             const char* entity_category, Alloc& a) {
  Value e(rapidjson::kObjectType);
  e.AddMember("platform", StringRef(platform), a);
  e.AddMember("name", json_string(name, a), a);
  e.AddMember("unique_id", json_string(hub_device_id(home) + "_" + key, a), a);
  e.AddMember("default_entity_id", json_string(std::string(platform) + ".occupancy_" + home + "_" + key, a), a);
  e.AddMember("qos", 1, a);
  if (entity_category) e.AddMember("entity_category", StringRef(entity_category), a);
  return e;
}

}  // namespace

std::string hub_device_id(const std::string& home) { return "occupancy_" + home; }

rapidjson::Document hub_discovery_config(const DiscoverySettings& s) {
  rapidjson::Document d(rapidjson::kObjectType);
  auto& a = d.GetAllocator();
  const auto topic = [&](const proto::ChannelSpec& c, contract::Params p = {}) {
    p["home"] = s.home;
    return contract::format_topic(c, p);
  };

  // Unavailable in HA while `service` is offline (its retained status, its last will).
  const auto available_while = [&](Value& e, const std::string& service) {
    e.AddMember("availability_topic", json_string(topic(proto::channel::status, {{"service", service}}), a), a);
    e.AddMember("payload_available", "online", a);
    e.AddMember("payload_not_available", "offline", a);
  };

  add_device_and_origin(d, hub_device_id(s.home), "Occupancy predictor (" + s.home + ")", "Forecasting suite", s);
  Value cmps(rapidjson::kObjectType);
  // Connectivity per service, from the status it keeps retained (its last will says offline);
  // and the trainer service's, which answers Retrain now.
  std::vector<std::string_view> services(contract::kServices.begin(), contract::kServices.end());
  services.push_back(contract::kTrainer);
  for (const auto service : services) {
    const std::string key = std::string(service) + "_connected";
    std::string name(service);
    name[0] = static_cast<char>(name[0] - 'a' + 'A');
    auto e = entity(s.home, "binary_sensor", key.c_str(), name, "diagnostic", a);
    e.AddMember("state_topic", json_string(topic(proto::channel::status, {{"service", std::string(service)}}), a), a);
    e.AddMember("payload_on", "online", a);
    e.AddMember("payload_off", "offline", a);
    e.AddMember("device_class", "connectivity", a);
    cmps.AddMember(json_string(key, a), e, a);
  }
  // The registry as announced (retained): the active version, since when, the candidate.
  const auto model_topic = topic(proto::channel::model);
  namespace m = proto::fields::model;
  auto active = entity(s.home, "sensor", "active_model", "Active model", nullptr, a);
  active.AddMember("state_topic", json_string(model_topic, a), a);
  active.AddMember("value_template", json_string(std::string("{{ value_json.") + m::version + " }}", a), a);
  active.AddMember("json_attributes_topic", json_string(model_topic, a), a);
  active.AddMember("json_attributes_template",
                   json_string(std::string("{{ {'feature_set': value_json.") + m::feature_set +
                                   ", 'reason': value_json." + m::reason + " | default(none)} | tojson }}",
                               a),
                   a);
  active.AddMember("icon", "mdi:brain", a);
  cmps.AddMember("active_model", active, a);
  auto since = entity(s.home, "sensor", "model_active_since", "Model active since", "diagnostic", a);
  since.AddMember("state_topic", json_string(model_topic, a), a);
  since.AddMember("value_template", json_string(std::string("{{ value_json.") + m::activated_at + " }}", a), a);
  since.AddMember("device_class", "timestamp", a);
  cmps.AddMember("model_active_since", since, a);
  auto candidate = entity(s.home, "sensor", "candidate_model", "Candidate model", "diagnostic", a);
  candidate.AddMember("state_topic", json_string(model_topic, a), a);
  candidate.AddMember("value_template",
                      json_string(std::string("{{ value_json.") + m::candidate + " | default('none') }}", a), a);
  candidate.AddMember("icon", "mdi:brain", a);
  cmps.AddMember("candidate_model", candidate, a);
  // Counted by the publisher: unavailable while it is offline.
  const auto hub_topic = topic(proto::channel::hub);
  namespace h = proto::fields::hub;
  auto letters = entity(s.home, "sensor", "dead_letters", "Dead letters in the last hour", "diagnostic", a);
  letters.AddMember("state_topic", json_string(hub_topic, a), a);
  letters.AddMember("value_template", json_string(std::string("{{ value_json.") + h::dead_letters_last_hour + " }}", a),
                    a);
  letters.AddMember("json_attributes_topic", json_string(hub_topic, a), a);
  letters.AddMember(
      "json_attributes_template",
      json_string(std::string("{{ {'last': value_json.") + h::last_dead_letter + " | default(none)} | tojson }}", a),
      a);
  letters.AddMember("state_class", "measurement", a);
  letters.AddMember("icon", "mdi:email-alert", a);
  available_while(letters, "publisher");
  cmps.AddMember("dead_letters", letters, a);
  // Control, answered on response/<action> (docs/home-assistant.md) by the service named,
  // unavailable while it is offline: promote and roll back (the predictor), Retrain now (the
  // trainer: the daily timer's job, now).
  for (const auto& [key, name, action, icon, service] :
       {std::tuple{"promote_candidate", "Promote candidate", "promote", "mdi:arrow-up-bold-circle", "predictor"},
        std::tuple{"roll_back_model", "Roll back model", "rollback", "mdi:undo-variant", "predictor"},
        std::tuple{"retrain", "Retrain now", "retrain", "mdi:school", contract::kTrainer.data()}}) {
    auto b = entity(s.home, "button", key, name, "config", a);
    b.AddMember("command_topic", json_string(topic(proto::channel::request, {{"action", action}}), a), a);
    b.AddMember("payload_press", "{}", a);
    b.AddMember("icon", StringRef(icon), a);
    available_while(b, service);
    cmps.AddMember(StringRef(key), b, a);
  }
  d.AddMember("cmps", cmps, a);
  return d;
}

void DeadLetterWindow::add(Letter letter) {
  times_.push_back(letter.at);
  last_ = std::move(letter);
}

bool DeadLetterWindow::expire(Millis now) {
  const auto before = times_.size();
  while (!times_.empty() && times_.front() <= now - kHour) times_.pop_front();
  return times_.size() != before;
}

rapidjson::Document hub_state_json(const DeadLetterWindow& window, Millis now) {
  namespace h = proto::fields::hub;
  rapidjson::Document d(rapidjson::kObjectType);
  auto& a = d.GetAllocator();
  d.AddMember(StringRef(h::ts), json_string(format_iso8601(now), a), a);
  d.AddMember(StringRef(h::dead_letters_last_hour), static_cast<std::uint64_t>(window.count()), a);
  if (const auto& last = window.last()) {
    Value l(rapidjson::kObjectType);
    l.AddMember("service", json_string(last->service, a), a);
    l.AddMember("reason", json_string(last->reason, a), a);
    l.AddMember("at", json_string(format_iso8601(last->at), a), a);
    d.AddMember(StringRef(h::last_dead_letter), l, a);
  } else {
    d.AddMember(StringRef(h::last_dead_letter), Value(), a);
  }
  return d;
}

}  // namespace occupancy::publishing
