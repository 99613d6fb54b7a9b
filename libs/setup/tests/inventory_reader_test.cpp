#include "occupancy/setup/inventory_reader.hpp"

#include <catch2/catch.hpp>

#include "occupancy/config/home_config.hpp"
#include "occupancy/setup/home_proposal.hpp"
#include "occupancy/simulation/ha_api.hpp"
#include "same_house.hpp"

using namespace occupancy;
using setup::InventoryError;
using setup::InventoryReader;

namespace {

const config::HomeConfig& shipped() {
  static const auto cfg = config::load_config(std::filesystem::path(OCCUPANCY_SOURCE_DIR) / "config/home.yaml",
                                              [](std::string_view) { return std::optional<std::string>(); });
  return cfg;
}

// Plays the reader against the simulated HA's session (both sans-IO): the frames each sends
// go to the other until the reader is done.
setup::HaInventory read_from_simulated_ha(const std::string& token) {
  simulation::HaHome home(shipped(), {});
  simulation::HaWebSocketSession ha(home, "secret");
  InventoryReader reader(token);
  std::vector<std::string> to_reader{ha.hello()};
  for (int round = 0; round < 10 && !to_reader.empty(); ++round) {
    std::vector<std::string> to_ha;
    for (const auto& f : to_reader) {
      auto out = reader.on_frame(f);
      if (out.done) return reader.inventory();
      to_ha.insert(to_ha.end(), out.frames.begin(), out.frames.end());
    }
    to_reader.clear();
    for (const auto& f : to_ha) {
      auto out = ha.receive(f, 0);
      to_reader.insert(to_reader.end(), out.messages.begin(), out.messages.end());
    }
  }
  FAIL("the reader never finished");
  return {};
}

}  // namespace

TEST_CASE("the inventory of the simulated HA: its areas, devices, entities, states and config", "[setup]") {
  const auto inv = read_from_simulated_ha("secret");
  CHECK(inv.areas.size() == shipped().rooms.size());
  CHECK(inv.config.time_zone == shipped().timezone);
  CHECK(inv.config.latitude != 0);
  REQUIRE(inv.entry("binary_sensor.bedroom_motion") != nullptr);
  CHECK(inv.area_of(*inv.entry("binary_sensor.bedroom_motion")) == "bedroom");  // through its device
  const auto* kitchen = inv.entry("binary_sensor.living_kitchen_kitchen_presence");
  REQUIRE(kitchen != nullptr);
  CHECK(inv.device(kitchen->device_id)->area_id.empty());  // the entity carries the area itself
  CHECK(inv.area_of(*kitchen) == "living_kitchen");
  CHECK(std::any_of(inv.states.begin(), inv.states.end(), [](const auto& s) { return s.entity_id == "person.anca"; }));
}

TEST_CASE("config init's proposal from the simulated HA is the shipped home config", "[setup]") {
  const auto proposal =
      setup::propose_home(read_from_simulated_ha("secret"), {"home", "http://127.0.0.1:8123", "", ""});
  const auto yaml = setup::render_yaml(proposal);
  INFO(yaml);
  const auto proposed =
      config::parse_config(yaml, "proposed.yaml", [](std::string_view) { return std::optional<std::string>(); });
  testing::check_same_house(proposed, shipped());
  CHECK(proposed.ingestor.ha_url == "http://127.0.0.1:8123");
  // What HA has beside the sensors is listed as not used, with why.
  CHECK(yaml.find("#   binary_sensor.bedroom_window: device_class window says nothing of presence") !=
        std::string::npos);
}

TEST_CASE("a refused token and a refused command are errors that say so", "[setup]") {
  CHECK_THROWS_WITH(read_from_simulated_ha("wrong"), Catch::Contains("refused the access token"));
  InventoryReader reader("t");
  reader.on_frame(R"({"type":"auth_required","ha_version":"2025.1.0"})");
  CHECK(reader.on_frame(R"({"type":"auth_ok","ha_version":"2025.1.0"})").frames.size() == 5);
  CHECK_THROWS_WITH(
      reader.on_frame(
          R"({"id":3,"type":"result","success":false,"error":{"code":"unauthorized","message":"Unauthorized"}})"),
      Catch::Contains("config/entity_registry/list failed: Unauthorized"));
  CHECK_THROWS_WITH(reader.on_frame("not json"), Catch::Contains("not one of its API's"));
}

TEST_CASE("a result that is not what HA documents names the command and the field", "[setup]") {
  InventoryReader reader("t");
  reader.on_frame(R"({"type":"auth_ok"})");
  for (int id = 1; id <= 4; ++id)
    reader.on_frame(R"({"id":)" + std::to_string(id) + R"(,"type":"result","success":true,"result":[]})");
  CHECK_THROWS_WITH(reader.on_frame(R"({"id":5,"type":"result","success":true,"result":{"time_zone":7}})"),
                    Catch::Contains("get_config: 'time_zone' is not a string"));
  CHECK_THROWS_WITH(setup::parse_areas(R"([{"name":"Hall"}])"),
                    Catch::Contains("area_registry/list: an entry has no 'area_id'"));
  CHECK_THROWS_WITH(setup::parse_devices("{}"), Catch::Contains("device_registry/list: the result is not a list"));
}
