#pragma once
// The protocol core of every service: validates what arrives against the contract, hands
// it to the service's handler, sends refusals to the dead-letter topic, and validates and
// counts what the service publishes. No I/O of its own (the Transport is injected).
#include <rapidjson/document.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "occupancy/contract/refusal.hpp"
#include "occupancy/contract/topics.hpp"
#include "occupancy/contract/validator.hpp"
#include "occupancy/core/event_time.hpp"
#include "occupancy/runtime/metrics.hpp"
#include "occupancy/runtime/transport.hpp"

namespace occupancy::runtime {

/// A message that passed schema validation.
struct Inbound {
  const proto::ChannelSpec& channel;
  const contract::Params& params;  // placeholders of the topic (home, room, ...)
  const rapidjson::Document& doc;
  std::string_view topic;
};

/// Thrown by a handler for a valid-looking message it still cannot accept (an unknown room,
/// a reading of an unconfigured entity, ...): the message goes to the dead-letter topic.
using contract::Refusal;

struct Subscription {
  std::string filter;
  int qos;
};

class Router {
 public:
  using Handler = std::function<void(const Inbound&)>;

  /// `base` fills the placeholders every topic of this suite shares (home, discovery_prefix).
  Router(std::string service, contract::Params base, Transport& transport, Metrics& metrics);

  /// Subscribes `handler` to a channel; placeholders not in `base` match any value.
  void on(const proto::ChannelSpec& channel, Handler handler);
  std::vector<Subscription> subscriptions() const;

  /// Validates one received message and runs its handler, or dead-letters it. Never throws.
  void dispatch(std::string_view topic, std::string_view payload);

  /// Publishes on a channel; `params` adds to the base placeholders. The payload is checked
  /// against the channel's schema first: an invalid one is logged, counted and not sent.
  bool publish(const proto::ChannelSpec& channel, const contract::Params& params, const rapidjson::Value& payload);
  bool publish_text(const proto::ChannelSpec& channel, const contract::Params& params, std::string_view text);
  /// An empty retained payload (removes a retained message, e.g. an HA discovery config).
  void clear_retained(const proto::ChannelSpec& channel, const contract::Params& params);

  void dead_letter(std::string_view topic, std::string_view payload, const contract::ValidationError& error);

  /// From now on, a message on a non-retained channel whose "ts" the guard refuses goes to the
  /// dead-letter topic (keyword "event_time"). Retained channels carry the last known state,
  /// which may rightly be old.
  void guard_event_time(EventTimeGuard guard) { time_guard_.emplace(std::move(guard)); }
  /// Payloads over these limits go to the dead-letter topic before any parser sees them.
  void limit_payloads(contract::PayloadLimits limits) { limits_ = limits; }

  const std::string& service() const { return service_; }
  const contract::Params& base() const { return base_; }
  std::string topic(const proto::ChannelSpec& channel, const contract::Params& params = {}) const;

  static constexpr size_t kDeadLetterPayloadLimit = 1024;

 private:
  struct Route {
    const proto::ChannelSpec* channel;
    Handler handler;
  };
  std::string service_;
  contract::Params base_;
  Transport& transport_;
  Metrics& metrics_;
  std::vector<Route> routes_;
  std::optional<EventTimeGuard> time_guard_;
  contract::PayloadLimits limits_;
};

}  // namespace occupancy::runtime
