// The CASAS AL-Smarthome sample, as an HA export (../shared/data/casas-al-smarthome).
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "occupancy/history/csv_history.hpp"

std::filesystem::path shared_data();

using namespace occupancy;

namespace {
const auto kDir = [] { return shared_data() / "casas-al-smarthome"; };
}

TEST_CASE("every one of the 61,578 CASAS rows is read", "[history][data]") {
  const auto entities = history::read_entities_csv(kDir() / "entities.csv");
  CHECK(entities.size() == 12);
  const auto r = history::read_history_csv(kDir() / "history.csv", entities);
  CHECK(r.rows == 61578);
  CHECK(r.errors.empty());
  CHECK(r.duplicates == 0);
  CHECK(r.readings.size() == 61578);
  CHECK(std::is_sorted(r.readings.begin(), r.readings.end(), [](const auto& a, const auto& b) { return a.ts < b.ts; }));
  CHECK(format_iso8601(r.readings.front().ts).rfind("2011-06-15", 0) == 0);
}

TEST_CASE("a corrupted copy reports each bad row and keeps the rest", "[history][data]") {
  const auto entities = history::read_entities_csv(kDir() / "entities.csv");
  std::ifstream in(kDir() / "history.csv");
  std::stringstream original;
  original << in.rdbuf();
  // Corruptions at known lines: CRLF everywhere, a truncated row, a bad timestamp, an unknown
  // entity, a garbage state, a duplicated row and binary noise.
  std::stringstream out;
  std::string line;
  size_t n = 0;
  std::vector<size_t> bad_lines;
  while (std::getline(original, line)) {
    ++n;
    if (n == 100) line = line.substr(0, line.rfind(','));                                         // truncated
    if (n == 2000) line.replace(line.rfind(',') + 1, std::string::npos, "2011-06-31T25:00:00Z");  // bad time
    if (n == 3000) line.replace(0, line.find(','), "binary_sensor.garage_motion");                // unknown entity
    if (n == 4000) line.replace(line.find(',') + 1, line.rfind(',') - line.find(',') - 1, "\xff\xfe");  // garbage
    out << line << "\r\n";
    if (n == 5000) out << line << "\r\n";  // duplicate
    if (n == 100 || n == 2000 || n == 3000 || n == 4000) bad_lines.push_back(n);
  }
  const auto r = history::parse_history_csv(out.str(), entities);
  REQUIRE(r.errors.size() == 4);
  for (size_t i = 0; i < 4; ++i) CHECK(r.errors[i].line == bad_lines[i]);
  CHECK(r.duplicates == 1);
  CHECK(r.readings.size() == 61578 - 4);
}
