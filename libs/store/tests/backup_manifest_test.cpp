// A backup's manifest: what a restore checks every table against.
#include <catch2/catch.hpp>

#include "occupancy/store/backup.hpp"

using namespace occupancy::store;

TEST_CASE("a backup manifest round-trips, and a damaged one is refused by name", "[store]") {
  const std::vector<TableDigest> digests{{"models", 5, "0b5e4c3c"}, {"sensor_gaps", 0, ""}};
  const auto json = digests_to_json(digests, "2026-11-30T22:54:00.000Z");
  CHECK_THAT(json, Catch::Contains(R"("created_at":"2026-11-30T22:54:00.000Z")"));
  CHECK(digests_from_json(json) == digests);
  CHECK_FALSE(digests_from_json(json) == std::vector<TableDigest>{{"models", 6, "0b5e4c3c"}, {"sensor_gaps", 0, ""}});
  CHECK_THROWS_WITH(digests_from_json("not json"), Catch::Contains("\"tables\" list"));
  CHECK_THROWS_WITH(digests_from_json(R"({"tables":[{"table":"models","rows":"5","checksum":""}]})"),
                    Catch::Contains("needs \"table\", \"rows\" and \"checksum\""));
  CHECK_THROWS_WITH(digests_from_json(R"({"tables":[7]})"), Catch::Contains("table entry"));
}
