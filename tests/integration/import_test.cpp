// `occupancy import` into the real PostgreSQL: exact counts, idempotency, bad rows.
#include <catch2/catch.hpp>
#include <csignal>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "occupancy/store/database.hpp"
#include "test_support.hpp"

using namespace occupancy;
using namespace occupancy::testing;

namespace {

const std::string kCli = std::string(OCCUPANCY_BIN_DIR) + "/occupancy";

size_t rows_of(const std::string& home) {
  store::Database db{config::Secret(database_url_from_env())};
  return std::stoul(db.exec("SELECT count(*) FROM raw_readings WHERE home = $1", {home}).text(0, 0));
}

std::filesystem::path home_config(const std::filesystem::path& dir, const std::string& home) {
  std::ifstream in(std::string(OCCUPANCY_SOURCE_DIR) + "/config/home.yaml");
  std::stringstream s;
  s << in.rdbuf();
  std::string text = s.str();
  text.replace(text.find("\nhome: home"), 11, "\nhome: " + home);
  std::ofstream(dir / "home.yaml") << text;
  return dir / "home.yaml";
}

}  // namespace

TEST_CASE("import archives every good reading once, reports bad rows by line and keeps the rest", "[integration]") {
  const auto home = unique_home("imp");
  const auto dir = temp_dir(home);
  const auto cfg = home_config(dir, home).string();
  const std::map<std::string, std::string> env{{"OCCUPANCY_DB_URL", database_url_from_env()}};
  auto [rc, out] =
      run(kCli, {"--config", cfg, "sim", "history", "--days", "14", "--out", (dir / "h.csv").string()}, env);
  REQUIRE(rc == 0);

  // The truth: rows in the file minus exact duplicates (the simulator's duplicate faults).
  std::ifstream in(dir / "h.csv");
  std::set<std::string> distinct;
  size_t rows = 0;
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    ++rows;
    distinct.insert(line);
  }
  std::tie(rc, out) = run(kCli, {"--config", cfg, "import", (dir / "h.csv").string()}, env);
  INFO(out);
  REQUIRE(rc == 0);
  CHECK(rows_of(home) == distinct.size());
  CHECK_THAT(out, Catch::Contains(std::to_string(distinct.size()) + " new"));

  std::tie(rc, out) = run(kCli, {"--config", cfg, "import", (dir / "h.csv").string()}, env);
  CHECK(rc == 0);
  CHECK_THAT(out, Catch::Contains("(0 new"));
  CHECK(rows_of(home) == distinct.size());

  // A corrupted copy under a second home: each bad row named, the others archived, exit 5.
  const auto home2 = unique_home("imp");
  const auto cfg2 = home_config(dir, home2).string();
  std::ifstream again(dir / "h.csv");
  std::ofstream bad(dir / "bad.csv");
  size_t n = 0;
  while (std::getline(again, line)) {
    ++n;
    if (n == 10) line = "binary_sensor.nope,on,2026-01-05T10:00:00Z";
    if (n == 20) line = line.substr(0, line.size() - 8) + "garbage";
    if (n == 30) line = "no commas here";
    bad << line << '\n';
  }
  bad.close();
  std::tie(rc, out) = run(kCli, {"--config", cfg2, "import", (dir / "bad.csv").string()}, env);
  CHECK(rc == 5);
  CHECK_THAT(out, Catch::Contains("line 10: unknown entity 'binary_sensor.nope'"));
  CHECK_THAT(out, Catch::Contains("line 20: bad timestamp"));
  CHECK_THAT(out, Catch::Contains("line 30: expected 3 fields, got 1"));
  CHECK(rows_of(home2) >= distinct.size() - 3);
  CHECK(rows_of(home2) <= distinct.size());
}

TEST_CASE("ingest-history pulls HA's REST history day by day into the archive, idempotently", "[integration]") {
  const auto home = unique_home("ih");
  const auto dir = temp_dir(home);
  const auto ha_port = free_port();
  std::ifstream in(std::string(OCCUPANCY_SOURCE_DIR) + "/config/home.yaml");
  std::stringstream s;
  s << in.rdbuf();
  std::string text = s.str();
  text.replace(text.find("\nhome: home"), 11, "\nhome: " + home);
  text.replace(text.find("http://127.0.0.1:8123"), 21, "http://127.0.0.1:" + std::to_string(ha_port));
  std::ofstream(dir / "home.yaml") << text;
  const auto cfg = (dir / "home.yaml").string();
  Process ha(kCli,
             {"sim", "serve", "--port", std::to_string(ha_port), "--token", "T", "--speed", "1", "--history-days", "3",
              "--future-days", "1"},
             {}, dir / "ha.log");
  for (int i = 0; i < 100 && http_get(ha_port, "/api/").first == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  const std::map<std::string, std::string> env{{"OCCUPANCY_DB_URL", database_url_from_env()},
                                               {"OCCUPANCY_HA_TOKEN", "T"}};

  // The simulated past ends three days after the start (2026-01-04T22:00Z for the default household).
  const std::string until = "2026-01-07T22:00:00.000Z";
  auto [rc, out] = run(kCli, {"--config", cfg, "ingest-history", "--days", "3", "--until", until}, env);
  INFO(out);
  REQUIRE(rc == 0);
  CHECK_THAT(out, Catch::Contains("day 3/3"));  // plain progress lines when not on a terminal

  std::tie(rc, out) =
      run(kCli, {"--config", cfg, "sim", "history", "--days", "4", "--out", (dir / "truth.csv").string()});
  REQUIRE(rc == 0);
  std::ifstream truth(dir / "truth.csv");
  std::set<std::string> distinct;
  std::string line;
  std::getline(truth, line);
  while (std::getline(truth, line))
    if (line.substr(line.rfind(',') + 1) <= until) distinct.insert(line);
  CHECK(rows_of(home) == distinct.size());

  std::tie(rc, out) = run(kCli, {"--config", cfg, "ingest-history", "--days", "3", "--until", until}, env);
  CHECK(rc == 0);
  CHECK_THAT(out, Catch::Contains(" 0 new readings"));
  CHECK(rows_of(home) == distinct.size());

  auto bad_env = env;
  bad_env["OCCUPANCY_HA_TOKEN"] = "wrong";
  std::tie(rc, out) = run(kCli, {"--config", cfg, "ingest-history", "--days", "1", "--until", until}, bad_env);
  CHECK(rc == 1);
  CHECK_THAT(out, Catch::Contains("refused the access token"));
  ha.signal(SIGTERM);
}
