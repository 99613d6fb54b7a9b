#include "occupancy/runtime/service.hpp"

#include <catch2/catch.hpp>
#include <stdexcept>

#include "occupancy/runtime/mqtt_client.hpp"

using namespace occupancy;

TEST_CASE("a failing timer or on-connect task is logged and counted, never rethrown", "[runtime]") {
  runtime::Metrics metrics{"cleaner"};
  int ran = 0;
  CHECK(runtime::run_contained(
      "a timer", "timer", [&] { ++ran; }, metrics));
  CHECK_FALSE(runtime::run_contained(
      "a timer", "timer", [] { throw std::runtime_error("database gone"); }, metrics));
  CHECK_FALSE(runtime::run_contained(
      "an on-connect task", "on_connect", [] { throw 42; }, metrics));
  CHECK(ran == 1);
  CHECK(metrics.value("occupancy_errors_total", {{"kind", "timer"}}) == 1);
  CHECK(metrics.value("occupancy_errors_total", {{"kind", "on_connect"}}) == 1);
}

TEST_CASE("each role connects as its own MQTT user when the config's user name says {service}", "[runtime]") {
  config::HomeConfig cfg;
  cfg.home = "h1";
  cfg.mqtt = config::parse_mqtt_url("mqtt://occupancy-{service}@broker.lan:1883");
  const auto cleaner = runtime::mqtt_options_for(cfg, "cleaner");
  CHECK(cleaner.endpoint.username == "occupancy-cleaner");
  CHECK(cleaner.endpoint.display == "mqtt://occupancy-cleaner@broker.lan:1883");
  CHECK(cleaner.client_id == "occupancy-h1-cleaner");
  CHECK(cleaner.status_topic == "occupancy/h1/status/cleaner");
  CHECK(runtime::mqtt_options_for(cfg, "trainer").endpoint.username == "occupancy-trainer");
  cfg.mqtt = config::parse_mqtt_url("mqtt://suite@broker.lan");  // one shared user: unchanged
  CHECK(runtime::mqtt_options_for(cfg, "feature").endpoint.username == "suite");
}
