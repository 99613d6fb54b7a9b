// The walking skeleton end to end: five real service processes on a real Mosquitto.
#include <rapidjson/document.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <csignal>
#include <fstream>
#include <functional>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "occupancy/contract/validator.hpp"
#include "occupancy/core/time.hpp"
#include "test_support.hpp"

using namespace occupancy;
using namespace occupancy::testing;

namespace {

const std::vector<std::string> kServices{"ingestor", "cleaner", "feature", "predictor", "publisher"};

struct Suite {
  std::string home = unique_home("it");
  std::filesystem::path dir = temp_dir(home);
  std::filesystem::path config = dir / "home.yaml";
  std::map<std::string, std::uint16_t> ports;
  std::vector<std::unique_ptr<Process>> processes;
  std::map<std::string, std::string> env;  // the services' environment beyond this process's

  /// `edit`: a change to the shipped config's text (other horizons, ...).
  explicit Suite(const std::function<std::string(const std::string&)>& edit = {}) {
    std::ifstream in(std::string(OCCUPANCY_SOURCE_DIR) + "/config/home.yaml");
    std::stringstream s;
    s << in.rdbuf();
    std::string text = std::regex_replace(s.str(), std::regex("\nhome: home"), "\nhome: " + home);
    if (edit) text = edit(text);
    for (size_t i = 0; i < kServices.size(); ++i) {
      ports[kServices[i]] = free_port();
      text = std::regex_replace(text, std::regex("port: 948" + std::to_string(i + 1)),
                                "port: " + std::to_string(ports[kServices[i]]));
    }
    std::ofstream(config) << text;
  }

  void start(const config::MqttEndpoint&) {
    for (const auto& s : kServices)
      processes.push_back(std::make_unique<Process>(std::string(OCCUPANCY_BIN_DIR) + "/occupancy-" + s,
                                                    std::vector<std::string>{"--config", config.string()}, env,
                                                    dir / (s + ".log")));
  }

  std::string topic(const std::string& rest) const { return "occupancy/" + home + "/" + rest; }
};

rapidjson::Document parse(const std::string& text) {
  rapidjson::Document d;
  d.Parse(text.c_str());
  return d;
}

}  // namespace

TEST_CASE(
    "a reading travels raw -> clean -> state -> features -> prediction -> HA state, garbage is dead-lettered, SIGTERM "
    "goes offline",
    "[integration]") {
  const auto broker = broker_from_env();
  Suite suite;
  Recorder rec(broker, {"occupancy/" + suite.home + "/#"});
  suite.start(broker);

  for (const auto& s : kServices) {
    INFO(s << " log:\n" << suite.processes[0]->output());
    REQUIRE(rec.wait_for(suite.topic("status/" + s), [](const Message& m) { return m.payload == "online"; }));
  }

  rec.publish(suite.topic("raw/office/desk_anca"),
              raw_reading_json("binary_sensor.office_desk_anca_presence", "office", "desk_anca", "on"));
  // The cleaner first announces every room (vacant), then the reading, after its hold window.
  auto state = rec.wait_for(suite.topic("state/office"),
                            [](const Message& m) { return parse(m.payload)["occupied"].GetBool(); });
  REQUIRE(state);
  CHECK(std::string(parse(state->payload)["active_zones"][0].GetString()) == "desk_anca");
  auto ha = rec.wait_for(suite.topic("ha/office"),
                         [](const Message& m) { return parse(m.payload)["occupied_now"].GetBool(); });
  REQUIRE(ha);
  const auto doc = parse(ha->payload);
  CHECK_FALSE(contract::validator().check(proto::channel::ha_state.schema_file, doc));
  CHECK(doc["occupancy_pct"]["15"].GetDouble() == 100.0);
  CHECK(std::string(doc["model_version"].GetString()) == "baseline-persistence");

  // The HA state is retained: a late subscriber (HA after a restart) still gets it.
  {
    Recorder late(broker, {suite.topic("ha/office")});
    auto retained = late.wait_for(
        suite.topic("ha/office"), [](const Message& m) { return m.retained; }, std::chrono::seconds(5));
    REQUIRE(retained);
    CHECK(parse(retained->payload)["occupied_now"].GetBool());
  }

  // The room goes vacant again: the retained HA state follows.
  rec.publish(suite.topic("raw/office/desk_anca"),
              raw_reading_json("binary_sensor.office_desk_anca_presence", "office", "desk_anca", "off"));
  REQUIRE(rec.wait_for(suite.topic("ha/office"),
                       [](const Message& m) { return !parse(m.payload)["occupied_now"].GetBool(); }));

  // Malformed JSON, a wrong type and an unknown entity each reach the DLQ with their reason.
  rec.publish(suite.topic("raw/office/desk_anca"), "{oops");
  auto dead = rec.wait_for(suite.topic("dlq/cleaner"),
                           [](const Message& m) { return m.payload.find("\"parse\"") != std::string::npos; });
  REQUIRE(dead);
  const auto dl = parse(dead->payload);
  CHECK_FALSE(contract::validator().check(proto::channel::dlq.schema_file, dl));
  CHECK(std::string(dl["topic"].GetString()) == suite.topic("raw/office/desk_anca"));
  CHECK(std::string(dl["payload"].GetString()) == "{oops");

  std::string wrong_type = raw_reading_json("binary_sensor.office_desk_anca_presence", "office", "desk_anca", "on");
  wrong_type.replace(wrong_type.find("\"on\""), 4, "1");
  rec.publish(suite.topic("raw/office/desk_anca"), wrong_type);
  REQUIRE(rec.wait_for(suite.topic("dlq/cleaner"),
                       [](const Message& m) { return parse(m.payload)["error"]["pointer"] == "/state"; }));
  rec.publish(suite.topic("raw/attic/bed"), raw_reading_json("binary_sensor.attic_bed", "attic", "bed", "on"));
  REQUIRE(rec.wait_for(suite.topic("dlq/cleaner"),
                       [](const Message& m) { return parse(m.payload)["error"]["keyword"] == "unknown_entity"; }));
  rec.publish(suite.topic("prediction/office"), R"({"room":"office"})");
  REQUIRE(rec.wait_for(suite.topic("dlq/publisher"),
                       [](const Message& m) { return parse(m.payload)["error"]["keyword"] == "required"; }));
  // Regression: 200,000 nested '[' on the clock crashed the cleaner (and, sent retained, on
  // every start). Now a dead letter, and the cleaner goes on (its /healthz below).
  rec.publish(suite.topic("clock"), std::string(200'000, '['));
  REQUIRE(rec.wait_for(suite.topic("dlq/cleaner"),
                       [](const Message& m) { return parse(m.payload)["error"]["keyword"] == "nesting"; }));
  // Regression: a date that fits the pattern but does not exist became the epoch.
  std::string no_such_day = raw_reading_json("binary_sensor.office_desk_anca_presence", "office", "desk_anca", "on");
  no_such_day.replace(no_such_day.find("\"ts\":\"") + 6, 10, "2026-02-30");
  rec.publish(suite.topic("raw/office/desk_anca"), no_such_day);
  REQUIRE(rec.wait_for(suite.topic("dlq/cleaner"),
                       [](const Message& m) { return parse(m.payload)["error"]["keyword"] == "date"; }));

  // Regression: one raw reading dated 2099 moved the cleaner's settled time to 2098-12-31.
  // Now refused with its reason, and no clock of the suite moves there.
  std::string far = raw_reading_json("binary_sensor.office_desk_anca_presence", "office", "desk_anca", "on");
  far.replace(far.find("\"ts\":\"") + 6, 4, "2099");
  rec.publish(suite.topic("raw/office/desk_anca"), far);
  auto poisoned = rec.wait_for(suite.topic("dlq/cleaner"),
                               [](const Message& m) { return parse(m.payload)["error"]["keyword"] == "event_time"; });
  REQUIRE(poisoned);
  CHECK_THAT(poisoned->payload, Catch::Contains("past the wall clock"));
  std::string clock_2099 = R"({"ts":"2099-01-01T00:00:00.000Z"})";
  rec.publish(suite.topic("clock"), clock_2099);
  REQUIRE(rec.wait_for(suite.topic("dlq/cleaner"), [](const Message& m) {
    return parse(m.payload)["error"]["keyword"] == "event_time" && m.payload.find("clock") != std::string::npos;
  }));
  // Regression (found by router_fuzz): a key with invalid UTF-8 made RapidJSON read out of bounds.
  rec.publish(suite.topic("clock"), "{\"ts\xEA\": \"x\"}");
  REQUIRE(rec.wait_for(suite.topic("dlq/cleaner"),
                       [](const Message& m) { return parse(m.payload)["error"]["keyword"] == "encoding"; }));

  // Every service answers /healthz and serves metrics that promtool accepts.
  for (const auto& s : kServices) {
    INFO(s);
    CHECK(http_get(suite.ports[s], "/healthz").first == 200);
    const auto [status, metrics] = http_get(suite.ports[s], "/metrics");
    REQUIRE(status == 200);
    CHECK_THAT(metrics, Catch::Contains("occupancy_build_info{service=\"" + s + "\""));
    const auto file = suite.dir / (s + ".metrics");
    std::ofstream(file) << metrics;
    const auto [rc, out] = run("/bin/sh", {"-c", "promtool check metrics < " + file.string()});
    INFO(out);
    CHECK(rc == 0);
  }
  CHECK_THAT(http_get(suite.ports["cleaner"], "/metrics").second,
             Catch::Contains("occupancy_dead_letters_total{reason=\"parse\"} 1"));
  for (const auto& m : rec.messages())  // no settled time, state, feature vector or prediction went to 2098-2099
    for (const char* derived : {"/settled", "/state/", "/features/", "/prediction/", "/clean/"})
      if (m.topic.find(derived) != std::string::npos) CHECK(m.payload.find("\"ts\":\"209") == std::string::npos);

  // Graceful shutdown: offline (retained), exit 0.
  for (size_t i = 0; i < kServices.size(); ++i) {
    INFO(kServices[i]);
    suite.processes[i]->signal(SIGTERM);
    CHECK(suite.processes[i]->wait(std::chrono::seconds(15)) == 0);
    CHECK(rec.wait_for(suite.topic("status/" + kServices[i]), [](const Message& m) { return m.payload == "offline"; }));
  }
}

// Horizons are data: the config decides what the predictor computes, what discovery announces
// and what the states carry; a room may have fewer than the home.
TEST_CASE("horizons [30, 180] (the guest bedroom only 180) end to end: predictions, discovery, states, thresholds",
          "[integration]") {
  const auto broker = broker_from_env();
  Suite suite([](const std::string& text) {
    auto out = std::regex_replace(text, std::regex("\nhorizons_min: \\[15, 120\\]"), "\nhorizons_min: [30, 180]");
    return std::regex_replace(out, std::regex("\n    name: Guest bedroom\n"),
                              "\n    name: Guest bedroom\n    horizons_min: [180]\n");
  });
  // A model trained for these horizons on ten simulated days, so durations (and P(vacant within)) are served.
  suite.env = {{"OCCUPANCY_DB_URL", fresh_database("it_horizons", true)}};
  const auto cli = std::string(OCCUPANCY_BIN_DIR) + "/occupancy";
  const auto history = (suite.dir / "h.csv").string();
  REQUIRE(run(cli, {"--config", suite.config.string(), "sim", "history", "--days", "10", "--out", history}, suite.env)
              .first == 0);
  const auto [rc, trained] = run(cli,
                                 {"--config", suite.config.string(), "train", "--history", history, "--folds", "1",
                                  "--fold-days", "2", "--force", "--no-publish"},
                                 suite.env);
  INFO(trained);
  REQUIRE(rc == 0);
  Recorder rec(broker, {"occupancy/" + suite.home + "/#", "homeassistant/device/+/config"});
  suite.start(broker);
  for (const auto& s : kServices)
    REQUIRE(rec.wait_for(suite.topic("status/" + s), [](const Message& m) { return m.payload == "online"; }));

  const auto keys = [](const rapidjson::Value& o) {
    std::set<std::string> out;
    for (const auto& m : o.GetObject()) out.insert(m.name.GetString());
    return out;
  };
  const auto has_prefix = [](const std::set<std::string>& s, const std::string& prefix) {
    std::set<std::string> out;
    for (const auto& k : s)
      if (k.rfind(prefix, 0) == 0) out.insert(k);
    return out;
  };
  // Discovery: one forecast, Expected occupied and threshold per horizon of the room; Vacant within 15 / 30.
  const auto discovery = [&](const std::string& room) {
    auto m = rec.wait_for("homeassistant/device/occupancy_" + suite.home + "_" + room + "/config",
                          [](const Message&) { return true; });
    REQUIRE(m);
    return keys(parse(m->payload)["cmps"]);
  };
  const auto office = discovery("office");
  CHECK(has_prefix(office, "occupancy_") == std::set<std::string>{"occupancy_30", "occupancy_180"});
  CHECK(has_prefix(office, "expected_occupied_") ==
        std::set<std::string>{"expected_occupied_30", "expected_occupied_180"});
  CHECK(has_prefix(office, "threshold_") == std::set<std::string>{"threshold_30", "threshold_180"});
  CHECK(has_prefix(office, "vacant_within_") == std::set<std::string>{"vacant_within_15", "vacant_within_30"});
  CHECK(has_prefix(office, "live_brier_") == std::set<std::string>{"live_brier_30", "live_brier_180"});
  CHECK(has_prefix(discovery("guest_bedroom"), "occupancy_") == std::set<std::string>{"occupancy_180"});

  // An occupied office: the prediction and the HA state carry exactly its horizons, and P(vacant within).
  rec.publish(suite.topic("raw/office/desk_anca"),
              raw_reading_json("binary_sensor.office_desk_anca_presence", "office", "desk_anca", "on"));
  auto prediction = rec.wait_for(suite.topic("prediction/office"),
                                 [](const Message& m) { return parse(m.payload)["occupied_now"].GetBool(); });
  REQUIRE(prediction);
  auto doc = parse(prediction->payload);
  CHECK_FALSE(contract::validator().check(proto::channel::prediction.schema_file, doc));
  CHECK(keys(doc["occupancy"]) == std::set<std::string>{"30", "180"});
  CHECK(std::string(doc["model_version"].GetString()).rfind("m", 0) == 0);  // the trained version
  auto ha = rec.wait_for(suite.topic("ha/office"),
                         [](const Message& m) { return parse(m.payload)["occupied_now"].GetBool(); });
  REQUIRE(ha);
  doc = parse(ha->payload);
  CHECK_FALSE(contract::validator().check(proto::channel::ha_state.schema_file, doc));
  CHECK(keys(doc["occupancy_pct"]) == std::set<std::string>{"30", "180"});
  REQUIRE(doc.HasMember("vacant_within_pct"));
  CHECK(keys(doc["vacant_within_pct"]) == std::set<std::string>{"15", "30"});
  CHECK(doc["vacant_within_pct"]["15"].GetDouble() <= doc["vacant_within_pct"]["30"].GetDouble());

  // The guest bedroom's forecasts: 180 min only.
  rec.publish(suite.topic("raw/guest_bedroom/bed"),
              raw_reading_json("binary_sensor.guest_bedroom_bed_presence", "guest_bedroom", "bed", "on"));
  auto guest = rec.wait_for(suite.topic("ha/guest_bedroom"),
                            [](const Message& m) { return parse(m.payload)["occupied_now"].GetBool(); });
  REQUIRE(guest);
  CHECK(keys(parse(guest->payload)["occupancy_pct"]) == std::set<std::string>{"180"});

  // A threshold from HA's number entity for 30 min applies and is kept; one for 15 min is refused.
  rec.publish(suite.topic("settings/office/set"), R"({"threshold_pct": {"30": 70}})");
  auto kept = rec.wait_for(suite.topic("settings/office"), [](const Message& m) {
    const auto d = parse(m.payload);
    return d.IsObject() && d.HasMember("threshold_pct") && d["threshold_pct"].HasMember("30");
  });
  REQUIRE(kept);
  CHECK(parse(kept->payload)["threshold_pct"]["30"].GetDouble() == 70.0);
  REQUIRE(rec.wait_for(suite.topic("ha/office"), [](const Message& m) {
    const auto d = parse(m.payload);
    return d.HasMember("threshold_pct") && d["threshold_pct"]["30"].GetDouble() == 70.0;
  }));
  rec.publish(suite.topic("settings/office/set"), R"({"threshold_pct": {"15": 70}})");
  auto refused = rec.wait_for(suite.topic("dlq/publisher"), [](const Message& m) {
    return parse(m.payload)["error"]["keyword"] == "unknown_horizon";
  });
  REQUIRE(refused);
  CHECK_THAT(refused->payload, Catch::Contains("no 15 min horizon"));
}

TEST_CASE("a service killed without warning is reported offline by its last will", "[integration]") {
  const auto broker = broker_from_env();
  Suite suite;
  Recorder rec(broker, {suite.topic("status/+")});
  Process cleaner(std::string(OCCUPANCY_BIN_DIR) + "/occupancy-cleaner", {"--config", suite.config.string()}, {},
                  suite.dir / "cleaner-killed.log");
  REQUIRE(rec.wait_for(suite.topic("status/cleaner"), [](const Message& m) { return m.payload == "online"; }));
  cleaner.signal(SIGKILL);
  // Keep-alive is 20 s; the broker notices the dropped socket at once.
  CHECK(rec.wait_for(
      suite.topic("status/cleaner"), [](const Message& m) { return m.payload == "offline"; },
      std::chrono::seconds(40)));
}

TEST_CASE("a service with a broken config exits 3 and names the key", "[integration]") {
  const auto dir = temp_dir("badconfig");
  std::ifstream in(std::string(OCCUPANCY_SOURCE_DIR) + "/config/home.yaml");
  std::stringstream s;
  s << in.rdbuf();
  const auto bad =
      std::regex_replace(s.str(), std::regex("room: office, zone: desk_anca"), "room: attic, zone: desk_anca");
  std::ofstream(dir / "home.yaml") << bad;
  const auto [rc, out] =
      run(std::string(OCCUPANCY_BIN_DIR) + "/occupancy-cleaner", {"--config", (dir / "home.yaml").string()});
  CHECK(rc == 3);
  CHECK_THAT(out, Catch::Contains("entities[") && Catch::Contains("unknown room 'attic'"));

  const auto [help_rc, help] = run(std::string(OCCUPANCY_BIN_DIR) + "/occupancy-cleaner", {"--help"});
  CHECK(help_rc == 0);
  CHECK_THAT(help, Catch::Contains("--config"));
  CHECK(run(std::string(OCCUPANCY_BIN_DIR) + "/occupancy-cleaner", {"--bogus"}).first == 2);
}

namespace {

// A private Mosquitto on a fixed port, so a test can stop and restart "the broker".
class PrivateBroker {
 public:
  /// `persistent`: the shipped persistence settings (deploy/mosquitto.conf).
  explicit PrivateBroker(std::uint16_t port, bool persistent = false)
      : port_(port), dir_(temp_dir("broker-" + std::to_string(port))) {
    std::ofstream conf(dir_ / "mosquitto.conf");
    conf << "listener " << port << " 127.0.0.1\nallow_anonymous true\nmax_queued_messages 0\n"
         << (::geteuid() == 0 ? "user root\n" : "");
    if (persistent) {  // the shipped persistence lines, with a private location
      std::ifstream shipped(std::string(OCCUPANCY_SOURCE_DIR) + "/deploy/mosquitto.conf");
      int copied = 0;
      for (std::string line; std::getline(shipped, line);)
        if (line.starts_with("persistence ") || line.starts_with("autosave")) {
          conf << line << "\n";
          ++copied;
        }
      REQUIRE(copied >= 2);
      conf << "persistence_location " << (dir_ / "").string() << "\n";
    }
    conf.close();
    start();
  }
  void kill() {
    process_->signal(SIGKILL);
    process_->wait(std::chrono::seconds(5));
  }
  void start() {
    process_ = std::make_unique<Process>("/usr/sbin/mosquitto",
                                         std::vector<std::string>{"-c", (dir_ / "mosquitto.conf").string()},
                                         std::map<std::string, std::string>{}, dir_ / "mosquitto.log");
    for (int i = 0; i < 100 && http_get(port_, "/").first == 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  void stop() {
    process_->signal(SIGTERM);
    process_->wait(std::chrono::seconds(5));
  }
  config::MqttEndpoint endpoint() const { return config::parse_mqtt_url("mqtt://127.0.0.1:" + std::to_string(port_)); }
  std::string url() const { return "mqtt://127.0.0.1:" + std::to_string(port_); }

 private:
  std::uint16_t port_;
  std::filesystem::path dir_;
  std::unique_ptr<Process> process_;
};

}  // namespace

TEST_CASE("without a broker a service is unhealthy, retries, and still stops cleanly", "[integration]") {
  Suite suite;
  const auto port = suite.ports["cleaner"];
  Process cleaner(std::string(OCCUPANCY_BIN_DIR) + "/occupancy-cleaner", {"--config", suite.config.string()},
                  {{"OCCUPANCY_MQTT_URL", "mqtt://127.0.0.1:" + std::to_string(free_port())}},
                  suite.dir / "nobroker.log");
  int status = 0;
  for (int i = 0; i < 100 && (status = http_get(port, "/healthz").first) == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK(status == 503);
  std::this_thread::sleep_for(std::chrono::seconds(2));
  CHECK_THAT(cleaner.output(), Catch::Contains("retrying in"));
  cleaner.signal(SIGTERM);
  CHECK(cleaner.wait(std::chrono::seconds(10)) == 0);
}

TEST_CASE("after a broker restart a service reconnects, resubscribes and goes online again", "[integration]") {
  PrivateBroker broker(free_port());
  Suite suite;
  Process cleaner(std::string(OCCUPANCY_BIN_DIR) + "/occupancy-cleaner", {"--config", suite.config.string()},
                  {{"OCCUPANCY_MQTT_URL", broker.url()}}, suite.dir / "restart.log");
  {
    Recorder rec(broker.endpoint(), {suite.topic("status/+")});
    REQUIRE(rec.wait_for(suite.topic("status/cleaner"), [](const Message& m) { return m.payload == "online"; }));
  }
  broker.stop();  // not persistent: the broker forgets sessions and retained messages
  std::this_thread::sleep_for(std::chrono::seconds(1));
  CHECK(http_get(suite.ports["cleaner"], "/healthz").first == 503);
  broker.start();
  Recorder rec(broker.endpoint(), {suite.topic("#")});
  INFO(cleaner.output());
  REQUIRE(rec.wait_for(
      suite.topic("status/cleaner"), [](const Message& m) { return m.payload == "online"; }, std::chrono::seconds(45)));
  rec.publish(suite.topic("raw/office/desk_anca"),
              raw_reading_json("binary_sensor.office_desk_anca_presence", "office", "desk_anca", "on"));
  CHECK(rec.wait_for(suite.topic("clean/office/desk_anca"), [](const Message&) { return true; }));
  CHECK(http_get(suite.ports["cleaner"], "/healthz").first == 200);
  cleaner.signal(SIGTERM);
  CHECK(cleaner.wait(std::chrono::seconds(10)) == 0);
}

namespace {

// A counter of one channel from a service's /metrics (0 when not there yet).
double channel_count(std::uint16_t port, const std::string& family, const std::string& channel) {
  const auto body = http_get(port, "/metrics").second;
  std::smatch m;
  const std::regex line("\n" + family + "\\{[^}]*channel=\"" + channel + "\"[^}]*\\} ([0-9.e+-]+)");
  return std::regex_search(body, m, line) ? std::stod(m[1]) : 0.0;
}

}  // namespace

// Figures recorded in docs/benchmarks.md. Mosquitto saves after every loop with a change
// (deploy/mosquitto.conf); a service whose resends the broker keeps refusing replaces its Paho
// client and publishes them again (mqtt_client_it).
TEST_CASE(
    "the broker killed with SIGKILL mid-replay and restarted with persistence: QoS 1 messages lost per hop, and the "
    "time until every service is back online",
    "[integration][faults][broker-kill]") {
  PrivateBroker broker(free_port(), true);
  Suite suite;
  {  // a recording has its own time: event time follows it
    std::ifstream in(suite.config);
    std::stringstream text;
    text << in.rdbuf();
    in.close();
    std::ofstream(suite.config) << std::regex_replace(text.str(), std::regex("clock: wall "), "clock: events ");
  }
  const std::vector<std::string> services{"cleaner", "feature", "predictor", "publisher"};
  std::vector<std::unique_ptr<Process>> running;
  for (const auto& s : services)
    running.push_back(std::make_unique<Process>(
        std::string(OCCUPANCY_BIN_DIR) + "/occupancy-" + s, std::vector<std::string>{"--config", suite.config.string()},
        std::map<std::string, std::string>{{"OCCUPANCY_MQTT_URL", broker.url()}}, suite.dir / (s + ".log")));
  const auto all_online = [&] {
    for (const auto& s : services)
      if (http_get(suite.ports[s], "/healthz").first != 200) return false;
    return true;
  };
  REQUIRE(eventually(all_online, std::chrono::seconds(20)));

  auto [rc, out] = run(
      std::string(OCCUPANCY_BIN_DIR) + "/occupancy",
      {"--config", suite.config.string(), "sim", "history", "--days", "2", "--out", (suite.dir / "h.csv").string()});
  REQUIRE(rc == 0);
  Process replay(std::string(OCCUPANCY_BIN_DIR) + "/occupancy",
                 {"--config", suite.config.string(), "replay", (suite.dir / "h.csv").string(), "--speed", "max"},
                 {{"OCCUPANCY_MQTT_URL", broker.url()}}, suite.dir / "replay.log");
  // Mid-stream: the cleaner has a few hundred readings behind it.
  REQUIRE(eventually([&] { return channel_count(suite.ports["cleaner"], "occupancy_messages_in_total", "raw") > 300; },
                     std::chrono::seconds(60)));
  broker.kill();
  std::this_thread::sleep_for(std::chrono::seconds(2));
  const auto restarted = std::chrono::steady_clock::now();
  broker.start();
  REQUIRE(eventually(all_online, std::chrono::seconds(60)));
  const double back_online_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - restarted).count();
  REQUIRE(replay.wait(std::chrono::seconds(300)));
  INFO(replay.output());
  std::smatch m;
  const auto replay_out = replay.output();
  REQUIRE(std::regex_search(replay_out, m, std::regex("replayed ([0-9]+) readings and ([0-9]+) clock ticks")));
  const double raw_sent = std::stod(m[1]), ticks_sent = std::stod(m[2]);

  // Each non-retained hop: what its producer published against what its consumer received,
  // once the pipeline is quiet.
  struct Hop {
    std::string channel, from, to;
  };
  const std::vector<Hop> hops{
      {"clean", "cleaner", "feature"}, {"settled", "cleaner", "feature"}, {"features", "feature", "predictor"}};
  const auto snapshot = [&] {
    std::vector<double> v{channel_count(suite.ports["cleaner"], "occupancy_messages_in_total", "raw"),
                          channel_count(suite.ports["cleaner"], "occupancy_messages_in_total", "clock")};
    for (const auto& h : hops) {
      v.push_back(channel_count(suite.ports[h.from], "occupancy_messages_out_total", h.channel));
      v.push_back(channel_count(suite.ports[h.to], "occupancy_messages_in_total", h.channel));
    }
    return v;
  };
  std::vector<double> last;
  eventually(
      [&] {
        const auto now = snapshot();
        const bool quiet = now == last;
        last = now;
        return quiet;
      },
      std::chrono::seconds(60));
  const auto lost = [](double sent, double received) { return std::max(0.0, sent - received); };
  double total_lost = lost(raw_sent, last[0]) + lost(ticks_sent, last[1]);
  std::string figures = "raw " + std::to_string(static_cast<long>(raw_sent)) + " sent, " +
                        std::to_string(static_cast<long>(last[0])) + " received; clock " +
                        std::to_string(static_cast<long>(ticks_sent)) + " sent, " +
                        std::to_string(static_cast<long>(last[1])) + " received";
  for (std::size_t i = 0; i < hops.size(); ++i) {
    total_lost += lost(last[2 + 2 * i], last[3 + 2 * i]);
    figures += "; " + hops[i].channel + " " + std::to_string(static_cast<long>(last[2 + 2 * i])) + " sent, " +
               std::to_string(static_cast<long>(last[3 + 2 * i])) + " received";
  }
  WARN("broker SIGKILL mid-replay: " << figures << "; lost " << total_lost << "; every service online again "
                                     << back_online_s << " s after the restart");
  CHECK(last[0] > 0);
  CHECK(back_online_s < 60);
  CHECK(total_lost == 0);
  for (auto& p : running) p->signal(SIGTERM);
  for (auto& p : running) CHECK(p->wait(std::chrono::seconds(15)) == 0);
}
