#pragma once
// The broker connection of a service (Paho MQTT C++ async client): MQTT 3.1.1 or 5 (falling
// back to 3.1.1 if the broker refuses 5) with a persistent session, automatic reconnect with backoff, resubscribe on
// every connect, last will `offline` and `online` on connect, QoS 1, and publish flow control
// that waits instead of throwing when too many messages are in flight; received messages wait
// in an InboundQueue (why it has no bound: inbound_queue.hpp).
#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "occupancy/config/connection.hpp"
#include "occupancy/config/home_config.hpp"
#include "occupancy/runtime/inbound_queue.hpp"
#include "occupancy/runtime/metrics.hpp"
#include "occupancy/runtime/router.hpp"
#include "occupancy/runtime/transport.hpp"

namespace occupancy::runtime {

struct MqttOptions {
  config::MqttEndpoint endpoint;
  std::string client_id;     // stable: the broker keeps the session under it
  std::string status_topic;  // retained online/offline, and the last will; empty: none (a one-shot job)
  std::vector<Subscription> subscriptions;
  size_t max_in_flight = 8;
  std::string protocol = "3.1.1";  // or "5" (see docs/architecture.md: Paho C++ 1.2 and MQTT 5)
  std::chrono::seconds session_expiry{24 * 3600};
  std::filesystem::path inbox;  // the InboundJournal; empty: none (a kill loses what is queued)
};

/// The broker connection of one role (a service name, "trainer", "replay"): the config's
/// endpoint with "{service}" in its user name replaced by the role (one user per service, see
/// `occupancy config acl`), client id occupancy-<home>-<role>, and the role's retained status
/// topic as its last will.
MqttOptions mqtt_options_for(const config::HomeConfig& config, std::string_view role);

class MqttClient : public Transport {
 public:
  MqttClient(MqttOptions options, Metrics& metrics);
  ~MqttClient() override;

  /// Connects, retrying with capped exponential backoff and jitter until connected or
  /// `stop` becomes true. Returns whether it connected.
  bool connect(const std::atomic<bool>& stop);
  bool connected() const { return connected_; }
  /// Once per (re)connection, on the service thread: resubscribes, publishes `online`, and
  /// returns true.
  bool take_new_connection();
  /// On the service thread: if the broker has closed every connection within seconds of it
  /// being made, three times in a row, starts a new Paho client, connects it and publishes
  /// again what the broker had not acknowledged (in order; counted). Returns whether it did.
  /// publish() does the same when it finds the connection flapping while it waits.
  bool recover_if_flapping(const std::atomic<bool>& stop);

  /// The next received message, or nullopt after `timeout`.
  std::optional<ReceivedMessage> next(std::chrono::milliseconds timeout);
  /// What the last run received and did not handle (from the inbox journal), oldest first.
  std::vector<ReceivedMessage> take_unfinished();
  /// `m` (from next() or take_unfinished()) was handled: the journal need not keep it.
  void handled(const ReceivedMessage& m);

  void publish(const std::string& topic, const std::string& payload, int qos, bool retain) override;

  /// Waits for in-flight publishes, publishes `offline`, disconnects cleanly.
  void shutdown();

 private:
  struct Impl;
  void renew_client(const std::atomic<bool>& stop);  // the inflight mutex held
  std::unique_ptr<Impl> impl_;
  std::atomic<bool> connected_{false};
};

}  // namespace occupancy::runtime
