#include "occupancy/ingest/replay_pacer.hpp"

#include <catch2/catch.hpp>

#include "occupancy/core/time.hpp"

using namespace occupancy;
using occupancy::ingest::ReplayPacer;
using Verdict = ReplayPacer::Verdict;
using namespace std::chrono_literals;

TEST_CASE("a replay runs at most `ahead` past the latest prediction while a predictor is online", "[ingest]") {
  ReplayPacer pacer(30 * kMinute, 30s);
  const auto t0 = ReplayPacer::Clock::now();
  const Millis start = 1'000 * kMinute;
  CHECK(pacer.check(start + 120 * kMinute, t0) == Verdict::go);  // no predictor: nothing to follow
  auto& fresh = pacer;
  fresh.predictor_status(true);
  CHECK(fresh.check(start, t0) == Verdict::go);  // the first item sets the origin
  CHECK(fresh.check(start + 30 * kMinute, t0) == Verdict::go);
  CHECK(fresh.check(start + 31 * kMinute, t0) == Verdict::wait);  // no prediction yet
  fresh.prediction_made_at(start + 60 * kMinute, t0 + 1s);
  CHECK(fresh.check(start + 90 * kMinute, t0 + 1s) == Verdict::go);
  CHECK(fresh.check(start + 91 * kMinute, t0 + 1s) == Verdict::wait);
  fresh.prediction_made_at(start + 10 * kMinute, t0 + 2s);  // an older one does not move it back
  CHECK(fresh.check(start + 91 * kMinute, t0 + 2s) == Verdict::wait);
  fresh.predictor_status(false);  // the predictor went away: nothing to wait for
  CHECK(fresh.check(start + 500 * kMinute, t0 + 3s) == Verdict::go);
}

TEST_CASE("a replay stops waiting for good when no prediction comes for the stall time", "[ingest]") {
  ReplayPacer pacer(30 * kMinute, 30s);
  pacer.predictor_status(true);
  const auto t0 = ReplayPacer::Clock::now();
  const Millis start = 1'000 * kMinute;
  CHECK(pacer.check(start, t0) == Verdict::go);
  CHECK(pacer.check(start + 40 * kMinute, t0) == Verdict::wait);
  pacer.prediction_made_at(start + 5 * kMinute, t0 + 20s);              // progress, not yet enough
  CHECK(pacer.check(start + 40 * kMinute, t0 + 45s) == Verdict::wait);  // 25 s since the last prediction
  CHECK(pacer.check(start + 40 * kMinute, t0 + 51s) == Verdict::stalled);
  CHECK_FALSE(pacer.following());
  CHECK(pacer.check(start + 900 * kMinute, t0 + 52s) == Verdict::go);
}
