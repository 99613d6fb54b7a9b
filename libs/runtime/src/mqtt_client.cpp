#include "occupancy/runtime/mqtt_client.hpp"

#include <mqtt/async_client.h>
#include <spdlog/spdlog.h>

#include <deque>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "occupancy/contract/topics.hpp"
#include "occupancy/proto/contract.hpp"
#include "occupancy/runtime/inbound_journal.hpp"

namespace occupancy::runtime {
namespace {

long long steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
constexpr long long kQuickLossMs = 15000;  // a connection lost this soon after connecting counts as a flap
constexpr int kFlapsBeforeNewClient = 3;

}  // namespace

struct MqttClient::Impl {
  MqttOptions options;
  Metrics& metrics;
  std::optional<mqtt::connect_options> conn_opts;  // must outlive `client`
  std::unique_ptr<mqtt::async_client> client;
  int version;
  std::atomic<unsigned> connections{0};
  unsigned handled_connections = 0;
  unsigned failed_connection = 0;           // the last connection whose resubscribe failed (logged once)
  std::atomic<long long> connected_at{0};   // steady ms of the last connect
  std::atomic<int> quick_losses{0};         // connections lost within seconds of being made, in a row
  const std::atomic<bool>* stop = nullptr;  // connect()'s, for a renewal from publish()
  bool flapping() const { return quick_losses.load() >= kFlapsBeforeNewClient; }
  std::mutex inflight_mutex;
  std::deque<mqtt::delivery_token_ptr> inflight;
  // Journaled messages handled, waiting for what their handling published to be acknowledged
  // by the broker (a kill before then would lose those publications with Paho's memory): the
  // last delivery published when they were handled, and how many messages that covers.
  mqtt::delivery_token_ptr last_delivery;
  std::deque<std::pair<mqtt::delivery_token_ptr, std::size_t>> awaiting;

  // What waited on a delivery published again now waits on the new one.
  void replace_deliveries(const std::map<const mqtt::delivery_token*, mqtt::delivery_token_ptr>& replaced) {
    const auto remap = [&](mqtt::delivery_token_ptr& t) {
      if (const auto it = t ? replaced.find(t.get()) : replaced.end(); it != replaced.end()) t = it->second;
    };
    for (auto& w : awaiting) remap(w.first);
    remap(last_delivery);
  }

  // A delivery Paho failed (the connection dropped while the publish was being written) is
  // published again: QoS 1 allows a duplicate, not a loss. One the broker refused (an MQTT 5
  // reason code) is not: it would be refused again. The inflight mutex held.
  void republish_failed() {
    std::map<const mqtt::delivery_token*, mqtt::delivery_token_ptr> replaced;
    for (auto& t : inflight) {
      if (!t->is_complete() || t->get_return_code() == MQTTASYNC_SUCCESS) continue;
      if (static_cast<int>(t->get_reason_code()) >= 0x80) {  // stays complete: popped, counted
        metrics.add("occupancy_errors_total", {{"kind", "publish_refused"}});
        spdlog::error("the broker refused a publish to {} (reason {})", t->get_message()->get_topic(),
                      static_cast<int>(t->get_reason_code()));
        continue;
      }
      auto again = client->publish(t->get_message());
      replaced[t.get()] = again;
      metrics.add("occupancy_mqtt_republished_total", {});
      t = std::move(again);
    }
    if (!replaced.empty()) replace_deliveries(replaced);
  }

  // Publishes again what failed, then forgets the deliveries finished at the front.
  void drop_finished() {
    republish_failed();
    while (!inflight.empty() && inflight.front()->is_complete()) inflight.pop_front();
  }

  // Marks handled in the journal the messages whose publications the broker has acknowledged.
  void settle_journal() {
    if (!journal) return;
    try {
      while (!awaiting.empty() && (!awaiting.front().first || awaiting.front().first->is_complete())) {
        for (std::size_t i = 0; i < awaiting.front().second; ++i) journal->handled();
        awaiting.pop_front();
      }
    } catch (const std::exception& e) {
      metrics.add("occupancy_errors_total", {{"kind", "journal"}});
      spdlog::error("{}", e.what());
    }
  }
  InboundQueue inbound;
  std::unique_ptr<InboundJournal> journal;

  Impl(MqttOptions o, Metrics& m)
      : options(std::move(o)), metrics(m), version(options.protocol == "5" ? MQTTVERSION_5 : MQTTVERSION_3_1_1) {
    if (options.inbox.empty()) return;
    try {
      journal = std::make_unique<InboundJournal>(options.inbox);
    } catch (const std::exception& e) {
      spdlog::warn("{}: received messages are not journaled (a kill loses what is queued)", e.what());
    }
  }

  void create(std::atomic<bool>& connected) {
    client.reset();
    build_connect_options();
    // The handlers must exist before connect (Paho's rule).
    client = std::make_unique<mqtt::async_client>(options.endpoint.server_uri, options.client_id,
                                                  mqtt::create_options_builder()
                                                      .mqtt_version(version)
                                                      .max_buffered_messages(100000)
                                                      .send_while_disconnected(true, false)
                                                      .finalize());
    // Only flags the connection: subscribing and publishing happen on the service thread
    // (Paho C++ 1.2 can lose delivery completions when two threads publish, paho.mqtt.cpp#499).
    client->set_connected_handler([this, &connected](const std::string&) {
      connected_at = steady_ms();
      connected = true;
      ++connections;
      metrics.set("occupancy_mqtt_connected", {}, 1);
    });
    client->set_connection_lost_handler([this, &connected](const std::string& cause) {
      connected = false;
      if (steady_ms() - connected_at < kQuickLossMs)
        ++quick_losses;
      else
        quick_losses = 0;
      metrics.set("occupancy_mqtt_connected", {}, 0);
      metrics.add("occupancy_errors_total", {{"kind", "connection_lost"}});
      spdlog::warn("lost the broker connection{}{}; reconnecting", cause.empty() ? "" : ": ", cause);
    });
    // Runs on Paho's receive thread, inside Paho's mutex: must not wait (inbound_queue.hpp).
    client->set_message_callback([this](mqtt::const_message_ptr m) {
      try {  // an exception here would unwind into Paho's C thread and end the process
        ReceivedMessage received{m->get_topic(), m->to_string(), m->is_retained(), false};
        if (journal) try {
            journal->append(received);
            received.journaled = true;
          } catch (const std::exception& e) {  // the disk is full: delivered all the same, not journaled
            metrics.add("occupancy_errors_total", {{"kind", "journal"}});
            spdlog::error("{}", e.what());
          }
        inbound.push(std::move(received));
      } catch (const std::exception& e) {
        metrics.add("occupancy_errors_total", {{"kind", "receive"}});
        spdlog::error("a received message on {} was lost: {}", m->get_topic(), e.what());
      }
    });
  }

  // Paho C++ 1.2 copies connect_options without re-pointing the C struct at the copy's
  // properties (eclipse-paho/paho.mqtt.cpp#444, fixed in 1.3): build them in place, once per
  // client, in an object that outlives the client (it is declared before it).
  void build_connect_options() {
    auto& o = conn_opts.emplace();
    o.set_mqtt_version(version);
    o.set_keep_alive_interval(std::chrono::seconds(20));
    o.set_connect_timeout(std::chrono::seconds(5));
    o.set_automatic_reconnect(std::chrono::seconds(1), std::chrono::seconds(30));
    if (!options.status_topic.empty())
      o.set_will(mqtt::will_options(options.status_topic, std::string("offline"), 1, true));
    if (version == MQTTVERSION_5) {
      o.set_clean_start(false);
      o.set_properties(mqtt::properties{
          mqtt::property(mqtt::property::SESSION_EXPIRY_INTERVAL, static_cast<int>(options.session_expiry.count()))});
    } else {
      o.set_clean_session(false);
    }
    if (!options.endpoint.username.empty()) o.set_user_name(options.endpoint.username);
    if (!options.endpoint.password.empty()) o.set_password(options.endpoint.password.reveal());
    if (options.endpoint.tls()) {
      const auto& ep = options.endpoint;
      auto ssl = mqtt::ssl_options_builder()
                     .enable_server_cert_auth(true)  // the certificate chain...
                     .verify(true)                   // ...and the host name are checked
                     .error_handler([this](const std::string& why) {
                       std::lock_guard lock(tls_mutex);
                       tls_error = why;  // OpenSSL's reason, for the retry message
                     })
                     .finalize();
      if (ep.ca_file.empty())
        ssl.ca_path("/etc/ssl/certs");  // the system's CA store
      else
        ssl.set_trust_store(ep.ca_file);  // only this CA: a private broker's
      if (!ep.cert_file.empty()) ssl.set_key_store(ep.cert_file);
      if (!ep.key_file.empty()) ssl.set_private_key(ep.key_file);
      o.set_ssl(std::move(ssl));
    }
  }

  std::string take_tls_error() {
    std::lock_guard lock(tls_mutex);
    return std::exchange(tls_error, {});
  }
  std::mutex tls_mutex;
  std::string tls_error;
};

MqttClient::MqttClient(MqttOptions options, Metrics& metrics)
    : impl_(std::make_unique<Impl>(std::move(options), metrics)) {
  impl_->create(connected_);
}

MqttClient::~MqttClient() {
  try {
    if (impl_->client && impl_->client->is_connected()) impl_->client->disconnect()->wait();
  } catch (const std::exception&) {
  }
}

bool MqttClient::connect(const std::atomic<bool>& stop) {
  impl_->stop = &stop;
  std::mt19937 rng(std::random_device{}());
  auto backoff = std::chrono::milliseconds(500);
  const auto cap = std::chrono::milliseconds(30000);
  while (!stop) {
    try {
      const unsigned before = impl_->connections.load();
      impl_->client->connect(*impl_->conn_opts)->wait();
      // Paho runs the connected handler on its own thread, possibly after wait() returned: a
      // caller's take_new_connection() must find this connection counted, or it would not
      // subscribe (a replay then ran unpaced, not hearing the predictor).
      for (int i = 0; i < 500 && impl_->connections.load() == before; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      return true;
    } catch (const mqtt::exception& e) {
      // An MQTT 3.1.1 broker answers CONNACK 1 ("unacceptable protocol version"); a 5 one 0x84.
      constexpr int kConnackUnacceptableVersion = 1;
      const bool version_refused = e.get_return_code() == kConnackUnacceptableVersion ||
                                   e.get_reason_code() == mqtt::ReasonCode::UNSUPPORTED_PROTOCOL_VERSION;
      if (version_refused && impl_->version == MQTTVERSION_5) {
        spdlog::warn("broker refused MQTT 5; using MQTT 3.1.1");
        impl_->version = MQTTVERSION_3_1_1;
        impl_->create(connected_);
        continue;
      }
      // Jitter spreads the reconnects of five services restarted together.
      const auto wait =
          std::chrono::milliseconds(std::uniform_int_distribution<long>(backoff.count() / 2, backoff.count())(rng));
      const auto tls = impl_->take_tls_error();
      spdlog::warn("cannot connect to {}: {}{}{}; retrying in {} ms", impl_->options.endpoint.display, e.what(),
                   tls.empty() ? "" : ": TLS: ", tls, wait.count());
      for (auto slept = std::chrono::milliseconds(0); slept < wait && !stop; slept += std::chrono::milliseconds(100))
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      backoff = std::min(cap, backoff * 2);
    }
  }
  return false;
}

bool MqttClient::recover_if_flapping(const std::atomic<bool>& stop) {
  if (!impl_->flapping()) return false;
  std::lock_guard lock(impl_->inflight_mutex);
  renew_client(stop);
  return true;
}

void MqttClient::renew_client(const std::atomic<bool>& stop) {
  // After a broker restart with persistence, Paho C 1.3 resending its in-flight publishes was
  // seen to be refused by Mosquitto 2.0 as a malformed packet on every reconnect, for ever
  // (docs/benchmarks.md, the broker fault test). A new client has no in-flight state; the
  // session on the broker (clean session off) and what it queued for us stay. What the old
  // client held unacknowledged is published again by the new one (QoS 1: a duplicate is
  // allowed, a loss is not).
  auto& impl = *impl_;
  std::vector<std::pair<mqtt::delivery_token_ptr, mqtt::const_message_ptr>> unacked;
  for (const auto& t : impl.inflight)
    if (!t->is_complete() || t->get_return_code() != MQTTASYNC_SUCCESS) unacked.emplace_back(t, t->get_message());
  spdlog::error(
      "the broker closed the connection within seconds of connecting {} times in a row: starting a new client "
      "({} publishes not yet acknowledged are published again)",
      impl.quick_losses.load(), unacked.size());
  impl.metrics.add("occupancy_errors_total", {{"kind", "flapping"}});
  impl.metrics.add("occupancy_mqtt_republished_total", {}, static_cast<double>(unacked.size()));
  try {
    impl.client->disconnect()->wait_for(std::chrono::seconds(1));
  } catch (const mqtt::exception&) {  // not connected: nothing to close
  }
  impl.quick_losses = 0;
  impl.create(connected_);
  impl.inflight.clear();
  connect(stop);  // Paho refuses to buffer publishes for a client that never connected
  std::map<const mqtt::delivery_token*, mqtt::delivery_token_ptr> renewed;
  for (const auto& [old, message] : unacked) {
    impl.inflight.push_back(impl.client->publish(message));  // buffered until connected
    renewed[old.get()] = impl.inflight.back();
  }
  impl.replace_deliveries(renewed);
}

bool MqttClient::take_new_connection() {
  const unsigned now = impl_->connections.load();
  if (now == impl_->handled_connections) return false;
  try {
    for (const auto& s : impl_->options.subscriptions) impl_->client->subscribe(s.filter, s.qos);  // resubscribe
    if (!impl_->options.status_topic.empty()) publish(impl_->options.status_topic, "online", 1, true);
  } catch (const std::exception& e) {
    // The connection went again before we resubscribed (a broker restarting, flapping): not
    // taken; tried again on this connection's next turn or the next connection.
    impl_->metrics.add("occupancy_errors_total", {{"kind", "resubscribe"}});
    if (impl_->failed_connection != now) spdlog::warn("resubscribing failed ({}); retrying", e.what());
    impl_->failed_connection = now;
    return false;
  }
  impl_->handled_connections = now;
  spdlog::info("connected to {} (MQTT {})", impl_->options.endpoint.display,
               impl_->version == MQTTVERSION_5 ? "5" : "3.1.1");
  return true;
}

std::vector<ReceivedMessage> MqttClient::take_unfinished() {
  if (!impl_->journal) return {};
  auto left = impl_->journal->take_unfinished();
  for (auto& m : left) m.journaled = true;
  return left;
}

void MqttClient::handled(const ReceivedMessage& m) {
  if (!m.journaled || !impl_->journal) return;
  auto& a = impl_->awaiting;
  const auto& last = impl_->last_delivery;
  if (!a.empty() && a.back().first == last)
    ++a.back().second;
  else
    a.emplace_back(last && !last->is_complete() ? last : nullptr, 1);
  impl_->settle_journal();
}

std::optional<ReceivedMessage> MqttClient::next(std::chrono::milliseconds timeout) {
  impl_->settle_journal();
  auto& in = impl_->inbound;
  auto message = in.pop(timeout);
  impl_->metrics.set("occupancy_mqtt_inbound_queued", {}, static_cast<double>(in.size()));
  impl_->metrics.set("occupancy_mqtt_inbound_queued_max", {}, static_cast<double>(in.high_water()));
  return message;
}

namespace {

enum class Waited { delivered, overdue, flapping };

// Waits up to 30 s for a delivery, watching for a flapping connection (whose in-flight
// publishes Paho may never get acknowledged). Paho throws from wait_for when the delivery
// failed (the connection dropped under it): counted, and done waiting — republish_failed()
// publishes it again.
template <typename Flapping>
Waited wait_delivery(mqtt::delivery_token& token, Metrics& metrics, Flapping flapping) {
  try {
    for (int slice = 0; slice < 300; ++slice) {
      if (token.wait_for(std::chrono::milliseconds(100))) return Waited::delivered;
      if (flapping()) return Waited::flapping;
    }
    return Waited::overdue;
  } catch (const mqtt::exception& e) {
    metrics.add("occupancy_errors_total", {{"kind", "delivery"}});
    spdlog::debug("a delivery failed: {}", e.what());
    return Waited::delivered;
  }
}

}  // namespace

void MqttClient::publish(const std::string& topic, const std::string& payload, int qos, bool retain) {
  std::lock_guard lock(impl_->inflight_mutex);
  auto& q = impl_->inflight;
  const auto flapping = [this] { return impl_->flapping() && impl_->stop != nullptr; };
  // Flow control: wait, never drop. A delivery overdue by 30 s stays tracked (a renewed client
  // publishes it again) and this publish goes ahead.
  impl_->drop_finished();
  while (q.size() >= impl_->options.max_in_flight) {
    const auto waited = wait_delivery(*q.front(), impl_->metrics, flapping);
    if (waited == Waited::flapping) {
      renew_client(*impl_->stop);
    } else if (waited == Waited::overdue) {
      spdlog::warn("a publish has waited 30 s for its acknowledgement; continuing");  // still queued in Paho
      break;
    }
    impl_->drop_finished();
  }
  while (true) {
    try {
      q.push_back(impl_->client->publish(mqtt::make_message(topic, payload, qos, retain)));
      impl_->last_delivery = q.back();
      return;
    } catch (const mqtt::exception& e) {
      // Paho's offline buffer is full (a long outage): wait for the oldest delivery and retry.
      impl_->metrics.add("occupancy_errors_total", {{"kind", "publish"}});
      spdlog::error("publish to {} failed: {}; retrying", topic, e.what());
      if (q.empty() || wait_delivery(*q.front(), impl_->metrics, flapping) != Waited::delivered)
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
      if (flapping()) renew_client(*impl_->stop);
      impl_->drop_finished();
    }
  }
}

void MqttClient::shutdown() {
  try {
    {  // deliveries in flight get five seconds in all
      std::lock_guard lock(impl_->inflight_mutex);
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
      size_t unfinished = 0;
      for (auto& t : impl_->inflight)
        if (!t->wait_for(std::max(std::chrono::milliseconds(0), std::chrono::duration_cast<std::chrono::milliseconds>(
                                                                    deadline - std::chrono::steady_clock::now()))))
          ++unfinished;
      if (unfinished > 0) spdlog::warn("{} publishes not acknowledged at shutdown", unfinished);
      impl_->settle_journal();  // what is still unacknowledged stays in the journal for the next run
      impl_->inflight.clear();
    }
    if (impl_->client->is_connected()) {
      if (!impl_->options.status_topic.empty())
        impl_->client->publish(mqtt::make_message(impl_->options.status_topic, "offline", 1, true))
            ->wait_for(std::chrono::seconds(5));
      impl_->client->disconnect()->wait_for(std::chrono::seconds(5));
    }
  } catch (const mqtt::exception& e) {
    spdlog::warn("clean disconnect failed: {}", e.what());
  }
  connected_ = false;
}

MqttOptions mqtt_options_for(const config::HomeConfig& config, std::string_view role) {
  MqttOptions o;
  o.endpoint = config.mqtt;
  constexpr std::string_view kPlaceholder = "{service}";
  for (auto* text : {&o.endpoint.username, &o.endpoint.display})
    if (const auto at = text->find(kPlaceholder); at != std::string::npos) text->replace(at, kPlaceholder.size(), role);
  o.protocol = config.mqtt_protocol;
  o.client_id = "occupancy-" + config.home + "-" + std::string(role);
  o.status_topic =
      contract::format_topic(proto::channel::status, {{"home", config.home}, {"service", std::string(role)}});
  return o;
}

}  // namespace occupancy::runtime
