// The ingestor service's logic through its Step: readings published and archived, the clock,
// a change refused for its time on the dead-letter list, the skip counters.
#include "occupancy/ingest/ingestor_service.hpp"

#include <catch2/catch.hpp>

#include "occupancy/contract/validator.hpp"
#include "unit_helpers.hpp"

using namespace occupancy;
using namespace occupancy::ingest;

namespace {
const Millis kStart = *parse_iso8601("2026-01-05T10:00:30Z");
const std::string kMotion = "binary_sensor.bedroom_motion";

// Event time follows the events (as with a replay), not the wall clock: the test's dates stay valid.
const config::HomeConfig& home() {
  static const config::HomeConfig h = [] {
    auto c = testing::default_home();
    c.ingestor.wall_clock = false;
    return c;
  }();
  return h;
}
}  // namespace

TEST_CASE("a state change is published as a raw reading on its room's topic and archived, after the minute ticks",
          "[ingest]") {
  IngestorService service(home());
  service.on_item(StateChange{kMotion, "on", kStart});
  const auto step = service.on_item(StateChange{kMotion, "off", kStart + 2 * kMinute});
  REQUIRE(step.publications.size() == 3);  // two ticks, then the reading
  CHECK(step.publications[0].channel == &proto::channel::clock);
  const auto& raw = step.publications[2];
  CHECK(raw.channel == &proto::channel::raw);
  CHECK(raw.params.at("room") == "bedroom");
  CHECK(raw.params.at("zone") == "room");
  CHECK_FALSE(contract::validator().check(raw.channel->schema_file, raw.payload));
  REQUIRE(step.archive.raw.size() == 1);
  CHECK(step.archive.raw[0].state == SensorState::off);
}

TEST_CASE("a change dated far in the future goes to the dead-letter list with its reason", "[ingest]") {
  IngestorService service(home());
  service.on_item(StateChange{kMotion, "on", kStart});
  const auto step = service.on_item(StateChange{kMotion, "off", *parse_iso8601("2099-01-01T00:00:00Z")});
  CHECK(step.publications.empty());
  CHECK(step.archive.empty());
  REQUIRE(step.dead_letters.size() == 1);
  CHECK(step.dead_letters[0].source == "ha/" + kMotion);
  CHECK(step.dead_letters[0].keyword == "event_time");
  CHECK_THAT(step.dead_letters[0].payload, Catch::Contains("2099"));
}

TEST_CASE("the skip counters and the link's state are exported", "[ingest]") {
  IngestorService service(home());
  service.on_item(StateChange{kMotion, "on", kStart});
  service.on_item(StateChange{kMotion, "on", kStart});  // the same change again
  service.on_item(StateChange{"binary_sensor.garage", "on", kStart});
  const auto step = service.on_metrics_tick({true, 2, 1});
  const auto value = [&](const std::string& name, const std::string& reason) {
    for (const auto& m : step.metrics)
      if (m.name == name && (m.labels.empty() ? reason.empty() : m.labels[0].second == reason)) return m.value;
    return -1.0;
  };
  CHECK(value("occupancy_ingest_skipped_total", "duplicate") == 1);
  CHECK(value("occupancy_ingest_skipped_total", "unconfigured_entity") == 1);
  CHECK(value("occupancy_ingest_skipped_total", "malformed") == 2);
  CHECK(value("occupancy_ingest_skipped_total", "bad_history_row") == 1);
  CHECK(value("occupancy_ha_connected", "") == 1);
}

TEST_CASE("HA's current states name every configured entity HA does not have, in an error and a gauge", "[ingest]") {
  IngestorService service(home());
  CurrentStates current;
  for (const auto& e : home().entities)
    if (e.entity_id != kMotion && e.entity_id != "binary_sensor.front_door")
      current.states.push_back({e.entity_id, "off", kStart});
  current.states.push_back({"person.anca", "home", kStart});  // HA's other entities are not a problem
  const auto step = service.on_item(current);
  std::vector<std::string> errors;
  for (const auto& l : step.logs)
    if (l.level == contract::LogLine::Level::error) errors.push_back(l.text);
  REQUIRE(errors.size() == 2);
  CHECK_THAT(errors[0], Catch::StartsWith("configured entity " + kMotion + " is not in Home Assistant"));
  CHECK_THAT(errors[1], Catch::Contains("binary_sensor.front_door"));
  CHECK(service.missing_entities() == std::vector<std::string>{kMotion, "binary_sensor.front_door"});
  const auto metrics = service.on_metrics_tick({});
  const auto gauge = std::find_if(metrics.metrics.begin(), metrics.metrics.end(),
                                  [](const auto& m) { return m.name == "occupancy_ha_missing_entities"; });
  REQUIRE(gauge != metrics.metrics.end());
  CHECK(gauge->value == 2);
}
