#include "occupancy/core/event_time.hpp"

#include <catch2/catch.hpp>

using namespace occupancy;

namespace {
const Millis kNow = *parse_iso8601("2026-11-30T12:00:00Z");
}

TEST_CASE("event time: with a wall clock, the future and the distant past are refused", "[core]") {
  EventTimeGuard guard({}, [] { return kNow; });
  CHECK_FALSE(guard.check(kNow));
  CHECK_FALSE(guard.check(kNow + 4 * kMinute));  // a little ahead: clocks differ
  CHECK_FALSE(guard.check(kNow - 10 * kDay));    // a backfill from HA's history
  const auto future = guard.check(*parse_iso8601("2099-01-01T00:00:00Z"));
  REQUIRE(future);
  CHECK_THAT(*future, Catch::Contains("2099-01-01T00:00:00.000Z") && Catch::Contains("past the wall clock"));
  const auto epoch = guard.check(0);
  REQUIRE(epoch);
  CHECK_THAT(*epoch, Catch::Contains("before the wall clock"));
  CHECK_FALSE(guard.check(kNow + kMinute));  // refusals leave the guard as it was
}

TEST_CASE("event time: without a wall clock, only a jump past the newest event is refused", "[core]") {
  EventTimeGuard guard({5 * kMinute, 31 * kDay}, {});
  CHECK_FALSE(guard.check(*parse_iso8601("2011-11-28T00:00:00Z")));  // a replay of an old recording
  CHECK_FALSE(guard.check(*parse_iso8601("2011-12-20T00:00:00Z")));  // 22 days on: a long trip
  CHECK_FALSE(guard.check(*parse_iso8601("2011-12-01T00:00:00Z")));  // late events are the cores' business
  const auto jump = guard.check(*parse_iso8601("2099-01-01T00:00:00Z"));
  REQUIRE(jump);
  CHECK_THAT(*jump, Catch::Contains("jumps") && Catch::Contains("2011-12-20"));
  CHECK_FALSE(guard.check(*parse_iso8601("2012-01-15T00:00:00Z")));
}
