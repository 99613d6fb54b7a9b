// The service's MQTT client on a real Mosquitto, behind a proxy that refuses Paho's resends
// the way Mosquitto 2.0 did after a broker restart (tests/support/resend_refusing_proxy.py).
#include "occupancy/runtime/mqtt_client.hpp"

#include <catch2/catch.hpp>
#include <csignal>
#include <regex>
#include <set>
#include <thread>

#include "occupancy/runtime/metrics.hpp"
#include "test_support.hpp"

using namespace occupancy;
using namespace occupancy::testing;

TEST_CASE(
    "a broker that keeps closing the connection on Paho's resends: a new client publishes the unacknowledged "
    "messages again and nothing is lost",
    "[integration][faults]") {
  const auto broker = broker_from_env();
  std::smatch where;
  REQUIRE(std::regex_search(broker.server_uri, where, std::regex("^tcp://([^:]+):([0-9]+)$")));
  const auto home = unique_home("it_resend");
  const auto dir = temp_dir(home);
  const auto proxy_port = free_port();
  Process proxy("/usr/bin/python3",
                {std::string(OCCUPANCY_SOURCE_DIR) + "/tests/support/resend_refusing_proxy.py",
                 std::to_string(proxy_port), where[1].str(), where[2].str()},
                {}, dir / "proxy.log");
  REQUIRE(eventually([&] { return proxy.output().find("proxy on") != std::string::npos; }, std::chrono::seconds(10)));

  const std::string topic = "occupancy/" + home + "/clock";
  Recorder rec(broker, {topic});
  runtime::MqttOptions options;
  options.endpoint = broker;
  options.endpoint.server_uri = "tcp://127.0.0.1:" + std::to_string(proxy_port);
  options.client_id = "occupancy-" + home + "-resend";
  runtime::Metrics metrics("resend");
  runtime::MqttClient client(options, metrics);
  std::atomic<bool> stop{false};
  REQUIRE(client.connect(stop));
  REQUIRE(client.take_new_connection());
  const auto payload = [](int i) { return "{\"n\":" + std::to_string(i) + "}"; };
  client.publish(topic, payload(0), 1, false);
  REQUIRE(rec.wait_for(topic, [&](const Message& m) { return m.payload == payload(0); }));

  // Five publishes the broker never sees, so Paho holds them unacknowledged; then the
  // connection drops and every reconnect that resends them is closed.
  proxy.signal(SIGUSR1);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  for (int i = 1; i <= 5; ++i) client.publish(topic, payload(i), 1, false);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  proxy.signal(SIGUSR2);
  // More than the in-flight window: publish() waits, finds the connection flapping and renews
  // the client (the service loop's recover_if_flapping() is the other way in).
  for (int i = 6; i <= 20; ++i) client.publish(topic, payload(i), 1, false);

  std::set<std::string> expected, received;
  for (int i = 0; i <= 20; ++i) expected.insert(payload(i));
  CHECK(eventually(
      [&] {
        received.clear();
        for (const auto& m : rec.messages()) received.insert(m.payload);
        return received == expected;
      },
      std::chrono::seconds(60)));
  std::string missing;
  for (const auto& p : expected)
    if (!received.contains(p)) missing += p + " ";
  INFO("missing: " << missing);
  CHECK(received == expected);  // QoS 1: duplicates allowed, none lost
  CHECK(metrics.value("occupancy_errors_total", {{"kind", "flapping"}}) >= 1);
  CHECK(metrics.value("occupancy_mqtt_republished_total") >= 5);
  CHECK_THAT(proxy.output(), !Catch::Contains("Traceback"));
  client.shutdown();
}
