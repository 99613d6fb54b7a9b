// `occupancy train` and `occupancy models` on a real PostgreSQL and Mosquitto: versions are
// registered with their files, the active one is announced retained, promote and rollback work.
#include <rapidjson/document.h>

#include <catch2/catch.hpp>
#include <csignal>
#include <fstream>
#include <regex>
#include <sstream>

#include "occupancy/store/database.hpp"
#include "occupancy/store/model_registry.hpp"
#include "test_support.hpp"

using namespace occupancy;
using namespace occupancy::testing;

namespace {

const std::string kCli = std::string(OCCUPANCY_BIN_DIR) + "/occupancy";

std::string announced_version(const config::MqttEndpoint& broker, const std::string& home) {
  Recorder rec(broker, {"occupancy/" + home + "/model"});
  const auto m = rec.wait_for(
      "occupancy/" + home + "/model", [](const Message& m) { return m.retained; }, std::chrono::seconds(5));
  if (!m) return {};
  rapidjson::Document d;
  d.Parse(m->payload.c_str());
  return d["version"].GetString();
}

}  // namespace

TEST_CASE("train registers versions, announces the active one, and models promote/rollback switch it",
          "[integration]") {
  const auto broker = broker_from_env();
  const auto db_url = fresh_database("it_train");
  const auto home = unique_home("train");
  const auto dir = temp_dir(home);
  const auto cfg = write_home_config(dir, home);
  const std::map<std::string, std::string> env{{"OCCUPANCY_DB_URL", db_url}};
  auto [rc, out] =
      run(kCli, {"--config", cfg, "sim", "history", "--days", "21", "--out", (dir / "h.csv").string()}, env);
  REQUIRE(rc == 0);

  std::tie(rc, out) = run(
      kCli, {"--config", cfg, "train", "--history", (dir / "h.csv").string(), "--folds", "2", "--fold-days", "3"}, env);
  INFO(out);
  REQUIRE(rc == 0);
  CHECK_THAT(out, Catch::Contains("fold 1") && Catch::Contains("fold 2") && Catch::Contains("is now active"));
  store::Database db{config::Secret(db_url)};
  const auto first = store::active_model(db, home);
  REQUIRE(first);
  CHECK(first->feature_set == "v1");
  CHECK_THAT(first->metrics_json, Catch::Contains("\"folds\""));
  const auto files = store::load_model_files(db, first->version);
  CHECK(files.size() >= 2 + 6 * 2);  // manifest, priors, two horizons per room at least
  CHECK(announced_version(broker, home) == first->version);

  std::tie(rc, out) = run(
      kCli,
      {"--config", cfg, "train", "--history", (dir / "h.csv").string(), "--folds", "1", "--fold-days", "3", "--force"},
      env);
  REQUIRE(rc == 0);
  const auto second = store::active_model(db, home);
  REQUIRE(second);
  CHECK(second->version != first->version);
  CHECK(announced_version(broker, home) == second->version);

  std::tie(rc, out) = run(kCli, {"--config", cfg, "models", "rollback"}, env);
  INFO(out);
  REQUIRE(rc == 0);
  CHECK(store::active_model(db, home)->version == first->version);
  CHECK(announced_version(broker, home) == first->version);

  std::tie(rc, out) = run(kCli, {"--config", cfg, "models", "promote", second->version}, env);
  REQUIRE(rc == 0);
  CHECK(store::active_model(db, home)->version == second->version);
  // What the feature service and the predictor load: the announced version, else the active one.
  CHECK(store::model_to_serve(db, home, std::nullopt)->record.version == second->version);
  const auto announced = store::model_to_serve(db, home, first->version);
  REQUIRE(announced);
  CHECK(announced->record.version == first->version);
  CHECK_FALSE(announced->files.empty());
  CHECK_THROWS_WITH(store::model_to_serve(db, home, std::string("no-such-version")),
                    Catch::Contains("no-such-version is not in the registry"));
  std::tie(rc, out) = run(kCli, {"--config", cfg, "models", "list"}, env);
  CHECK_THAT(out, Catch::Contains(first->version) && Catch::Contains("retired") && Catch::Contains("active"));
  std::tie(rc, out) = run(kCli, {"--config", cfg, "models", "promote", "no-such-version"}, env);
  CHECK(rc == 1);
  CHECK_THAT(out, Catch::Contains("no model version 'no-such-version'"));

  // From the archive: the same history imported, then learnt from PostgreSQL.
  std::tie(rc, out) = run(kCli, {"--config", cfg, "import", (dir / "h.csv").string()}, env);
  REQUIRE(rc == 0);
  std::tie(rc, out) =
      run(kCli, {"--config", cfg, "train", "--from-db", "--folds", "1", "--fold-days", "3", "--no-publish"}, env);
  INFO(out);
  REQUIRE(rc == 0);
  CHECK_THAT(out, Catch::Contains("raw readings of home '" + home + "' from the archive"));
  CHECK(store::list_models(db, home).size() == 3);

  // The daily timer trains again while a candidate is in shadow: the new version waits as a
  // candidate instead of cutting that shadow short before its verdict.
  const auto third = store::list_models(db, home).front();
  REQUIRE(third.status == "candidate");
  if (!store::shadow_model(db, home)) store::start_shadow(db, home, third.version);  // gate refused it: put it there
  std::tie(rc, out) =
      run(kCli, {"--config", cfg, "train", "--from-db", "--folds", "1", "--fold-days", "3", "--no-publish"}, env);
  INFO(out);
  REQUIRE(rc == 0);
  CHECK(store::list_models(db, home).size() == 4);
  REQUIRE(store::shadow_model(db, home));
  CHECK(store::shadow_model(db, home)->version == third.version);
  CHECK_THAT(out, Catch::Contains(third.version + " is in shadow since") || Catch::Contains("stays a candidate ("));
}

// HA's Retrain now: request/retrain reaches the trainer service, which runs `occupancy train
// --from-db` and answers on response/retrain once it ended; a second press meanwhile is refused.
TEST_CASE("the trainer service retrains on request/retrain and answers with the version", "[integration]") {
  const auto broker = broker_from_env();
  const auto db_url = fresh_database("it_retrain");
  const auto home = unique_home("retrain");
  const auto dir = temp_dir(home);
  const auto cfg = write_home_config(dir, home);
  const std::map<std::string, std::string> env{{"OCCUPANCY_DB_URL", db_url}};
  const auto history = (dir / "h.csv").string();
  REQUIRE(run(kCli, {"--config", cfg, "sim", "history", "--days", "14", "--out", history}, env).first == 0);
  REQUIRE(run(kCli, {"--config", cfg, "import", history}, env).first == 0);

  Recorder rec(broker, {"occupancy/" + home + "/#"});
  const auto topic = [&](const std::string& t) { return "occupancy/" + home + "/" + t; };
  Process trainer(std::string(OCCUPANCY_BIN_DIR) + "/occupancy-trainer", {"--config", cfg}, env, dir / "trainer.log");
  REQUIRE(rec.wait_for(topic("status/trainer"), [](const Message& m) { return m.payload == "online"; }));

  rec.publish(topic("request/retrain"), R"({"transaction": "first"})");
  rec.publish(topic("request/retrain"), R"({"transaction": "second"})");
  const auto answered = [&](const std::string& transaction, std::chrono::seconds timeout) {
    const auto m = rec.wait_for(
        topic("response/retrain"),
        [&](const Message& m) { return m.payload.find("\"" + transaction + "\"") != std::string::npos; }, timeout);
    rapidjson::Document d;
    if (m) d.Parse(m->payload.c_str());
    return d;
  };
  const auto busy = answered("second", std::chrono::seconds(10));
  INFO(trainer.output());
  REQUIRE(busy.IsObject());
  CHECK(std::string(busy["status"].GetString()) == "error");
  CHECK_THAT(busy["error"].GetString(), Catch::Contains("already running"));

  const auto done = answered("first", std::chrono::seconds(300));
  REQUIRE(done.IsObject());
  INFO(trainer.output());
  REQUIRE(std::string(done["status"].GetString()) == "ok");
  store::Database db{config::Secret(db_url)};
  const auto versions = store::list_models(db, home);
  REQUIRE(versions.size() == 1);
  CHECK(std::string(done["data"]["version"].GetString()) == versions.front().version);
  CHECK_THAT(done["data"]["outcome"].GetString(), Catch::Contains("is active now"));  // the home's first version
  CHECK(announced_version(broker, home) == versions.front().version);                 // the child announced it
  // The child's one-shot connection neither took the trainer's over nor marked it offline.
  std::string last_status;
  for (const auto& m : rec.messages())
    if (m.topic == topic("status/trainer")) last_status = m.payload;
  CHECK(last_status == "online");

  // Promote and rollback are the predictor's: the trainer leaves them unanswered.
  rec.publish(topic("request/promote"), "{}");
  CHECK_FALSE(rec.wait_for(
      topic("response/promote"), [](const Message&) { return true; }, std::chrono::seconds(2)));

  // A training already running (here: a session holding its lock) makes a second one stop at
  // once, so the daily timer and Retrain now never train the same home together.
  db.exec("SELECT pg_advisory_lock(hashtext('occupancy train ' || $1))", {home});
  const auto [rc, out] =
      run(kCli, {"--config", cfg, "train", "--from-db", "--folds", "1", "--fold-days", "3", "--no-publish"}, env);
  CHECK(rc == 1);
  CHECK_THAT(out, Catch::Contains("another training of home '" + home + "' is running"));
  db.exec("SELECT pg_advisory_unlock(hashtext('occupancy train ' || $1))", {home});

  trainer.signal(SIGTERM);
  CHECK(trainer.wait(std::chrono::seconds(15)) == 0);
  CHECK(rec.wait_for(topic("status/trainer"), [](const Message& m) { return m.payload == "offline"; }));
}
