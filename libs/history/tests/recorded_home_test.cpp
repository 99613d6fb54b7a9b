#include "occupancy/history/recorded_home.hpp"

#include <catch2/catch.hpp>
#include <fstream>

using occupancy::history::read_recorded_home;
using occupancy::history::zone_named_in;

TEST_CASE("the time zone is read from the prose of a SOURCE.md", "[history]") {
  CHECK(zone_named_in("  The home's local time zone is America/Los_Angeles (hour-of-day features need it).") ==
        "America/Los_Angeles");
  CHECK(zone_named_in("- Time zone: **Europe/Madrid** (UTC+1 throughout)") == "Europe/Madrid");
  CHECK(zone_named_in("Taken from github.com/WSU-CASAS/AL-Smarthome\nTime zone: America/Argentina/Buenos_Aires") ==
        "America/Argentina/Buenos_Aires");
  // A path on a line that does not speak of a time zone is not a zone.
  CHECK_FALSE(zone_named_in("Converted by tools/Data/Convert.py"));
  CHECK_FALSE(zone_named_in("the time zone is not known"));
}

TEST_CASE("a recorded home's folder: files and zone, or an error naming what is missing", "[history]") {
  const auto dir = std::filesystem::temp_directory_path() / "occupancy_recorded_home_test" / "house-x";
  std::filesystem::remove_all(dir.parent_path());
  std::filesystem::create_directories(dir);
  CHECK_THROWS_WITH(read_recorded_home(dir), Catch::Contains("no history.csv"));
  std::ofstream(dir / "history.csv") << "entity_id,state,last_changed\n";
  std::ofstream(dir / "entities.csv") << "entity_id,room,zone,kind\n";
  CHECK_THROWS_WITH(read_recorded_home(dir), Catch::Contains("no SOURCE.md"));
  CHECK(read_recorded_home(dir, "Europe/Bucharest").tz == "Europe/Bucharest");
  std::ofstream(dir / "SOURCE.md") << "# House X\nTime zone: **Europe/Madrid**.\n";
  const auto home = read_recorded_home(dir);
  CHECK(home.name == "house-x");
  CHECK(home.tz == "Europe/Madrid");
  CHECK(home.history == dir / "history.csv");
  std::filesystem::remove_all(dir.parent_path());
}
