// The predictor on real PostgreSQL and Mosquitto: serves the active version, reloads on the
// model topic without losing a message, refuses a broken version and keeps serving, and a
// rollback reaches it in seconds.
#include <rapidjson/document.h>

#include <catch2/catch.hpp>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <functional>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "occupancy/store/database.hpp"
#include "occupancy/store/model_registry.hpp"
#include "test_support.hpp"

using namespace occupancy;
using namespace occupancy::testing;

namespace {

const std::string kBin = OCCUPANCY_BIN_DIR;

// The office's feature vector `minute` minutes after 2026-01-20T10:00Z.
std::string features(int minute, bool occupied = true) {
  char ts[48];
  std::snprintf(ts, sizeof ts, "2026-01-20T%02d:%02d:00.000Z", 10 + minute / 60, minute % 60);
  return std::string(R"({"ts":")") + ts + R"(","room":"office","feature_set":"v1","values":{"occupied_now":)" +
         (occupied ? "1" : "0") + R"(,"reliable":1,"minutes_in_state":12}})";
}

// Registers `version`, a copy of `from`'s files (its manifest renamed), after `edit` changes them.
void register_copy(store::Database& db, const std::string& home, const std::string& from, const std::string& version,
                   const std::function<void(ModelFile&)>& edit = {}) {
  auto files = store::load_model_files(db, from);
  for (auto& f : files) {
    if (f.target == "manifest") f.data = std::regex_replace(f.data, std::regex(from), version);
    if (edit) edit(f);
  }
  store::register_model(db, {version, home, "v1", "candidate", "", "", "{}", "", ""}, files);
}

std::string version_of(const Message& m) {
  rapidjson::Document d;
  d.Parse(m.payload.c_str());
  return d["model_version"].GetString();
}

// Ten simulated days, trained and made active (--force, not announced); returns the version.
std::string train_active(const std::string& cfg, const std::filesystem::path& dir,
                         const std::map<std::string, std::string>& env) {
  REQUIRE(run(kBin + "/occupancy",
              {"--config", cfg, "sim", "history", "--days", "10", "--out", (dir / "h.csv").string()}, env)
              .first == 0);
  auto [rc, text] = run(kBin + "/occupancy",
                        {"--config", cfg, "train", "--history", (dir / "h.csv").string(), "--folds", "1", "--fold-days",
                         "2", "--force", "--no-publish"},
                        env);
  INFO(text);
  REQUIRE(rc == 0);
  std::smatch found;
  REQUIRE(std::regex_search(text, found, std::regex("registered (m[0-9T]+)")));
  return found[1];
}

}  // namespace

TEST_CASE("hot reload, a refused broken model, a rollback within seconds, and one requested by HA's hub button",
          "[integration]") {
  const auto broker = broker_from_env();
  const auto db_url = fresh_database("it_pred", true);
  const auto home = unique_home("pred");
  const auto dir = temp_dir(home);
  const auto port = free_port();
  // Event time: its features are dated January 2026, which the wall clock would refuse as months old.
  const auto cfg = write_home_config(dir, home, {{"predictor", port}}, true);
  const std::map<std::string, std::string> env{{"OCCUPANCY_DB_URL", db_url}};
  auto [rc, out] = run(kBin + "/occupancy",
                       {"--config", cfg, "sim", "history", "--days", "12", "--out", (dir / "h.csv").string()}, env);
  REQUIRE(rc == 0);
  const auto train = [&] {
    auto [code, text] = run(kBin + "/occupancy",
                            {"--config", cfg, "train", "--history", (dir / "h.csv").string(), "--folds", "1",
                             "--fold-days", "2", "--force"},
                            env);
    INFO(text);
    REQUIRE(code == 0);
    std::smatch m;
    REQUIRE(std::regex_search(text, m, std::regex("registered (m[0-9T]+)")));
    return std::string(m[1]);
  };
  const auto first = train();

  Recorder rec(broker, {"occupancy/" + home + "/prediction/+", "occupancy/" + home + "/status/+"});
  Process predictor(kBin + "/occupancy-predictor", {"--config", cfg}, env, dir / "predictor.log");
  REQUIRE(
      rec.wait_for("occupancy/" + home + "/status/predictor", [](const Message& m) { return m.payload == "online"; }));
  INFO(predictor.output());
  const auto topic = "occupancy/" + home + "/features/office";
  const auto prediction = "occupancy/" + home + "/prediction/office";
  rec.publish(topic, features(0));
  REQUIRE(rec.wait_for(prediction, [&](const Message& m) { return version_of(m) == first; }));

  // A broken version: the first one's manifest and priors, but a booster file of garbage.
  // Refused with XGBoost's reason, and the first keeps serving.
  {
    store::Database db{config::Secret(db_url)};
    std::vector<ModelFile> files;
    for (auto& f : store::load_model_files(db, first))
      if (f.room.empty()) files.push_back(std::move(f));
    files.push_back({"office", "occupied_15", "ubj", "not a model at all"});
    store::register_model(db, {"broken-1", home, "v1", "candidate", "", "", "{}", "", ""}, files);
  }
  rec.publish("occupancy/" + home + "/model",
              R"({"version":"broken-1","feature_set":"v1","activated_at":"2026-11-28T10:00:00Z"})");
  rec.publish(topic, features(1));
  REQUIRE(rec.wait_for(prediction, [&](const Message& m) { return m.payload.find("10:01:00") != std::string::npos; }));
  CHECK(version_of(*rec.wait_for(
            prediction, [&](const Message& m) { return m.payload.find("10:01:00") != std::string::npos; })) == first);
  CHECK_THAT(predictor.output(), Catch::Contains("model broken-1 refused") && Catch::Contains("keeps serving") &&
                                     Catch::Contains("XGBoost load"));
  CHECK_THAT(http_get(port, "/metrics").second, Catch::Contains("occupancy_model_loads_total{result=\"refused\"} 1"));

  // A new version, announced by train: hot reload; messages sent meanwhile are all answered.
  const auto second = train();
  for (int i = 2; i < 30; ++i) rec.publish(topic, features(i));
  REQUIRE(rec.wait_for(prediction, [&](const Message& m) { return m.payload.find("10:29:00") != std::string::npos; }));
  std::set<std::string> answered;
  for (const auto& m : rec.messages())
    if (m.topic == prediction) answered.insert(m.payload.substr(m.payload.find("\"ts\":\"") + 6, 24));
  CHECK(answered.size() == 30);  // none dropped across the reload
  CHECK(rec.wait_for(prediction, [&](const Message& m) { return version_of(m) == second; }));

  // Rollback: the first version serves again within seconds (the bar is a minute).
  const auto t0 = std::chrono::steady_clock::now();
  std::tie(rc, out) = run(kBin + "/occupancy", {"--config", cfg, "models", "rollback"}, env);
  REQUIRE(rc == 0);
  bool back = false;
  for (int i = 30; i < 59 && !back; ++i) {
    rec.publish(topic, features(i));
    const auto ts = features(i).substr(7, 24);
    const auto m = rec.wait_for(prediction, [&](const Message& x) { return x.payload.find(ts) != std::string::npos; });
    back = m && version_of(*m) == first;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  CHECK(back);
  CHECK(seconds < 60);
  WARN("rollback reached the predictor in " << seconds << " s");
  // Matured predictions (made at 10:00-10:43 for 15 min, the office occupied since) are scored.
  bool scored = false;
  for (int i = 0; i < 40 && !scored; ++i) {
    scored = http_get(port, "/metrics").second.find("occupancy_prediction_brier{room=\"office\",horizon_min=\"15\"}") !=
             std::string::npos;
    if (!scored) std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  CHECK(scored);

  // HA's hub button: a rollback request over MQTT, answered on response/rollback with the
  // transaction; the version active before (the second) serves again, announced on model.
  Recorder answers(broker, {"occupancy/" + home + "/response/+"});
  answers.publish("occupancy/" + home + "/request/rollback", R"({"transaction":"ha-1"})");
  const auto answer = answers.wait_for("occupancy/" + home + "/response/rollback", [](const Message&) { return true; });
  REQUIRE(answer);
  INFO(answer->payload);
  CHECK_THAT(answer->payload, Catch::Contains(R"("status":"ok")") && Catch::Contains(R"("transaction":"ha-1")") &&
                                  Catch::Contains(R"("version":")" + second + "\""));
  rec.publish(topic, features(59));
  const auto after =
      rec.wait_for(prediction, [&](const Message& m) { return m.payload.find("10:59:00") != std::string::npos; });
  REQUIRE(after);
  CHECK(version_of(*after) == second);
  predictor.signal(SIGTERM);
  CHECK(predictor.wait(std::chrono::seconds(10)) == 0);
}

TEST_CASE(
    "predictions still waiting for their outcome when the predictor stops get it after a restart, from the "
    "archive",
    "[integration]") {
  const auto broker = broker_from_env();
  const auto db_url = fresh_database("it_pred_pending", true);
  const auto home = unique_home("predpend");
  const auto dir = temp_dir(home);
  const auto cfg = write_home_config(dir, home, {{"predictor", free_port()}}, true);
  const std::map<std::string, std::string> env{{"OCCUPANCY_DB_URL", db_url},
                                               {"OCCUPANCY_STATE_DIR", (dir / "state").string()}};
  const auto count = [&](const std::string& where) {
    store::Database db{config::Secret(db_url)};
    return std::stoi(db.exec("SELECT count(*) FROM predictions WHERE home = $1 AND " + where, {home}).text(0, 0));
  };
  const auto topic = "occupancy/" + home + "/features/office";
  Recorder rec(broker, {"occupancy/" + home + "/#"});
  auto predictor = std::make_unique<Process>(kBin + "/occupancy-predictor", std::vector<std::string>{"--config", cfg},
                                             env, dir / "predictor1.log");
  REQUIRE(
      rec.wait_for("occupancy/" + home + "/status/predictor", [](const Message& m) { return m.payload == "online"; }));
  for (int i = 0; i < 10; ++i) rec.publish(topic, features(i, true));  // occupied 10:00-10:09
  INFO(predictor->output());
  REQUIRE(eventually([&] { return count("ts < '2026-01-20T10:10:00Z'") == 20; }, std::chrono::seconds(15)));
  predictor->signal(SIGTERM);
  REQUIRE(predictor->wait(std::chrono::seconds(20)) == 0);
  CHECK(count("outcome IS NOT NULL") == 0);  // none had matured

  predictor = std::make_unique<Process>(kBin + "/occupancy-predictor", std::vector<std::string>{"--config", cfg}, env,
                                        dir / "predictor2.log");
  REQUIRE(rec.wait_for(
      "occupancy/" + home + "/status/predictor", [](const Message& m) { return m.payload == "online"; },
      std::chrono::seconds(15)));
  CHECK(
      eventually([&] { return predictor->output().find("10 archived predictions still waiting") != std::string::npos; },
                 std::chrono::seconds(5)));
  for (int i = 15; i < 26; ++i) rec.publish(topic, features(i, false));  // vacant from 10:15
  // The 15-min forecasts made at 10:00-10:09 matured at 10:15-10:24, after the restart: vacant.
  CHECK(eventually([&] { return count("horizon_min = 15 AND ts < '2026-01-20T10:10:00Z' AND outcome = false") == 10; },
                   std::chrono::seconds(15)));
  CHECK(count("horizon_min = 120 AND outcome IS NOT NULL") == 0);  // not due yet
  predictor->signal(SIGTERM);
  CHECK(predictor->wait(std::chrono::seconds(20)) == 0);
}

TEST_CASE(
    "a candidate in shadow predicts unpublished beside the active version, is retired live when it is no better, "
    "promoted when its archived shadow shows it better, each decision recorded and announced",
    "[integration]") {
  const auto broker = broker_from_env();
  const auto db_url = fresh_database("it_pred_shadow", true);
  const auto home = unique_home("predshadow");
  const auto dir = temp_dir(home);
  const auto port = free_port();
  const auto cfg = write_home_config(dir, home, {{"predictor", port}}, true,
                                     {{"shadow_hours: 24", "shadow_hours: 0.1"}});  // six live minutes
  const std::map<std::string, std::string> env{{"OCCUPANCY_DB_URL", db_url}};
  const std::string active = train_active(cfg, dir, env);
  store::Database db{config::Secret(db_url)};
  const auto copy_as = [&](const std::string& version) {  // the same model under another name
    register_copy(db, home, active, version);
    store::start_shadow(db, home, version);
  };
  const auto model_topic = "occupancy/" + home + "/model";
  const auto topic = "occupancy/" + home + "/features/office";
  const auto prediction = "occupancy/" + home + "/prediction/office";
  Recorder rec(broker, {"occupancy/" + home + "/prediction/+", "occupancy/" + home + "/status/+", model_topic});

  // 1. The same model in shadow: no better, retired after six live minutes.
  copy_as("twin");
  auto predictor = std::make_unique<Process>(kBin + "/occupancy-predictor", std::vector<std::string>{"--config", cfg},
                                             env, dir / "predictor1.log");
  REQUIRE(
      rec.wait_for("occupancy/" + home + "/status/predictor", [](const Message& m) { return m.payload == "online"; }));
  INFO(predictor->output());
  for (int i = 0; i < 26; ++i) rec.publish(topic, features(i));
  const auto retired = rec.wait_for(
      model_topic, [](const Message& m) { return m.payload.find("twin retired") != std::string::npos; },
      std::chrono::seconds(60));
  REQUIRE(retired);
  Recorder later(broker, {model_topic});  // the decision stays, retained, for whoever connects next
  const auto kept =
      later.wait_for(model_topic, [](const Message& m) { return m.payload.find("twin") != std::string::npos; });
  REQUIRE(kept);
  CHECK(kept->retained);
  CHECK(retired->payload.find("\"candidate\"") == std::string::npos);
  CHECK(retired->payload.find("\"version\":\"" + active + "\"") != std::string::npos);
  for (const auto& m : rec.messages())  // only the active version was ever published
    if (m.topic == prediction) CHECK(version_of(m) == active);
  const auto count = [&](const std::string& sql) { return std::stoi(db.exec(sql, {home}).text(0, 0)); };
  CHECK(count("SELECT count(*) FROM shadow_predictions WHERE home = $1 AND model_version = 'twin'") == 52);
  CHECK(count("SELECT count(*) FROM shadow_predictions WHERE home = $1 AND outcome IS NOT NULL") >= 6);
  const auto twin = store::find_model(db, "twin");
  CHECK(twin->status == "retired");
  CHECK_THAT(twin->decision, Catch::Contains("not better with confidence") && Catch::Contains("95 % interval"));
  auto [crc, compared] = run(kBin + "/occupancy", {"--config", cfg, "models", "compare", "twin"}, env);
  INFO(compared);
  CHECK(crc == 0);
  CHECK_THAT(compared, Catch::Contains("office") && Catch::Contains("all") && Catch::Contains("+0.0000"));
  predictor->signal(SIGTERM);
  REQUIRE(predictor->wait(std::chrono::seconds(20)) == 0);

  // 2. A candidate whose archived shadow is clearly better (restored at start): promoted.
  copy_as("better");
  for (int m = 0; m < 10; ++m) {
    const auto ts = "2026-01-19T08:" + std::string(m < 10 ? "0" : "") + std::to_string(m) + ":00Z";
    const bool y = m % 2 == 0;
    db.exec("INSERT INTO predictions VALUES ($1, 'office', $2, 15, 0.5, $3, NULL, $4)",
            {home, ts, active, y ? "true" : "false"});
    db.exec("INSERT INTO shadow_predictions VALUES ($1, 'office', $2, 15, $3, 'better', NULL, $4)",
            {home, ts, y ? "0.95" : "0.05", y ? "true" : "false"});
  }
  predictor = std::make_unique<Process>(kBin + "/occupancy-predictor", std::vector<std::string>{"--config", cfg}, env,
                                        dir / "predictor2.log");
  const auto promoted = rec.wait_for(
      model_topic, [](const Message& m) { return m.payload.find("better promoted") != std::string::npos; },
      std::chrono::seconds(60));
  INFO(predictor->output());
  REQUIRE(promoted);
  CHECK(promoted->payload.find("\"version\":\"better\"") != std::string::npos);
  CHECK(store::active_model(db, home)->version == "better");
  CHECK(store::find_model(db, active)->status == "retired");
  rec.publish(topic, features(40));
  CHECK(rec.wait_for(prediction, [](const Message& m) { return version_of(m) == "better"; }));
  // What the alerts read: the serving version's age (the promoted one only) and the last prediction.
  const auto metrics = http_get(port, "/metrics").second;
  CHECK_THAT(metrics, Catch::Contains("occupancy_model_created_timestamp_seconds{version=\"better\"}"));
  CHECK_THAT(metrics, !Catch::Contains("occupancy_model_created_timestamp_seconds{version=\"" + active + "\"}"));
  const double last = metric_value(port, "occupancy_last_prediction_timestamp_seconds");
  CHECK(std::abs(last - static_cast<double>(wall_clock_now()) / 1000) < 60);
  CHECK(metric_value(port, "process_resident_memory_bytes") > 1e6);
  predictor->signal(SIGTERM);
  CHECK(predictor->wait(std::chrono::seconds(20)) == 0);
}

TEST_CASE(
    "a deliberately bad version drifts against the baseline on live data and is rolled back to the previous "
    "version within minutes of event time, announced with the reason",
    "[integration]") {
  const auto broker = broker_from_env();
  const auto db_url = fresh_database("it_pred_drift", true);
  const auto home = unique_home("preddrift");
  const auto dir = temp_dir(home);
  const auto cfg =
      write_home_config(dir, home, {{"predictor", free_port()}}, true,
                        {{"drift_window: 720", "drift_window: 30"}, {"drift_hold_min: 120", "drift_hold_min: 5"}});
  const std::map<std::string, std::string> env{{"OCCUPANCY_DB_URL", db_url}};
  const std::string good = train_active(cfg, dir, env);
  // The bad version: the good one's boosters behind a serving plan whose calibration turns every
  // probability around (Platt a = -10).
  store::Database db{config::Secret(db_url)};
  register_copy(db, home, good, "bad", [](ModelFile& f) {
    if (f.target != "serving") return;
    f.data = std::regex_replace(f.data, std::regex("\"platt_a\":[-0-9.e]+"), "\"platt_a\":-10.0");
    f.data = std::regex_replace(f.data, std::regex("\"platt_b\":[-0-9.e]+"), "\"platt_b\":0.0");
  });
  const auto model_topic = "occupancy/" + home + "/model";
  const auto topic = "occupancy/" + home + "/features/office";
  const auto prediction = "occupancy/" + home + "/prediction/office";
  Recorder rec(broker, {prediction, "occupancy/" + home + "/status/+", model_topic});
  Process predictor(kBin + "/occupancy-predictor", {"--config", cfg}, env, dir / "predictor.log");
  REQUIRE(
      rec.wait_for("occupancy/" + home + "/status/predictor", [](const Message& m) { return m.payload == "online"; }));
  INFO(predictor.output());
  for (int m = 0; m < 40; ++m) rec.publish(topic, features(m));  // occupied throughout: the good version's record
  REQUIRE(rec.wait_for(prediction, [&](const Message& m) { return m.payload.find("10:39:00") != std::string::npos; }));
  REQUIRE(eventually(
      [&] {
        return std::stoi(db.exec("SELECT count(*) FROM predictions WHERE home = $1 AND outcome IS NOT NULL", {home})
                             .text(0, 0)) >= 20;
      },
      std::chrono::seconds(10)));

  auto [prc, promoted] = run(kBin + "/occupancy", {"--config", cfg, "models", "promote", "bad"}, env);
  INFO(promoted);
  REQUIRE(prc == 0);
  REQUIRE(rec.wait_for(model_topic,
                       [](const Message& m) { return m.payload.find("\"version\":\"bad\"") != std::string::npos; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // the predictor swaps versions
  int m = 40;
  for (; m < 60; ++m) rec.publish(topic, features(m));
  const auto bad_prediction = rec.wait_for(prediction, [](const Message& msg) { return version_of(msg) == "bad"; });
  REQUIRE(bad_prediction);
  // Live minutes go on; the drift shows within the hold (5 min of event time) once the window has
  // matured, and the rollback follows.
  std::optional<Message> rolled;
  for (; m < 120 && !rolled; ++m) {
    rec.publish(topic, features(m));
    rolled = rec.wait_for(
        model_topic, [](const Message& msg) { return msg.payload.find("rolled back from bad") != std::string::npos; },
        std::chrono::milliseconds(m % 10 == 0 ? 1500 : 50));
  }
  REQUIRE(rolled);
  WARN("rolled back after " << m - 40 << " minutes of live data under the bad version");
  CHECK(rolled->payload.find("\"version\":\"" + good + "\"") != std::string::npos);
  CHECK(rolled->payload.find("drift in office") != std::string::npos);
  CHECK(store::active_model(db, home)->version == good);
  for (const auto& msg : rec.messages())  // the drifting room was served by the baseline, flagged, meanwhile
    if (msg.topic == prediction && msg.payload.find("\"drift\":true") != std::string::npos)
      CHECK(msg.payload.find("\"fallback\":\"persistence\"") != std::string::npos);
  rec.publish(topic, features(m + 1));
  CHECK(rec.wait_for(prediction, [&](const Message& msg) {
    return version_of(msg) == good && msg.payload.find(features(m + 1).substr(7, 24)) != std::string::npos;
  }));
  predictor.signal(SIGTERM);
  CHECK(predictor.wait(std::chrono::seconds(20)) == 0);
}
