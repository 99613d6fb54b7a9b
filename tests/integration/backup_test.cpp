// Backup and restore: a database with an archive, predictions and a model registry is backed up,
// dropped, recreated empty and restored; every table comes back identical and the restored
// active model forecasts exactly as before.
#include "occupancy/store/backup.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <regex>
#include <thread>

#include "occupancy/config/home_config.hpp"
#include "occupancy/features/feature_set.hpp"
#include "occupancy/models/forecaster.hpp"
#include "occupancy/models/trained_model.hpp"
#include "occupancy/store/model_registry.hpp"
#include "test_support.hpp"

using namespace occupancy;
using namespace occupancy::testing;

namespace {

const std::string kCli = std::string(OCCUPANCY_BIN_DIR) + "/occupancy";

// The active model's forecasts for a fixed set of feature vectors, every room and horizon.
std::vector<double> forecasts(const std::string& db_url, const std::string& home, const config::HomeConfig& cfg) {
  store::Database db{config::Secret(db_url)};
  const auto active = store::active_model(db, home);
  REQUIRE(active);
  const features::FeatureSet set(cfg.horizons_min);
  const auto model = models::TrainedModel::from_files(store::load_model_files(db, active->version), set.names());
  const auto baseline = models::make_baseline("time_of_week", set, cfg.horizons_min);
  const models::ModelForecaster forecaster(model, set, *baseline);
  std::vector<double> out;
  for (int i = 0; i < 40; ++i) {
    std::vector<double> row(set.size());
    for (std::size_t k = 0; k < row.size(); ++k) row[k] = std::fmod(0.37 * static_cast<double>(i * 7 + k), 1.0);
    row[set.index("occupied_now")] = i % 2;
    for (const auto& room : cfg.rooms) {
      if (!forecaster.has_room(room.id)) continue;
      const auto f = forecaster.predict(room.id, row.data());
      for (const auto& [h, p] : f.occupancy) out.push_back(p);
      out.push_back(f.minutes_to_change.value_or(-1));
    }
  }
  return out;
}

}  // namespace

TEST_CASE("backup, drop the database, restore: identical tables and byte-identical forecasts", "[integration]") {
  const auto db_url = fresh_database("it_backup", true);
  const auto home = unique_home("backup");
  const auto dir = temp_dir(home);
  const auto cfg_path = write_home_config(dir, home);
  const std::map<std::string, std::string> env{{"OCCUPANCY_DB_URL", db_url}};
  auto [rc, out] =
      run(kCli, {"--config", cfg_path, "sim", "history", "--days", "10", "--out", (dir / "h.csv").string()});
  REQUIRE(rc == 0);
  std::tie(rc, out) = run(kCli, {"--config", cfg_path, "import", (dir / "h.csv").string()}, env);
  REQUIRE(rc == 0);
  std::tie(rc, out) = run(
      kCli, {"--config", cfg_path, "train", "--from-db", "--folds", "1", "--fold-days", "2", "--force", "--no-publish"},
      env);
  INFO(out);
  REQUIRE(rc == 0);
  const auto cfg = config::load_config(std::filesystem::path(cfg_path));
  const auto before = forecasts(db_url, home, cfg);
  REQUIRE(before.size() > 100);
  std::vector<store::TableDigest> digests;
  {
    store::Database db{config::Secret(db_url)};
    digests = store::digest_tables(db);
  }
  const auto rows_of = [&](const std::string& table) {
    for (const auto& d : digests)
      if (d.table == table) return d.rows;
    return -1LL;
  };
  CHECK(rows_of("raw_readings") > 1000);
  CHECK(rows_of("models") == 1);
  CHECK(rows_of("model_files") > 10);

  const auto file = dir / "b.backup";
  std::filesystem::remove(file);
  std::tie(rc, out) = run(kCli, {"--config", cfg_path, "backup", "--out", file.string()}, env);
  INFO(out);
  REQUIRE(rc == 0);
  CHECK_THAT(out, Catch::Contains(std::to_string(digests.size()) + " tables"));
  CHECK(out.find(db_url) == std::string::npos);

  // Drop the database and create it again, empty.
  const auto name = db_url.substr(db_url.rfind('/') + 1);
  {
    store::Database admin{config::Secret(database_url_from_env())};
    admin.exec("DROP DATABASE \"" + name + "\" WITH (FORCE)");
    admin.exec("CREATE DATABASE \"" + name + "\"");
  }
  std::tie(rc, out) = run(kCli, {"--config", cfg_path, "restore", file.string()}, env);
  INFO(out);
  REQUIRE(rc == 0);
  CHECK_THAT(out, Catch::Contains("restored and verified") && !Catch::Contains("DIFFERS"));
  {
    store::Database db{config::Secret(db_url)};
    CHECK(store::digest_tables(db) == digests);
  }
  const auto after = forecasts(db_url, home, cfg);
  REQUIRE(after.size() == before.size());
  for (std::size_t i = 0; i < before.size(); ++i) CHECK(after[i] == before[i]);  // exactly, not approximately

  // A second restore into the now full database is refused unless forced.
  std::tie(rc, out) = run(kCli, {"--config", cfg_path, "restore", file.string()}, env);
  CHECK(rc == 1);
  CHECK_THAT(out, Catch::Contains("is not empty"));
  std::tie(rc, out) = run(kCli, {"--config", cfg_path, "restore", file.string(), "--force"}, env);
  CHECK(rc == 0);
  CHECK_THAT(out, Catch::Contains("restored and verified"));

  // --out-dir with --keep: the newest N of this home's backups stay.
  const auto shelf = dir / "shelf";
  std::filesystem::remove_all(shelf);
  for (int k = 0; k < 3; ++k) {
    std::tie(rc, out) = run(kCli, {"--config", cfg_path, "backup", "--out-dir", shelf.string(), "--keep", "2"}, env);
    REQUIRE(rc == 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // names are per second
  }
  CHECK(std::distance(std::filesystem::directory_iterator(shelf), std::filesystem::directory_iterator()) == 2);
}
