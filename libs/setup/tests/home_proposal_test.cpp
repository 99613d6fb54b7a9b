#include "occupancy/setup/home_proposal.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

using namespace occupancy;
using namespace occupancy::setup;

namespace {

HaInventory flat() {
  HaInventory inv;
  inv.areas = {{"hall", "Hall"}, {"kuche", "Küche & Bar"}, {"attic", "Attic"}};
  inv.devices = {{"d1", "Hall PIR", "hall"}, {"d2", "Lamp", "kuche"}, {"d3", "Loose", ""}};
  inv.entities = {
      {"binary_sensor.hall_motion", "d1", "", "zha", false},
      {"light.kuche_ceiling", "d2", "", "hue", false},
      {"binary_sensor.kuche_bar_presence", "", "kuche", "mqtt", false},
      {"binary_sensor.loose_motion", "d3", "", "zha", false},
      {"binary_sensor.hall_old_motion", "d1", "", "zha", true},
      {"binary_sensor.hall_window", "d1", "", "zha", false},
      {"binary_sensor.hall_balcony_door", "d1", "", "zha", false},
  };
  inv.states = {{"binary_sensor.hall_motion", "off", "motion", "Hall motion"},
                {"light.kuche_ceiling", "on", "", "Ceiling"},
                {"binary_sensor.kuche_bar_presence", "off", "presence", "Bar"},
                {"binary_sensor.loose_motion", "off", "motion", "Loose"},
                {"binary_sensor.hall_old_motion", "off", "motion", "Old"},
                {"binary_sensor.hall_window", "off", "window", "Window"},
                {"binary_sensor.hall_balcony_door", "off", "door", "Balcony"},
                {"binary_sensor.yaml_motion", "off", "motion", "From YAML"}};
  inv.config.time_zone = "Europe/Berlin";
  return inv;
}

bool not_used(const HomeProposal& p, const std::string& id, const std::string& why) {
  return std::any_of(p.not_used.begin(), p.not_used.end(),
                     [&](const NotUsed& n) { return n.entity_id == id && n.why.find(why) != std::string::npos; });
}

}  // namespace

TEST_CASE("a flat without people or a front door: lights, areas on entities, and what is left out", "[setup]") {
  const auto token = std::filesystem::temp_directory_path() / "occupancy-setup-test.token";
  std::ofstream(token) << "x\n";
  std::filesystem::permissions(token, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  const auto p = propose_home(flat(), {"flat", "https://ha.local:8123", token.string(), ""});
  REQUIRE(p.rooms.size() == 2);
  CHECK(p.rooms[0].room.id == "hall");
  CHECK(p.rooms[1].room.id == "kuche");
  CHECK(p.rooms[1].room.name == "Küche & Bar");
  REQUIRE(p.entities.size() == 4);
  CHECK(p.entities[0].entity.zone == "room");
  CHECK(p.entities[1].entity.zone == "balcony_door");
  CHECK(p.entities[1].entity.kind == "door");
  CHECK(p.entities[2].entity.kind == "light");
  CHECK(p.entities[2].entity.zone == "ceiling");
  CHECK(p.entities[3].entity.zone == "bar");  // the area's own name is taken off the front
  CHECK(p.people.empty());
  CHECK(p.entrance.empty());
  CHECK(not_used(p, "binary_sensor.loose_motion", "neither it nor its device is in an area"));
  CHECK(not_used(p, "binary_sensor.hall_old_motion", "disabled in HA"));
  CHECK(not_used(p, "binary_sensor.hall_window", "device_class window"));
  CHECK(not_used(p, "binary_sensor.yaml_motion", "not in HA's entity registry"));
  CHECK(not_used(p, "area attic", "no presence, motion, door or light entity"));

  // The YAML is a valid home config: no entrance, so the rules that need one are off.
  const auto yaml = render_yaml(p);
  INFO(yaml);
  const auto cfg =
      config::parse_config(yaml, "flat.yaml", [](std::string_view) { return std::optional<std::string>(); });
  CHECK(cfg.home == "flat");
  CHECK(cfg.timezone == "Europe/Berlin");
  CHECK_FALSE(cfg.cat_filter.path_rule);
  CHECK(cfg.rooms[1].name == "Küche & Bar");
  CHECK(yaml.find("token_file: \"" + token.string() + "\"") != std::string::npos);
  CHECK(cfg.ingestor.ha_token.reveal() == "x");
}

TEST_CASE("people's zones: named by a person's entity or friendly name, exclusive with another's", "[setup]") {
  HaInventory inv;
  inv.areas = {{"office", "Office"}};
  inv.devices = {{"d", "Desk", "office"}};
  inv.entities = {{"binary_sensor.office_desk_jo_presence", "d", "", "mqtt", false},
                  {"binary_sensor.office_desk_samantha_occupancy", "d", "", "mqtt", false},
                  {"binary_sensor.office_front_door", "d", "", "mqtt", false},
                  {"person.jo", "", "", "person", false}};
  inv.states = {{"binary_sensor.office_desk_jo_presence", "off", "occupancy", ""},
                {"binary_sensor.office_desk_samantha_occupancy", "off", "presence", ""},
                {"binary_sensor.office_front_door", "off", "opening", ""},
                {"person.jo", "home", "", "Jo"},
                {"person.sam", "home", "", "Samantha"}};
  inv.config.time_zone = "UTC";
  const auto p = propose_home(inv, {});
  CHECK(p.people == std::vector<std::string>{"jo", "sam"});
  REQUIRE(p.rooms.size() == 1);
  const auto& z = p.rooms[0].room.zones;
  REQUIRE(z.size() == 3);
  CHECK(z[0].person == "jo");
  CHECK(z[1].id == "desk_samantha");
  CHECK(z[1].person == "sam");  // by friendly name
  CHECK(z[2].id == "entrance");
  REQUIRE(p.exclusive_zones.size() == 1);
  CHECK(p.exclusive_zones[0] == std::vector<std::string>{"office/desk_jo", "office/desk_samantha"});
  CHECK(p.entrance == "office/entrance");
}

TEST_CASE("slugs are HA's: lower case, one underscore for any run of other characters", "[setup]") {
  CHECK(slug("Living room & Kitchen") == "living_room_kitchen");
  CHECK(slug("  Büro 2 ") == "b_ro_2");
  CHECK(slug("__") == "");
}

TEST_CASE("what HA's names hold cannot break the YAML: quotes, new lines, bytes that are not UTF-8", "[setup]") {
  HaInventory inv;
  inv.areas = {{"den", "Den \"the\nbest\" \xff\\ room"}};
  inv.devices = {};
  inv.entities = {{"binary_sensor.den_motion", "", "den", "zha", false},
                  {"binary_sensor.den_x", "", "den", "zha", false}};
  inv.states = {{"binary_sensor.den_motion", "off", "motion", ""}, {"binary_sensor.den_x", "off", "x\nhome: evil", ""}};
  inv.config.time_zone = "Mars/Olympus_Mons";  // unknown here: UTC, and the comment says so
  const auto p = propose_home(inv, {});
  const auto yaml = render_yaml(p);
  INFO(yaml);
  const auto cfg =
      config::parse_config(yaml, "den.yaml", [](std::string_view) { return std::optional<std::string>(); });
  CHECK(cfg.rooms[0].name == "Den \"the\nbest\" ?\\ room");
  CHECK(cfg.timezone == "UTC");
  CHECK(cfg.home == "home");
  CHECK(yaml.find("'Mars/Olympus_Mons' is not in this machine's tz database") != std::string::npos);
  CHECK(yaml.find("ingestor:") == std::string::npos);  // nothing to say: the defaults
}
