#include "occupancy/evaluation/paired_bootstrap.hpp"

#include <catch2/catch.hpp>

using namespace occupancy::evaluation;

namespace {

// Days of one forecaster: `per_minute` mean loss on each day, 100 minutes a day.
std::vector<DayError> days(const std::vector<double>& per_minute) {
  std::vector<DayError> out;
  for (double loss : per_minute) out.push_back({loss * 100, 100});
  return out;
}

}  // namespace

TEST_CASE("a paired bootstrap over days tells a steady gain from a noisy one", "[evaluation]") {
  const auto reference = days({0.10, 0.05, 0.20, 0.08, 0.12, 0.07, 0.15});

  const auto same = bootstrap_difference({reference}, {reference});
  CHECK(same.mean == 0);
  CHECK(same.low == 0);
  CHECK(same.high == 0);

  // Better by 0.01 every day, whatever the day's level: beyond noise.
  const auto steady = bootstrap_difference({days({0.09, 0.04, 0.19, 0.07, 0.11, 0.06, 0.14})}, {reference});
  CHECK(steady.mean == Approx(-0.01));
  CHECK(steady.high < 0);
  CHECK_FALSE(steady.worse());

  // Better on average, but worse on four days of seven: the interval spans zero.
  const auto noisy = bootstrap_difference({days({0.01, 0.11, 0.10, 0.15, 0.10, 0.12, 0.17})}, {reference});
  CHECK(noisy.mean < 0);
  CHECK(noisy.low < 0);
  CHECK(noisy.high > 0);

  // Worse every day: worse beyond noise.
  CHECK(bootstrap_difference({days({0.12, 0.07, 0.22, 0.10, 0.14, 0.09, 0.17})}, {reference}).worse());

  // The same seed gives the same interval.
  const auto again = bootstrap_difference({days({0.01, 0.11, 0.10, 0.15, 0.10, 0.12, 0.17})}, {reference});
  CHECK(again.low == noisy.low);
  CHECK(again.high == noisy.high);
}

TEST_CASE("rooms are resampled on the same days and averaged", "[evaluation]") {
  // Room 1 gains 0.02 a day, room 2 loses 0.01 a day: the mean over rooms is a steady -0.005.
  const auto diff = bootstrap_difference({days({0.08, 0.08, 0.08, 0.08}), days({0.11, 0.11, 0.11, 0.11})},
                                         {days({0.10, 0.10, 0.10, 0.10}), days({0.10, 0.10, 0.10, 0.10})});
  CHECK(diff.mean == Approx(-0.005));
  CHECK(diff.low == Approx(-0.005));
  CHECK(diff.high == Approx(-0.005));
}

TEST_CASE("only a candidate better beyond noise replaces the reference, and the best of them", "[evaluation]") {
  const auto reference = days({0.10, 0.05, 0.20, 0.08, 0.12});
  const auto noisy = days({0.02, 0.11, 0.10, 0.14, 0.17});   // a little better on the mean, not every day
  const auto slight = days({0.09, 0.04, 0.19, 0.07, 0.11});  // 0.01 better every day
  const auto strong = days({0.07, 0.03, 0.16, 0.05, 0.09});  // ~0.03 better every day
  CHECK_FALSE(better_beyond_noise({}, reference));
  CHECK_FALSE(better_beyond_noise({noisy, reference}, reference));
  CHECK(better_beyond_noise({noisy, slight}, reference) == 1u);
  CHECK(better_beyond_noise({slight, strong, noisy}, reference) == 1u);
}
