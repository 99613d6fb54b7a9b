// `occupancy db migrate` against the real PostgreSQL that deploy/local.sh test starts.
#include "occupancy/store/database.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>

#include "occupancy/store/migrations.hpp"
#include "occupancy/store/prediction_archive.hpp"
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

// PostgreSQL hung: the port accepts connections (the kernel's backlog does) and never answers.
// libpq gives up after its connect timeout instead of waiting forever.
TEST_CASE("a database that accepts connections but never answers is given up on within seconds", "[integration]") {
  const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = 0;
  ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  REQUIRE(::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(::listen(listener, 8) == 0);
  socklen_t len = sizeof addr;
  REQUIRE(::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  const auto url = "postgresql://occ@127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/x";
  const auto t0 = std::chrono::steady_clock::now();
  const auto [rc, out] = run(kCli, {"db", "migrate"}, {{"OCCUPANCY_DB_URL", url}});
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ::close(listener);
  INFO(out);
  CHECK(rc == 4);
  CHECK_THAT(out, Catch::Contains("cannot connect to PostgreSQL") && Catch::Contains("timeout"));
  CHECK(seconds < 15);  // connect_timeout is 5 s
}

TEST_CASE(
    "a prediction's outcome archived before the prediction itself (a spool replayed out of order) still fills "
    "it, and writing either twice changes nothing",
    "[integration]") {
  store::Database db{config::Secret(fresh_database("it_db_outcomes", true))};
  Prediction p;
  p.ts = *parse_iso8601("2026-11-28T07:00:00Z");
  p.room = "office";
  p.occupancy = {{15, 0.8}, {120, 0.4}};
  p.model_version = "v1";
  const store::PredictionBatch outcome_first{{}, {{"office", p.ts, 15, true}}, {}};
  store::archive_predictions(db, "h", outcome_first);
  CHECK(db.exec("SELECT count(*) FROM prediction_outcomes_early").text(0, 0) == "1");
  store::archive_predictions(db, "h", {{p}, {}, {}});
  CHECK(db.exec("SELECT outcome FROM predictions WHERE horizon_min = 15").text(0, 0) == "t");
  CHECK(db.exec("SELECT count(*) FROM predictions WHERE outcome IS NULL").text(0, 0) == "1");  // 120 min: not yet
  CHECK(db.exec("SELECT count(*) FROM prediction_outcomes_early").text(0, 0) == "0");
  store::archive_predictions(db, "h", {{p}, {{"office", p.ts, 120, false}}, {}});  // again, with the other outcome
  store::archive_predictions(db, "h", outcome_first);
  CHECK(db.exec("SELECT count(*) FROM predictions").text(0, 0) == "2");
  CHECK(db.exec("SELECT count(*) FROM predictions WHERE outcome IS NOT NULL").text(0, 0) == "2");
  CHECK(db.exec("SELECT count(*) FROM prediction_outcomes_early").text(0, 0) == "0");

  const auto pending = store::load_pending_predictions(db, "h", 120);
  CHECK(pending.empty());
  p.ts += 60'000;
  store::archive_predictions(db, "h", {{p}, {}, {}});
  const auto waiting = store::load_pending_predictions(db, "h", 120);
  REQUIRE(waiting.size() == 1);
  CHECK(waiting[0].occupancy == p.occupancy);
  CHECK(waiting[0].ts == p.ts);
}
