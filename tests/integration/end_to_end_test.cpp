// The mission as one product: a simulated week of a household, served by the simulated Home
// Assistant at high speed, through all five services on a real Mosquitto and PostgreSQL, with a
// trained model. Home Assistant's retained discovery and states must be there and valid,
// predictions archived, nothing dead-lettered, and every service's /healthz and /metrics answer.
#include <rapidjson/document.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <csignal>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <thread>

#include "dashboard_queries.hpp"
#include "occupancy/contract/validator.hpp"
#include "occupancy/core/time.hpp"
#include "occupancy/proto/contract.hpp"
#include "occupancy/store/database.hpp"
#include "test_support.hpp"

using namespace occupancy;
using namespace occupancy::testing;

namespace {

const std::string kBin = OCCUPANCY_BIN_DIR;
const std::vector<std::string> kServices{"ingestor", "cleaner", "feature", "predictor", "publisher"};
const std::vector<std::string> kRooms{"bedroom", "bathroom",       "small_bathroom",
                                      "office",  "living_kitchen", "guest_bedroom"};

rapidjson::Document parse(const std::string& s) {
  rapidjson::Document d;
  d.Parse(s.c_str());
  return d;
}

}  // namespace

TEST_CASE("a simulated week through every process: HA discovery and states, archived predictions, health",
          "[integration]") {
  const auto broker = broker_from_env();
  const auto db_url = fresh_database("it_e2e", true);
  const auto home = unique_home("e2e");
  const auto dir = temp_dir(home);
  const auto ha_port = free_port();
  std::map<std::string, std::uint16_t> ports;
  for (const auto& s : kServices) ports[s] = free_port();
  const auto cfg =
      write_home_config(dir, home, ports, true,
                        {{"ha_url: http://127.0.0.1:8123", "ha_url: http://127.0.0.1:" + std::to_string(ha_port)}});
  const std::map<std::string, std::string> env{{"OCCUPANCY_DB_URL", db_url}, {"OCCUPANCY_HA_TOKEN", "e2e-token"}};

  // A model first, trained on two simulated weeks.
  auto [rc, out] = run(kBin + "/occupancy",
                       {"--config", cfg, "sim", "history", "--days", "14", "--out", (dir / "h.csv").string()}, env);
  REQUIRE(rc == 0);
  std::tie(rc, out) = run(kBin + "/occupancy",
                          {"--config", cfg, "train", "--history", (dir / "h.csv").string(), "--folds", "1",
                           "--fold-days", "2", "--no-publish"},
                          env);
  INFO(out);
  REQUIRE(rc == 0);

  Recorder rec(broker, {"occupancy/" + home + "/#", "homeassistant/device/+/config"});
  Process ha(kBin + "/occupancy",
             {"--config", cfg, "sim", "serve", "--port", std::to_string(ha_port), "--token", "e2e-token", "--speed",
              "5000", "--history-days", "1", "--future-days", "8"},
             env, dir / "ha.log");
  for (int i = 0; i < 100 && http_get(ha_port, "/").first == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  std::vector<std::unique_ptr<Process>> services;
  for (const auto& s : kServices)
    services.push_back(std::make_unique<Process>(kBin + "/occupancy-" + s, std::vector<std::string>{"--config", cfg},
                                                 env, dir / (s + ".log")));
  for (const auto& s : kServices)
    REQUIRE(rec.wait_for("occupancy/" + home + "/status/" + s, [](const Message& m) { return m.payload == "online"; }));

  // A simulated week: at 5000x, about two minutes. Wait for a prediction seven days on.
  const auto first = rec.wait_for(
      "occupancy/" + home + "/prediction/bedroom", [](const Message&) { return true; }, std::chrono::seconds(60));
  REQUIRE(first);
  const Millis start = *parse_iso8601(parse(first->payload)["ts"].GetString());
  const auto week = rec.wait_for(
      "occupancy/" + home + "/prediction/bedroom",
      [&](const Message& m) { return *parse_iso8601(parse(m.payload)["ts"].GetString()) >= start + 7 * 86'400'000LL; },
      std::chrono::seconds(400));
  INFO(services[1]->output());
  REQUIRE(week);
  CHECK(std::string(parse(week->payload)["model_version"].GetString()).rfind("m", 0) == 0);  // the trained model

  // What HA finds retained: discovery and a valid state for every room.
  {
    Recorder late(broker, {"homeassistant/device/+/config", "occupancy/" + home + "/ha/+"});
    for (const auto& room : kRooms) {
      INFO(room);
      const auto d = late.wait_for("homeassistant/device/occupancy_" + home + "_" + room + "/config",
                                   [](const Message& m) { return m.retained && !m.payload.empty(); });
      REQUIRE(d);
      CHECK_FALSE(contract::validator().check(proto::channel::ha_discovery.schema_file, parse(d->payload)));
      const auto s = late.wait_for("occupancy/" + home + "/ha/" + room, [](const Message& m) { return m.retained; });
      REQUIRE(s);
      CHECK_FALSE(contract::validator().check(proto::channel::ha_state.schema_file, parse(s->payload)));
    }
  }
  std::size_t dead_letters = 0;
  for (const auto& m : rec.messages()) dead_letters += m.topic.find("/dlq/") != std::string::npos;
  CHECK(dead_letters == 0);

  // Archived: predictions and clean readings of the week.
  store::Database db{config::Secret(db_url)};
  bool archived = false;
  for (int i = 0; i < 40 && !archived; ++i) {
    archived =
        std::stoul(db.exec("SELECT count(*) FROM predictions WHERE home = $1", {home}).text(0, 0)) > 6 * 7 * 1000;
    if (!archived) std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  CHECK(archived);
  // Matured predictions carry their outcome, and it is what the cleaner archived for that room
  // at ts + horizon (the state seen at the first minute at or after it).
  const auto agree = db.exec(
      "SELECT count(*) FILTER (WHERE p.outcome = t.occupied), count(*) FROM predictions p CROSS JOIN LATERAL "
      "(SELECT occupied FROM room_transitions r WHERE r.home = p.home AND r.room = p.room "
      " AND r.ts <= p.ts + make_interval(mins => p.horizon_min) ORDER BY r.ts DESC LIMIT 1) t "
      "WHERE p.home = $1 AND p.outcome IS NOT NULL",
      {home});
  const double agreeing = std::stod(agree.text(0, 0)), with_outcome = std::stod(agree.text(0, 1));
  WARN(agreeing << " of " << with_outcome << " outcomes agree with the archived room states");
  CHECK(with_outcome > 6 * 7 * 1000);
  CHECK(agreeing >= 0.98 * with_outcome);
  CHECK(std::stoul(db.exec("SELECT count(*) FROM clean_readings WHERE home = $1", {home}).text(0, 0)) > 7 * 300);
  // Trace ids: one sensor change, followed from the raw reading to the HA state it moved, on the
  // wire and through `occupancy trace`.
  {
    const auto& msgs = rec.messages();
    const auto trace_of = [](const rapidjson::Document& d) {
      return d.HasMember("trace_id") ? std::string(d["trace_id"].GetString()) : std::string();
    };
    std::map<std::string, std::string> raw_by_trace;  // trace id -> topic
    std::size_t raw_without = 0;
    for (const auto& m : msgs)
      if (m.topic.find("/raw/") != std::string::npos) {
        const auto id = trace_of(parse(m.payload));
        if (id.empty()) ++raw_without;
        raw_by_trace[id] = m.topic;
      }
    CHECK(raw_without == 0);  // the ingestor gives every reading one
    std::string traced, room;
    std::map<std::string, bool> occupied;
    for (const auto& m : msgs) {  // a room that became occupied because of a reading, a day in
      if (m.topic.rfind("occupancy/" + home + "/state/", 0) != 0) continue;
      const auto d = parse(m.payload);
      const bool was = std::exchange(occupied[d["room"].GetString()], d["occupied"].GetBool());
      if (!was && d["occupied"].GetBool() && raw_by_trace.count(trace_of(d)) &&
          *parse_iso8601(d["ts"].GetString()) > start + 86'400'000LL) {
        traced = trace_of(d);
        room = d["room"].GetString();
        break;
      }
    }
    REQUIRE_FALSE(traced.empty());
    INFO("trace " << traced << " in " << room);
    const auto carried = [&](const std::string& prefix) {
      return std::any_of(msgs.begin(), msgs.end(), [&](const Message& m) {
        return m.topic.rfind(prefix, 0) == 0 && m.payload.find(traced) != std::string::npos &&
               trace_of(parse(m.payload)) == traced;
      });
    };
    CHECK(carried("occupancy/" + home + "/clean/"));
    CHECK(carried("occupancy/" + home + "/features/" + room));
    CHECK(carried("occupancy/" + home + "/prediction/" + room));
    CHECK(carried("occupancy/" + home + "/ha/" + room));  // it turned the room occupied: HA heard of it
    const auto [trc, trace_out] = run(kBin + "/occupancy", {"--config", cfg, "trace", traced}, env);
    INFO(trace_out);
    CHECK(trc == 0);
    CHECK_THAT(trace_out, Catch::Contains("reading   binary_sensor."));
    CHECK_THAT(trace_out, Catch::Contains("cleaner    accepted"));
    CHECK_THAT(trace_out, Catch::Contains("state     " + room + " occupied"));
    CHECK_THAT(trace_out, Catch::Contains("forecast  " + room + " at "));
    CHECK_THAT(trace_out, Catch::Contains("occupancy/" + home + "/ha/" + room));
    // An id nobody minted is reported as not found (exit 5); a malformed one is a usage error.
    CHECK(run(kBin + "/occupancy", {"--config", cfg, "trace", "00000000000100000000"}, env).first == 5);
    CHECK(run(kBin + "/occupancy", {"--config", cfg, "trace", "nope"}, env).first == 2);
  }
  // Every SQL query of the shipped Grafana dashboards runs on this week's archive and finds rows.
  const auto queries = dashboard_queries("grafana-postgresql-datasource");
  CHECK(queries.size() >= 9);
  for (const auto& q : queries) {
    INFO(q.where << ":\n" << grafana_sql(q.text, home, "office"));
    CHECK(db.exec(grafana_sql(q.text, home, "office")).rows() > 0);
  }

  for (const auto& s : kServices) {
    INFO(s);
    CHECK(http_get(ports[s], "/healthz").first == 200);
    const auto metrics = http_get(ports[s], "/metrics");
    CHECK(metrics.first == 200);
    CHECK_THAT(metrics.second,
               Catch::Contains("occupancy_messages_in_total") || Catch::Contains("occupancy_build_info"));
  }
  // The demo's accuracy summary reads the predictor's /metrics as they are named now.
  {
    const auto file = temp_dir(home + "_metrics") / "predictor.prom";
    std::ofstream(file) << http_get(ports["predictor"], "/metrics").second;
    const auto [rc, summary] = run("/bin/sh", {"-c", "python3 " + std::string(OCCUPANCY_SOURCE_DIR) +
                                                         "/deploy/demo_accuracy.py < " + file.string()});
    INFO(summary);
    CHECK(rc == 0);
    CHECK_THAT(summary, Catch::Contains("office") && Catch::Contains("predictions matured"));
    CHECK_THAT(summary, !Catch::Contains("accuracy   0.0%"));  // what a metric it no longer reads shows
  }
  for (auto& s : services) s->signal(SIGTERM);
  for (auto& s : services) CHECK(s->wait(std::chrono::seconds(15)) == 0);
  ha.signal(SIGTERM);
  ha.wait(std::chrono::seconds(10));
}
