// `occupancy db migrate` against the real PostgreSQL that deploy/local.sh test starts.
#include "occupancy/store/database.hpp"

#include <catch2/catch.hpp>

#include "occupancy/store/migrations.hpp"
#include "test_support.hpp"

using namespace occupancy;
using namespace occupancy::testing;

namespace {

const std::string kCli = std::string(OCCUPANCY_BIN_DIR) + "/occupancy";

}  // namespace

TEST_CASE("db migrate creates the first schema once and records it", "[integration]") {
  const auto url = fresh_database("it_db");
  auto [rc, out] = run(kCli, {"db", "migrate"}, {{"OCCUPANCY_DB_URL", url}});
  INFO(out);
  REQUIRE(rc == 0);
  const auto all = std::to_string(store::builtin_migrations().size());
  CHECK_THAT(out, Catch::Contains(all + " migration(s) applied"));

  std::tie(rc, out) = run(kCli, {"db", "migrate"}, {{"OCCUPANCY_DB_URL", url}});
  CHECK(rc == 0);
  CHECK_THAT(out, Catch::Contains("0 migration(s) applied"));

  store::Database db{config::Secret(url)};
  for (const char* table :
       {"raw_readings", "clean_readings", "room_transitions", "sensor_gaps", "predictions", "models", "model_files"}) {
    INFO(table);
    CHECK(db.exec(std::string("SELECT to_regclass('") + table + "') IS NOT NULL").text(0, 0) == "t");
  }
  CHECK(db.exec("SELECT count(*) FROM schema_migrations").text(0, 0) == all);
  // The raw archive is idempotent by key: the same reading twice is one row.
  db.exec(
      "INSERT INTO raw_readings VALUES ('h','binary_sensor.x','2026-11-28T07:00:00Z','on','office','room','motion') ON "
      "CONFLICT DO NOTHING");
  db.exec(
      "INSERT INTO raw_readings VALUES ('h','binary_sensor.x','2026-11-28T07:00:00Z','on','office','room','motion') ON "
      "CONFLICT DO NOTHING");
  CHECK(db.exec("SELECT count(*) FROM raw_readings").text(0, 0) == "1");
  CHECK_THROWS_AS(db.exec("INSERT INTO raw_readings VALUES ('h','e','2026-11-28T07:00:00Z','maybe','r','z','k')"),
                  store::DatabaseError);

  std::tie(rc, out) = run(kCli, {"db", "status"}, {{"OCCUPANCY_DB_URL", url}});
  CHECK(rc == 0);
  CHECK_THAT(out, Catch::Contains("applied   0001_initial"));

  // An applied migration must never change under the database.
  db.exec("UPDATE schema_migrations SET checksum = 'tampered'");
  std::tie(rc, out) = run(kCli, {"db", "migrate"}, {{"OCCUPANCY_DB_URL", url}});
  CHECK(rc == 1);
  CHECK_THAT(out, Catch::Contains("was changed after it was applied"));
}

TEST_CASE("an unreachable database exits 4 and never prints the password", "[integration]") {
  const auto [rc, out] = run(kCli, {"db", "migrate"}, {{"OCCUPANCY_DB_URL", "postgresql://occ:hunter2@127.0.0.1:1/x"}});
  CHECK(rc == 4);
  CHECK_THAT(out, Catch::Contains("cannot connect to PostgreSQL (postgresql://occ:***@127.0.0.1:1/x)"));
  CHECK(out.find("hunter2") == std::string::npos);
}
