#include "occupancy/publishing/deadband.hpp"

#include <catch2/catch.hpp>

using namespace occupancy;

TEST_CASE("states publish on meaningful change or heartbeat only", "[publishing]") {
  const publishing::Deadband band{2, 1, 10 * kMinute};
  HaState last{0, false, {{15, 40}, {120, 60}}, {}, std::nullopt, 30, "v1", std::nullopt};
  CHECK(publishing::should_publish(std::nullopt, last, band));
  auto next = last;
  next.ts = kMinute;
  next.occupancy_pct[15] = 41.5;
  next.minutes_to_next_occupancy = 29.5;
  CHECK_FALSE(publishing::should_publish(last, next, band));  // within both deadbands
  next.occupancy_pct[120] = 62;
  CHECK(publishing::should_publish(last, next, band));
  next = last;
  next.ts = kMinute;
  next.occupancy_pct.erase(120);  // a horizon no longer served
  CHECK(publishing::should_publish(last, next, band));
  next = last;
  next.ts = kMinute;
  next.vacant_within_pct = {{15, 20}};  // a duration forecast appears
  CHECK(publishing::should_publish(last, next, band));
  next = last;
  next.ts = kMinute;
  next.minutes_to_next_occupancy = 28.9;
  CHECK(publishing::should_publish(last, next, band));
  next = last;
  next.ts = kMinute;
  next.minutes_to_next_occupancy = std::nullopt;  // stops applying
  CHECK(publishing::should_publish(last, next, band));
  next = last;
  next.ts = kMinute;
  next.occupied_now = true;
  CHECK(publishing::should_publish(last, next, band));
  next = last;
  next.ts = 10 * kMinute;  // heartbeat
  CHECK(publishing::should_publish(last, next, band));
  next.ts = 9 * kMinute;
  CHECK_FALSE(publishing::should_publish(last, next, band));
  next.model_version = "v2";
  CHECK(publishing::should_publish(last, next, band));
}
