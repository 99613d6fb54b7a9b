#include "occupancy/cleaning/settled_announcer.hpp"

#include <catch2/catch.hpp>

using occupancy::kMinute;
using occupancy::Millis;
using occupancy::cleaning::SettledAnnouncer;

TEST_CASE("settled is announced when it crosses a minute or a step published something", "[settled]") {
  SettledAnnouncer a;
  const Millis t = 1'000 * kMinute + 20'000;             // 20 s into a minute
  CHECK_FALSE(a.after_step(std::nullopt, true));         // the cleaner has not started
  CHECK(a.after_step(t, false) == t);                    // the first settled time
  CHECK_FALSE(a.after_step(t + 10'000, false));          // same minute, nothing published
  CHECK(a.after_step(t + 20'000, true) == t + 20'000);   // a state change: at once
  CHECK_FALSE(a.after_step(t + 20'000, true));           // not twice for the same time
  CHECK_FALSE(a.after_step(t + 5'000, true));            // never backwards
  CHECK(a.after_step(t + 40'000, false) == t + 40'000);  // crossed into the next minute
  CHECK_FALSE(a.after_step(t + 45'000, false));
}
