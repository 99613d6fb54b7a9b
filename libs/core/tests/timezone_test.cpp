#include "occupancy/core/timezone.hpp"

#include <catch2/catch.hpp>

using namespace occupancy;

namespace {
Millis t(const char* iso) { return *parse_iso8601(iso); }
}  // namespace

TEST_CASE("Bucharest is UTC+2 in winter and UTC+3 in summer, switching on the EU dates", "[timezone]") {
  const auto tz = TimeZone::load("Europe/Bucharest");
  CHECK(tz.offset_seconds(t("2026-01-15T12:00:00Z")) == 7200);
  CHECK(tz.offset_seconds(t("2026-07-15T12:00:00Z")) == 10800);
  // 2026: last Sunday of March is the 29th, of October the 25th; switch at 01:00 UTC.
  CHECK(tz.offset_seconds(t("2026-03-29T00:59:59Z")) == 7200);
  CHECK(tz.offset_seconds(t("2026-03-29T01:00:00Z")) == 10800);
  CHECK(tz.offset_seconds(t("2026-10-25T00:59:59Z")) == 10800);
  CHECK(tz.offset_seconds(t("2026-10-25T01:00:00Z")) == 7200);
  // Beyond the file's transition table the footer rule applies.
  CHECK(tz.offset_seconds(t("2045-07-01T00:00:00Z")) == 10800);
  CHECK(tz.offset_seconds(t("2045-12-01T00:00:00Z")) == 7200);
}

TEST_CASE("Los Angeles follows US rules", "[timezone]") {
  const auto tz = TimeZone::load("America/Los_Angeles");
  CHECK(tz.offset_seconds(t("2011-06-15T08:00:00Z")) == -7 * 3600);
  CHECK(tz.offset_seconds(t("2011-12-15T08:00:00Z")) == -8 * 3600);
  CHECK(tz.offset_seconds(t("2050-06-15T08:00:00Z")) == -7 * 3600);
}

TEST_CASE("local wall times convert back to UTC, across DST changes", "[timezone]") {
  const auto tz = TimeZone::load("Europe/Bucharest");
  CHECK(tz.from_local(t("2026-07-15T09:00:00Z")) == t("2026-07-15T06:00:00Z"));
  CHECK(tz.from_local(t("2026-01-15T09:00:00Z")) == t("2026-01-15T07:00:00Z"));
  // 03:30 does not exist on 2026-03-29 (clocks jump 03:00 -> 04:00): lands after the gap.
  const auto gap = tz.from_local(t("2026-03-29T03:30:00Z"));
  CHECK(tz.to_local(gap) == t("2026-03-29T04:30:00Z"));
  // 03:30 happens twice on 2026-10-25: the first one (still summer time).
  CHECK(tz.from_local(t("2026-10-25T03:30:00Z")) == t("2026-10-25T00:30:00Z"));
  for (Millis u = t("2026-03-01T00:00:00Z"); u < t("2026-11-30T00:00:00Z"); u += 37 * kMinute * 7)
    if (tz.offset_seconds(u) == tz.offset_seconds(u - 4 * 3600 * 1000LL)) CHECK(tz.from_local(tz.to_local(u)) == u);
}

TEST_CASE("unknown zones are named in the error", "[timezone]") {
  CHECK_THROWS_WITH(TimeZone::load("Mars/Olympus"), Catch::Contains("unknown time zone 'Mars/Olympus'"));
  CHECK_THROWS(TimeZone::load("../etc/passwd"));
  CHECK(TimeZone::load("UTC").offset_seconds(0) == 0);
}

TEST_CASE("local calendar fields", "[timezone]") {
  const auto lt = local_time(t("2026-11-28T07:32:00Z"));  // a Saturday
  CHECK(lt.year == 2026);
  CHECK(lt.month == 11);
  CHECK(lt.day == 28);
  CHECK(lt.weekday == 5);
  CHECK(lt.minute_of_day == 7 * 60 + 32);
  CHECK(local_midnight(2026, 11, 28) == t("2026-11-28T00:00:00Z"));
}
