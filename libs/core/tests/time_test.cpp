#include "occupancy/core/time.hpp"

#include <catch2/catch.hpp>

using namespace occupancy;

TEST_CASE("ISO 8601 round trip keeps milliseconds", "[time]") {
  const auto t = parse_iso8601("2011-06-15T08:41:40.205Z");
  REQUIRE(t.has_value());
  CHECK(*t == 1308127300205);
  CHECK(format_iso8601(*t) == "2011-06-15T08:41:40.205Z");
}

TEST_CASE("ISO 8601 accepts HA's forms and rejects the rest", "[time]") {
  CHECK(parse_iso8601("2026-11-28T07:32:53+00:00") == parse_iso8601("2026-11-28T07:32:53.000Z"));
  CHECK(parse_iso8601("2026-11-28 07:32:53.5Z") == parse_iso8601("2026-11-28T07:32:53.500Z"));
  CHECK(parse_iso8601("2026-11-28T07:32:53.123456+00:00") == parse_iso8601("2026-11-28T07:32:53.123Z"));
  CHECK_FALSE(parse_iso8601("2026-11-28T07:32:53+02:00"));
  CHECK_FALSE(parse_iso8601("2026-02-30T07:32:53Z"));
  CHECK_FALSE(parse_iso8601("2026-11-28T25:32:53Z"));
  CHECK_FALSE(parse_iso8601("yesterday"));
  CHECK_FALSE(parse_iso8601("2026-11-28T07:32:53."));
  CHECK_FALSE(parse_iso8601(""));
}
