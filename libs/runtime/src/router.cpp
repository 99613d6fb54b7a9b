#include "occupancy/runtime/router.hpp"

#include <spdlog/spdlog.h>

#include "occupancy/contract/json.hpp"
#include "occupancy/core/time.hpp"
#include "occupancy/core/utf8.hpp"
#include "occupancy/runtime/logging.hpp"

namespace occupancy::runtime {

namespace dl = proto::fields::dead_letter;

namespace {

// The trace id a message names: its own, or its reading's (a rejection); empty if none. Every
// channel that carries one names it `trace_id` (the contract's schemas).
std::string_view trace_id_in(const rapidjson::Value& doc) {
  if (!doc.IsObject()) return {};
  const rapidjson::Value* at = &doc;
  if (const auto r = doc.FindMember(proto::fields::rejected::reading); r != doc.MemberEnd() && r->value.IsObject())
    at = &r->value;
  const auto t = at->FindMember(proto::fields::reading::trace_id);
  if (t == at->MemberEnd() || !t->value.IsString()) return {};
  return {t->value.GetString(), t->value.GetStringLength()};
}

}  // namespace

Router::Router(std::string service, contract::Params base, Transport& transport, Metrics& metrics)
    : service_(std::move(service)), base_(std::move(base)), transport_(transport), metrics_(metrics) {}

void Router::on(const proto::ChannelSpec& channel, Handler handler) {
  routes_.push_back({&channel, std::move(handler)});
}

std::vector<Subscription> Router::subscriptions() const {
  std::vector<Subscription> out;
  for (const auto& r : routes_) out.push_back({contract::subscription_filter(*r.channel, base_), r.channel->qos});
  return out;
}

std::string Router::topic(const proto::ChannelSpec& channel, const contract::Params& params) const {
  contract::Params all = base_;
  for (const auto& [k, v] : params) all[k] = v;
  return contract::format_topic(channel, all);
}

void Router::dispatch(std::string_view topic, std::string_view payload) {
  for (const auto& route : routes_) {
    auto params = contract::match_topic(*route.channel, topic);
    if (!params) continue;
    bool ours = true;
    for (const auto& [k, v] : base_)
      if (auto it = params->find(k); it != params->end() && it->second != v) ours = false;
    if (!ours) continue;

    const std::string channel_id(route.channel->id);
    metrics_.add("occupancy_messages_in_total", {{"channel", channel_id}});
    // An empty retained message is MQTT's way of deleting one, not a payload.
    if (payload.empty() && route.channel->retain) return;
    auto parsed = contract::validator().parse(*route.channel, payload, limits_);
    if (auto* error = std::get_if<contract::ValidationError>(&parsed)) {
      dead_letter(topic, payload, *error);
      return;
    }
    const auto& doc = std::get<rapidjson::Document>(parsed);
    if (time_guard_ && !route.channel->retain && doc.IsObject())
      // Every time-carrying payload names its time as the clock's does.
      if (const auto ts = doc.FindMember(proto::fields::clock::ts); ts != doc.MemberEnd() && ts->value.IsString())
        if (const auto t = parse_iso8601(ts->value.GetString()))
          if (auto why = time_guard_->check(*t)) {
            dead_letter(topic, payload, {"event_time", "/ts", *why});
            return;
          }
    try {
      const TraceScope trace(trace_id_in(doc));  // what the handler logs names the change it handles
      route.handler(Inbound{*route.channel, *params, doc, topic});
    } catch (const Refusal& r) {
      dead_letter(topic, payload, {r.keyword(), r.pointer(), r.what()});
    } catch (const std::exception& e) {
      metrics_.add("occupancy_errors_total", {{"kind", "handler"}});
      dead_letter(topic, payload, {"handler", "", std::string("handler failed: ") + e.what()});
    } catch (...) {  // nothing a handler throws may end the process
      metrics_.add("occupancy_errors_total", {{"kind", "handler"}});
      dead_letter(topic, payload, {"handler", "", "handler failed with a non-standard exception"});
    }
    return;
  }
  dead_letter(topic, payload, {"unknown_topic", "", "no channel of this service matches the topic"});
}

bool Router::publish(const proto::ChannelSpec& channel, const contract::Params& params,
                     const rapidjson::Value& payload) {
  if (auto error = contract::validator().check(channel.schema_file, payload)) {
    metrics_.add("occupancy_errors_total", {{"kind", "invalid_outgoing"}});
    spdlog::error("not publishing an invalid {} message: {}", channel.id, error->message);
    return false;
  }
  const auto text =
      payload.IsString() ? std::string(payload.GetString(), payload.GetStringLength()) : contract::to_json(payload);
  const auto to = topic(channel, params);
  transport_.publish(to, text, channel.qos, channel.retain);
  metrics_.add("occupancy_messages_out_total", {{"channel", std::string(channel.id)}});
  // At debug, each hop of a sensor change is one line naming its trace id (docs/operations.md).
  if (spdlog::should_log(spdlog::level::debug))
    if (const auto id = trace_id_in(payload); !id.empty()) {
      const TraceScope trace(id);
      spdlog::debug("published {}", to);
    }
  return true;
}

bool Router::publish_text(const proto::ChannelSpec& channel, const contract::Params& params, std::string_view text) {
  rapidjson::Value v(rapidjson::StringRef(text.data(), text.size()));
  return publish(channel, params, v);
}

void Router::clear_retained(const proto::ChannelSpec& channel, const contract::Params& params) {
  transport_.publish(topic(channel, params), "", channel.qos, true);
  metrics_.add("occupancy_messages_out_total", {{"channel", std::string(channel.id)}});
}

void Router::dead_letter(std::string_view topic, std::string_view payload, const contract::ValidationError& error) {
  metrics_.add("occupancy_dead_letters_total", {{"reason", error.keyword}});
  spdlog::warn("dead letter from {}: {} ({})", topic, error.message, error.keyword);
  rapidjson::Document d(rapidjson::kObjectType);
  auto& a = d.GetAllocator();
  const bool truncated = payload.size() > kDeadLetterPayloadLimit;
  auto shown = payload.substr(0, kDeadLetterPayloadLimit);
  while (truncated && !shown.empty() && (static_cast<unsigned char>(shown.back()) & 0xC0) == 0x80)
    shown.remove_suffix(1);
  rapidjson::Value err(rapidjson::kObjectType);
  err.AddMember(rapidjson::StringRef(dl::keyword), contract::json_string(error.keyword, a), a);
  err.AddMember(rapidjson::StringRef(dl::pointer), contract::json_string(error.pointer, a), a);
  err.AddMember(rapidjson::StringRef(dl::message), contract::json_string(error.message, a), a);
  d.AddMember(rapidjson::StringRef(dl::service), contract::json_string(service_, a), a);
  // What was refused may not be valid UTF-8 (that may be why): shown with U+FFFD in its place.
  d.AddMember(rapidjson::StringRef(dl::topic), contract::json_string(to_valid_utf8(topic), a), a);
  d.AddMember(rapidjson::StringRef(dl::payload), contract::json_string(to_valid_utf8(shown), a), a);
  d.AddMember(rapidjson::StringRef(dl::truncated), truncated, a);
  d.AddMember(rapidjson::StringRef(dl::error), err, a);
  d.AddMember(rapidjson::StringRef(dl::received_at), contract::json_string(format_iso8601(wall_clock_now()), a), a);
  publish(proto::channel::dlq, {{"service", service_}}, d);
}

}  // namespace occupancy::runtime
