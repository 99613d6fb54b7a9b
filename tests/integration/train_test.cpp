// `occupancy train` and `occupancy models` on a real PostgreSQL and Mosquitto: versions are
// registered with their files, the active one is announced retained, promote and rollback work.
#include <rapidjson/document.h>

#include <catch2/catch.hpp>
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
