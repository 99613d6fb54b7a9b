#include "occupancy/http/rate_limiter.hpp"

#include <catch2/catch.hpp>

using occupancy::http::RateLimiter;
using namespace std::chrono_literals;

TEST_CASE("a client gets its burst, then its rate, and other clients are not affected", "[http]") {
  RateLimiter limiter(10, 3);
  const auto t0 = RateLimiter::Clock::time_point{} + 1h;
  CHECK(limiter.allow("10.0.0.5", t0));
  CHECK(limiter.allow("10.0.0.5", t0));
  CHECK(limiter.allow("10.0.0.5", t0));
  CHECK_FALSE(limiter.allow("10.0.0.5", t0));  // burst spent
  CHECK(limiter.allow("10.0.0.6", t0));        // someone else
  CHECK_FALSE(limiter.allow("10.0.0.5", t0 + 50ms));
  CHECK(limiter.allow("10.0.0.5", t0 + 100ms));  // one token back after 1/10 s
  CHECK_FALSE(limiter.allow("10.0.0.5", t0 + 100ms));
  CHECK(limiter.allow("10.0.0.5", t0 + 10s));  // refilled, capped at the burst
  CHECK(limiter.allow("10.0.0.5", t0 + 10s));
  CHECK(limiter.allow("10.0.0.5", t0 + 10s));
  CHECK_FALSE(limiter.allow("10.0.0.5", t0 + 10s));
}

TEST_CASE("the limiter forgets idle clients instead of growing without bound", "[http]") {
  RateLimiter limiter(1, 1);
  const auto t0 = RateLimiter::Clock::time_point{} + 1h;
  for (int i = 0; i < 5000; ++i) limiter.allow("client-" + std::to_string(i), t0 + std::chrono::seconds(i));
  CHECK(limiter.clients() <= 4096);
}
