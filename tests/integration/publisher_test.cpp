// The publisher as Home Assistant sees it, on a real Mosquitto.
#include <rapidjson/document.h>

#include <catch2/catch.hpp>
#include <csignal>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "occupancy/contract/validator.hpp"
#include "test_support.hpp"

using namespace occupancy;
using namespace occupancy::testing;

namespace {

const std::vector<std::string> kRooms{"bedroom", "bathroom",       "small_bathroom",
                                      "office",  "living_kitchen", "guest_bedroom"};

std::string shipped_config() {
  std::ifstream in(std::string(OCCUPANCY_SOURCE_DIR) + "/config/home.yaml");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The shipped config under another home id and HTTP port, optionally without a room.
std::string config_text(const std::string& home, std::uint16_t port, const std::string& without_room = "") {
  std::string text = std::regex_replace(shipped_config(), std::regex("\nhome: home"), "\nhome: " + home);
  text = std::regex_replace(text, std::regex("port: 9485"), "port: " + std::to_string(port));
  if (without_room.empty()) return text;
  std::stringstream in(text), out;
  int skip = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.find("id: " + without_room) != std::string::npos && line.find("- id:") != std::string::npos) skip = 3;
    if (skip > 0) {
      --skip;
      continue;
    }
    if (line.find(without_room) == std::string::npos) out << line << '\n';
  }
  return out.str();
}

rapidjson::Document parse(const std::string& text) {
  rapidjson::Document d;
  d.Parse(text.c_str());
  return d;
}

std::string prediction(const std::string& room, double p15) {
  return R"({"ts":"2026-11-28T07:00:00.000Z","room":")" + room + R"(","occupied_now":false,"occupancy":{"15":)" +
         std::to_string(p15) +
         R"(,"120":0.5},"minutes_to_vacancy":null,"minutes_to_next_occupancy":37,)"
         R"("model_version":"baseline-persistence","fallback":"persistence"})";
}

}  // namespace

TEST_CASE(
    "HA sees discovery and states, a birth message re-publishes, a threshold set in HA applies and survives a "
    "restart, removed rooms disappear, the API answers",
    "[integration]") {
  const auto broker = broker_from_env();
  const auto home = unique_home("pub");
  const auto dir = temp_dir(home);
  const auto port = free_port();
  std::ofstream(dir / "home.yaml") << config_text(home, port);
  const auto discovery = [&](const std::string& room) {
    return "homeassistant/device/occupancy_" + home + "_" + room + "/config";
  };
  const auto state = [&](const std::string& room) { return "occupancy/" + home + "/ha/" + room; };

  Recorder ha(broker, {"homeassistant/device/+/config", "occupancy/" + home + "/#"});
  auto publisher = std::make_unique<Process>(std::string(OCCUPANCY_BIN_DIR) + "/occupancy-publisher",
                                             std::vector<std::string>{"--config", (dir / "home.yaml").string()},
                                             std::map<std::string, std::string>{{"OCCUPANCY_API_TOKEN", "api-secret"}},
                                             dir / "publisher.log");
  for (const auto& room : kRooms) {
    INFO(room << "\n" << publisher->output());
    auto m = ha.wait_for(discovery(room), [](const Message& m) { return !m.payload.empty(); });
    REQUIRE(m);
    const auto d = parse(m->payload);
    CHECK_FALSE(contract::validator().check(proto::channel::ha_discovery.schema_file, d));
    CHECK(d["cmps"]["occupancy_15"]["state_topic"].GetString() == state(room));
  }

  ha.publish("occupancy/" + home + "/prediction/office", prediction("office", 0.25));
  auto s = ha.wait_for(state("office"), [](const Message&) { return true; });
  REQUIRE(s);
  CHECK(parse(s->payload)["occupancy_pct"]["15"].GetDouble() == 25.0);
  CHECK(parse(s->payload)["minutes_to_next_occupancy"].GetDouble() == 37.0);

  // A change inside the deadband is not published; a larger one is.
  ha.publish("occupancy/" + home + "/prediction/office", prediction("office", 0.26));
  ha.publish("occupancy/" + home + "/prediction/office", prediction("office", 0.60));
  REQUIRE(ha.wait_for(state("office"),
                      [](const Message& m) { return parse(m.payload)["occupancy_pct"]["15"].GetDouble() == 60.0; }));
  size_t office_states = 0;
  for (const auto& m : ha.messages()) office_states += m.topic == state("office");
  CHECK(office_states == 2);

  // HA restarts: its birth message brings discovery again, then the states.
  const auto before = ha.messages().size();
  ha.publish("homeassistant/status", "online");
  std::vector<Message> all;
  for (int i = 0; i < 200; ++i) {  // until the office state has come again after the birth
    all = ha.messages();
    bool again = false;
    for (size_t k = before; k < all.size(); ++k) again |= all[k].topic == state("office");
    if (again) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  long last_discovery = -1, first_state = -1;
  for (size_t i = before; i < all.size(); ++i) {
    if (all[i].topic == discovery("guest_bedroom")) last_discovery = static_cast<long>(i);
    if (all[i].topic == state("office") && first_state < 0) first_state = static_cast<long>(i);
  }
  CHECK(last_discovery >= 0);
  CHECK(first_state > last_discovery);

  // The prediction API, with its bearer token.
  CHECK(http_get(port, "/api/v1/rooms").first == 401);
  const std::string auth = "Authorization: Bearer api-secret\r\n";
  auto [code, body] = http_get(port, "/api/v1/rooms", auth);
  CHECK(code == 200);
  CHECK(parse(body)["rooms"].Size() == 6);
  std::tie(code, body) = http_get(port, "/api/v1/predict/office", auth);
  CHECK(code == 200);
  CHECK(parse(body)["occupancy"][0]["probability"].GetDouble() == Approx(0.6));
  std::tie(code, body) = http_get(port, "/api/v1/predict/attic", auth);
  CHECK(code == 404);
  CHECK(std::string(parse(body)["error"].GetString()) == "unknown_room");

  // HA's number entity sets the office's 15-minute threshold: the state carries it at once
  // (whatever the deadband), and it is kept retained on settings/office.
  ha.publish("occupancy/" + home + "/settings/office/set", R"({"threshold_pct": {"15": 70.0}})");
  const auto threshold_of = [](const Message& m) {
    const auto d = parse(m.payload);
    return d.IsObject() && d.HasMember("threshold_pct") && d["threshold_pct"].HasMember("15")
               ? d["threshold_pct"]["15"].GetDouble()
               : -1.0;
  };
  CHECK(ha.wait_for(state("office"), [&](const Message& m) { return threshold_of(m) == 70.0; }));
  CHECK(
      ha.wait_for("occupancy/" + home + "/settings/office", [&](const Message& m) { return threshold_of(m) == 70.0; }));
  ha.publish("occupancy/" + home + "/settings/attic/set", R"({"threshold_pct": {"15": 70.0}})");  // not a room
  CHECK(ha.wait_for("occupancy/" + home + "/dlq/publisher",
                    [](const Message& m) { return m.payload.find("attic") != std::string::npos; }));

  // The guest bedroom leaves the config: its retained discovery is cleared, so HA removes it.
  publisher->signal(SIGTERM);
  REQUIRE(publisher->wait(std::chrono::seconds(10)) == 0);
  std::ofstream(dir / "home.yaml") << config_text(home, port, "guest_bedroom");
  publisher = std::make_unique<Process>(std::string(OCCUPANCY_BIN_DIR) + "/occupancy-publisher",
                                        std::vector<std::string>{"--config", (dir / "home.yaml").string()},
                                        std::map<std::string, std::string>{}, dir / "publisher2.log");
  INFO(publisher->output());
  CHECK(ha.wait_for(discovery("guest_bedroom"), [](const Message& m) { return m.payload.empty(); }));
  // The threshold set in HA survived the restart: the next state carries it.
  ha.publish("occupancy/" + home + "/prediction/office", prediction("office", 0.10));
  CHECK(ha.wait_for(state("office"), [&](const Message& m) {
    return parse(m.payload)["occupancy_pct"]["15"].GetDouble() == 10.0 && threshold_of(m) == 70.0;
  }));
  {
    Recorder late(broker, {discovery("guest_bedroom"), discovery("office")});
    CHECK(late.wait_for(discovery("office"), [](const Message& m) { return m.retained; }));
    CHECK_FALSE(late.wait_for(
        discovery("guest_bedroom"), [](const Message&) { return true; }, std::chrono::seconds(1)));
  }
  publisher->signal(SIGTERM);
  CHECK(publisher->wait(std::chrono::seconds(10)) == 0);
}
