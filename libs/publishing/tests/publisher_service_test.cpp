#include "occupancy/publishing/publisher_service.hpp"

#include <catch2/catch.hpp>

#include "occupancy/contract/refusal.hpp"
#include "occupancy/contract/validator.hpp"
#include "unit_helpers.hpp"

using namespace occupancy;

namespace {

const config::HomeConfig& home() { return testing::default_home(); }

Prediction prediction(Millis ts, const std::string& room, double p15) {
  Prediction p;
  p.ts = ts;
  p.room = room;
  p.occupancy = {{15, p15}, {120, 0.5}};
  p.minutes_to_next_occupancy = 40;
  p.model_version = "baseline-persistence";
  return p;
}

std::vector<std::string> channels(const contract::Step& step) {
  std::vector<std::string> out;
  for (const auto& p : step.publications) out.emplace_back(p.channel->id);
  return out;
}

}  // namespace

TEST_CASE("on connect: info, the hub's discovery, one discovery per room, the hub's state, all valid", "[publishing]") {
  publishing::PublisherService core(home(), "0.1.0", 0);
  const auto out = core.on_connected(kMinute);
  REQUIRE(out.publications.size() == 1 + 1 + home().rooms.size() + 1);
  CHECK(out.publications[0].channel == &proto::channel::info);
  for (const auto& p : out.publications) {
    INFO(p.channel->id);
    CHECK_FALSE(contract::validator().check(p.channel->schema_file, p.payload));
  }
  CHECK(out.publications[1].params.at("device_id") == "occupancy_home");  // the hub
  CHECK(out.publications[2].params.at("device_id") == "occupancy_home_bedroom");
  CHECK(out.publications.back().channel == &proto::channel::hub);
  CHECK(out.publications.back().payload["dead_letters_last_hour"].GetInt() == 0);
}

TEST_CASE("the hub counts dead letters of the last hour and names the last one", "[publishing]") {
  publishing::PublisherService core(home(), "0.1.0", 0);
  const Millis t0 = 1'000 * kMinute;
  auto out = core.on_dead_letter("cleaner", "parse: not JSON", t0);
  REQUIRE(out.publications.size() == 1);
  CHECK(out.publications[0].channel == &proto::channel::hub);
  CHECK(out.publications[0].payload["dead_letters_last_hour"].GetInt() == 1);
  out = core.on_dead_letter("publisher", "unknown_room: room 'attic' is not in the home config", t0 + 30 * kMinute);
  CHECK(out.publications[0].payload["dead_letters_last_hour"].GetInt() == 2);
  CHECK(std::string(out.publications[0].payload["last_dead_letter"]["service"].GetString()) == "publisher");
  CHECK_FALSE(contract::validator().check(proto::channel::hub.schema_file, out.publications[0].payload));
  CHECK(core.on_tick(t0 + 59 * kMinute).empty());  // both still within the hour
  out = core.on_tick(t0 + 61 * kMinute);           // the first left it
  REQUIRE(out.publications.size() == 1);
  CHECK(out.publications[0].payload["dead_letters_last_hour"].GetInt() == 1);
  CHECK(core.on_tick(t0 + 95 * kMinute).publications[0].payload["dead_letters_last_hour"].GetInt() == 0);
  CHECK(core.on_tick(t0 + 96 * kMinute).empty());
}

TEST_CASE("states follow the deadband, HA's birth re-sends discovery then states", "[publishing]") {
  publishing::PublisherService core(home(), "0.1.0", 0);
  auto out = core.on_prediction(prediction(kMinute, "office", 0.30));
  CHECK(channels(out) == std::vector<std::string>{"info", "ha_state"});        // first model seen -> info
  CHECK(core.on_prediction(prediction(2 * kMinute, "office", 0.31)).empty());  // within 2 points
  CHECK(channels(core.on_prediction(prediction(3 * kMinute, "office", 0.40))) == std::vector<std::string>{"ha_state"});
  out = core.on_ha_status("online");
  REQUIRE(out.publications.size() == 1 + home().rooms.size() + 1 + 1);  // hub, rooms, the state, the hub's
  const auto& state = out.publications[out.publications.size() - 2];
  CHECK(state.channel == &proto::channel::ha_state);
  CHECK(state.payload["occupancy_pct"]["15"].GetDouble() == 40.0);
  CHECK(out.publications.front().channel == &proto::channel::ha_discovery);
  CHECK(core.on_ha_status("offline").empty());
}

TEST_CASE("rooms the previous run announced but the config no longer has are removed from HA", "[publishing]") {
  publishing::PublisherService core(home(), "0.1.0", 0);
  auto out = core.on_info_seen({"office", "attic", "bedroom"});
  REQUIRE(out.publications.size() == 3);  // discovery, state and kept settings cleared
  CHECK(out.publications[2].channel == &proto::channel::settings);
  CHECK(out.publications[0].channel == &proto::channel::ha_discovery);
  CHECK(out.publications[0].params.at("device_id") == "occupancy_home_attic");
  CHECK(out.publications[0].payload.IsNull());
  CHECK(out.publications[1].channel == &proto::channel::ha_state);
  CHECK(out.publications[1].params.at("room") == "attic");
  CHECK(core.on_info_seen({"office", "bedroom"}).empty());
}

TEST_CASE("a sensor's gap reaches HA at once: the room's state names it until the gap closes", "[publishing]") {
  publishing::PublisherService core(home(), "0.1.0", 0);
  const Gap open{"binary_sensor.office_desk_anca_presence", "office", "desk_anca", 90'000, std::nullopt, "silent"};
  CHECK(core.on_gap(open).empty());  // no state yet: the first forecast carries it
  auto out = core.on_prediction(prediction(2 * kMinute, "office", 0.30));
  REQUIRE(channels(out) == std::vector<std::string>{"info", "ha_state"});
  const auto& first = out.publications.back().payload;
  CHECK_FALSE(contract::validator().check(proto::channel::ha_state.schema_file, first));
  REQUIRE(first["problem_entities"].Size() == 1);
  CHECK(std::string(first["problem_entities"][0].GetString()) == open.entity_id);

  auto closed = open;
  closed.end = 5 * kMinute;
  out = core.on_gap(closed);  // at once, not at the next forecast
  REQUIRE(channels(out) == std::vector<std::string>{"ha_state"});
  CHECK(out.publications[0].payload["problem_entities"].Size() == 0);
  CHECK(out.publications[0].params.at("room") == "office");
  CHECK(core.on_gap(closed).empty());  // nothing changed: nothing sent
  // An unreliable forecast is a change HA hears of, even within the deadband.
  auto unreliable = prediction(6 * kMinute, "office", 0.30);
  unreliable.reliable = false;
  out = core.on_prediction(unreliable);
  REQUIRE(channels(out) == std::vector<std::string>{"ha_state"});
  CHECK_FALSE(out.publications[0].payload["reliable"].GetBool());
}

TEST_CASE("a prediction of a room the config does not have, or not the topic's, is refused with nothing sent",
          "[publishing]") {
  publishing::PublisherService core(home(), "0.1.0", 0);
  CHECK_THROWS_AS(core.on_prediction(prediction(kMinute, "attic", 0.3)), contract::Refusal);
  CHECK_THROWS_WITH(core.on_prediction(prediction(kMinute, "office", 0.3), "kitchen"),
                    Catch::Contains("the topic names room 'kitchen'"));
  CHECK_FALSE(core.latest()->get("office"));  // a refused prediction is not served either
  const Gap unknown{"binary_sensor.attic", "attic", "main", 0, std::nullopt, "silent"};
  CHECK_THROWS_AS(core.on_gap(unknown), contract::Refusal);
  core.on_prediction(prediction(kMinute, "office", 0.3), "office");
  REQUIRE(core.latest()->get("office"));
  CHECK(core.latest()->get("office")->occupancy.at(15) == 0.3);
}

TEST_CASE("thresholds set from HA apply at once, are kept retained, and come back from the broker", "[publishing]") {
  publishing::PublisherService core(home(), "0.1.0", 0);
  CHECK(core.settings_of("guest_bedroom").threshold_pct.at(15) == 60);  // room_thresholds in the config
  CHECK(core.settings_of("office").threshold_pct.at(120) == 50);
  // Before any forecast: kept, nothing to re-send.
  auto out = core.on_settings_set("office", {{{15, 70.0}}});
  CHECK(channels(out) == std::vector<std::string>{"settings"});
  CHECK(out.publications[0].params.at("room") == "office");
  CHECK(out.publications[0].payload["threshold_pct"]["15"].GetDouble() == 70.0);
  CHECK(out.publications[0].payload["threshold_pct"]["120"].GetDouble() == 50.0);  // the full settings
  CHECK_FALSE(contract::validator().check(proto::channel::settings.schema_file, out.publications[0].payload));
  // The first forecast's state carries them; a change re-sends the state though the forecast did not move.
  out = core.on_prediction(prediction(kMinute, "office", 0.65));
  const auto states = contract::published_on(out, proto::channel::ha_state);
  REQUIRE(states.size() == 1);
  CHECK(states[0]->payload["threshold_pct"]["15"].GetDouble() == 70.0);
  CHECK_FALSE(contract::validator().check(proto::channel::ha_state.schema_file, states[0]->payload));
  out = core.on_settings_set("office", {{{120, 80.0}}});
  CHECK(channels(out) == std::vector<std::string>{"ha_state", "settings"});
  CHECK(out.publications[0].payload["threshold_pct"]["120"].GetDouble() == 80.0);
  CHECK(out.publications[0].payload["threshold_pct"]["15"].GetDouble() == 70.0);
  // What the broker kept comes back at the next start; our own echo changes nothing.
  publishing::PublisherService restarted(home(), "0.1.0", 0);
  CHECK(restarted.on_settings_seen("office", {{{15, 70.0}, {120, 80.0}}}).empty());
  CHECK(restarted.settings_of("office").threshold_pct.at(120) == 80.0);
  CHECK(core.on_settings_seen("office", {{{15, 70.0}, {120, 80.0}}}).empty());
  // Kept settings of a room that left the config are removed; a change for one is refused.
  out = core.on_settings_seen("attic", {{{15, 70.0}}});
  REQUIRE(out.publications.size() == 1);
  CHECK(out.publications[0].payload.IsNull());
  CHECK_THROWS_AS(core.on_settings_set("attic", {{{15, 70.0}}}), contract::Refusal);
  // A horizon the room does not have is refused by name, and changes nothing.
  CHECK_THROWS_WITH(core.on_settings_set("office", {{{15, 10.0}, {30, 70.0}}}), Catch::Contains("no 30 min horizon"));
  CHECK(core.settings_of("office").threshold_pct.at(15) == 70.0);
}
