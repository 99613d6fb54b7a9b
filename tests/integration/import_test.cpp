// `occupancy import` into the real PostgreSQL: exact counts, idempotency, bad rows.
#include <catch2/catch.hpp>
#include <fstream>
#include <set>
#include <sstream>

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
