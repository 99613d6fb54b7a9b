#include "occupancy/publishing/discovery.hpp"

#include <catch2/catch.hpp>

#include "ha_discovery_rules.hpp"
#include "occupancy/contract/validator.hpp"
#include "occupancy/publishing/hub.hpp"
#include "unit_helpers.hpp"

using namespace occupancy;

namespace {

publishing::DiscoverySettings settings() {
  publishing::DiscoverySettings s;
  s.home = "home";
  s.version = "0.1.0";
  s.vacant_within_min = {15, 30};
  for (const char* svc : {"ingestor", "cleaner", "feature", "predictor", "publisher"})
    s.status_topics.push_back(std::string("occupancy/home/status/") + svc);
  return s;
}

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += s + "\n";
  return out;
}

}  // namespace

TEST_CASE("every room's discovery passes HA's discovery rules and our contract", "[publishing]") {
  std::set<std::string> ids;
  for (const auto& room : testing::default_home().rooms) {
    const auto d = publishing::discovery_config(room, "occupancy/home/ha/" + room.id, settings());
    INFO(room.id);
    const auto errors = testing::check_ha_device_discovery(d, ids);
    INFO(joined(errors));
    CHECK(errors.empty());
    CHECK_FALSE(contract::validator().check(proto::channel::ha_discovery.schema_file, d));
    CHECK(d["cmps"].MemberCount() == 18);
    CHECK(std::string(d["cmps"]["threshold_15"]["command_topic"].GetString()) ==
          "occupancy/home/settings/" + room.id + "/set");
    CHECK(std::string(d["cmps"]["threshold_15"]["entity_category"].GetString()) == "config");
    CHECK_FALSE(d["cmps"]["threshold_15"].HasMember("expire_after"));
    CHECK(std::string(d["cmps"]["occupied"]["device_class"].GetString()) == "occupancy");
    CHECK(std::string(d["cmps"]["occupancy_15"]["default_entity_id"].GetString()) ==
          "sensor." + room.id + "_occupancy_in_15_min");
    CHECK(std::string(d["cmps"]["occupied"]["default_entity_id"].GetString()) ==
          "binary_sensor." + room.id + "_occupied");
    CHECK(std::string(d["cmps"]["sensor_problem"]["device_class"].GetString()) == "problem");
    CHECK(std::string(d["cmps"]["sensor_problem"]["entity_category"].GetString()) == "diagnostic");
    CHECK(d["cmps"]["occupancy_120"]["json_attributes_topic"] == d["cmps"]["occupancy_120"]["state_topic"]);
    CHECK(std::string(d["cmps"]["time_to_vacancy"]["unit_of_measurement"].GetString()) == "min");
    CHECK(d["cmps"]["occupancy_15"]["availability"].Size() == 5);
    CHECK(std::string(d["cmps"]["live_accuracy_120"]["entity_category"].GetString()) == "diagnostic");
    CHECK(std::string(d["cmps"]["live_accuracy_120"]["unit_of_measurement"].GetString()) == "%");
    CHECK(std::string(d["cmps"]["live_brier_15"]["value_template"].GetString()).find("live_brier['15']") !=
          std::string::npos);
  }
  CHECK(ids.size() == 18 * testing::default_home().rooms.size());
}

TEST_CASE("a room's entities follow its horizons: forecast, Expected occupied, threshold each, and Vacant within k",
          "[publishing]") {
  auto room = testing::default_home().rooms.front();
  room.horizons_min = {30, 90, 180};
  const auto d = publishing::discovery_config(room, "occupancy/home/ha/" + room.id, settings());
  std::set<std::string> ids;
  const auto errors = testing::check_ha_device_discovery(d, ids);
  INFO(joined(errors));
  CHECK(errors.empty());
  CHECK(d["cmps"].MemberCount() == 3 + 5 * 3 + 2 + 3);
  CHECK_FALSE(d["cmps"].HasMember("occupancy_15"));
  CHECK(std::string(d["cmps"]["occupancy_90"]["name"].GetString()) == "Occupancy in 90 min");
  CHECK(std::string(d["cmps"]["occupancy_180"]["default_entity_id"].GetString()) ==
        "sensor." + room.id + "_occupancy_in_3_h");
  CHECK(std::string(d["cmps"]["expected_occupied_30"]["value_template"].GetString()).find("occupancy_pct['30']") !=
        std::string::npos);
  CHECK(std::string(d["cmps"]["threshold_180"]["command_template"].GetString()) ==
        R"({"threshold_pct": {"180": {{ value }}}})");
  CHECK(std::string(d["cmps"]["vacant_within_30"]["name"].GetString()) == "Vacant within 30 min");
  CHECK(std::string(d["cmps"]["vacant_within_15"]["unit_of_measurement"].GetString()) == "%");
  CHECK(publishing::horizon_label(120) == "2 h");
  CHECK(publishing::horizon_label(45) == "45 min");
}

TEST_CASE("the discovery rules bite: invalid payloads are refused", "[publishing]") {
  const auto& room = testing::default_home().rooms.front();
  auto broken = [&](auto mutate) {
    auto d = publishing::discovery_config(room, "occupancy/home/ha/x", settings());
    mutate(d);
    std::set<std::string> ids;
    return joined(testing::check_ha_device_discovery(d, ids));
  };
  CHECK_THAT(broken([](auto& d) { d["cmps"]["time_to_vacancy"]["unit_of_measurement"].SetString("minutes"); }),
             Catch::Contains("not valid for device_class duration"));
  CHECK_THAT(broken([](auto& d) {
               rapidjson::Value ops(rapidjson::kArrayType);
               ops.PushBack("a", d.GetAllocator());
               d["cmps"]["occupancy_15"].AddMember("options", ops, d.GetAllocator());
             }),
             Catch::Contains("options are only allowed with device_class enum"));
  CHECK_THAT(broken([](auto& d) { d["cmps"]["occupancy_15"].AddMember("colour", "red", d.GetAllocator()); }),
             Catch::Contains("option 'colour' is not valid"));
  CHECK_THAT(broken([](auto& d) { d["cmps"]["occupancy_15"].RemoveMember("platform"); }),
             Catch::Contains("platform missing"));
  CHECK_THAT(broken([](auto& d) { d["cmps"]["expected_occupied_15"]["device_class"].SetString("people"); }),
             Catch::Contains("binary_sensor device_class people"));
  CHECK_THAT(
      broken([](auto& d) { d["cmps"]["occupancy_15"]["unique_id"].SetString("occupancy_home_bedroom_occupancy_120"); }),
      Catch::Contains("not unique"));
}

TEST_CASE("the hub's discovery passes HA's rules: connectivity per service, the model, dead letters, buttons",
          "[publishing]") {
  std::set<std::string> ids;
  for (const auto& room : testing::default_home().rooms)  // unique ids across the hub and every room
    testing::check_ha_device_discovery(publishing::discovery_config(room, "occupancy/home/ha/" + room.id, settings()),
                                       ids);
  const auto d = publishing::hub_discovery_config(settings());
  const auto errors = testing::check_ha_device_discovery(d, ids);
  INFO(joined(errors));
  CHECK(errors.empty());
  CHECK_FALSE(contract::validator().check(proto::channel::ha_discovery.schema_file, d));
  const auto& c = d["cmps"];
  CHECK(std::string(c["predictor_connected"]["state_topic"].GetString()) == "occupancy/home/status/predictor");
  CHECK(std::string(c["predictor_connected"]["device_class"].GetString()) == "connectivity");
  CHECK_FALSE(c["predictor_connected"].HasMember("availability"));  // offline is its state, not unavailable
  CHECK(std::string(c["active_model"]["state_topic"].GetString()) == "occupancy/home/model");
  CHECK(std::string(c["model_active_since"]["device_class"].GetString()) == "timestamp");
  CHECK(std::string(c["dead_letters"]["state_topic"].GetString()) == "occupancy/home/hub");
  CHECK(std::string(c["promote_candidate"]["command_topic"].GetString()) == "occupancy/home/request/promote");
  CHECK(std::string(c["roll_back_model"]["command_topic"].GetString()) == "occupancy/home/request/rollback");
  CHECK(std::string(c["retrain"]["command_topic"].GetString()) == "occupancy/home/request/retrain");
  CHECK(std::string(c["retrain"]["availability_topic"].GetString()) == "occupancy/home/status/trainer");
  CHECK(std::string(c["promote_candidate"]["availability_topic"].GetString()) == "occupancy/home/status/predictor");
  CHECK(std::string(c["trainer_connected"]["state_topic"].GetString()) == "occupancy/home/status/trainer");
  CHECK(std::string(d["device"]["identifiers"][0].GetString()) == "occupancy_home");
  // A button with a state is refused by HA (its schema has none): the rules see it.
  auto broken = publishing::hub_discovery_config(settings());
  broken["cmps"]["roll_back_model"].AddMember("state_topic", "occupancy/home/model", broken.GetAllocator());
  std::set<std::string> fresh;
  CHECK_THAT(joined(testing::check_ha_device_discovery(broken, fresh)),
             Catch::Contains("option 'state_topic' is not valid for button"));
}

TEST_CASE("device ids map back to rooms of this home only", "[publishing]") {
  CHECK(publishing::device_id("home", "guest_bedroom") == "occupancy_home_guest_bedroom");
  CHECK(publishing::room_of_device("home", "occupancy_home_guest_bedroom") == "guest_bedroom");
  CHECK(publishing::room_of_device("home", "occupancy_cabin_office").empty());
  CHECK(publishing::room_of_device("home", "zigbee2mqtt_bridge").empty());
}
