// The evaluation itself must be able to fail: a cleaner that accepts everything scores zero recall.
#include "occupancy/evaluation/cleaner_evaluation.hpp"

#include <catch2/catch.hpp>

#include "occupancy/simulation/household.hpp"
#include "unit_helpers.hpp"

using namespace occupancy;

TEST_CASE("the cleaner meets its bars on two simulated weeks, and a disabled filter does not", "[evaluation]") {
  const auto household = simulation::load_household(simulation::default_household_path());
  const auto& home = testing::default_home();
  const auto sim = simulation::simulate(home, household, 14);
  const auto score = evaluation::evaluate_cleaner(home, sim);
  CHECK(score.cat_readings > 100);
  CHECK(score.precision() >= 0.95);
  CHECK(score.recall() >= 0.95);
  CHECK(score.human_rejected_share() <= 0.01);
  CHECK(score.gap_recall() == 1.0);
  for (const auto& [room, agreement] : score.room_agreement) {
    INFO(room);
    CHECK(agreement >= 0.97);
  }

  auto blind = home;
  blind.cat_filter.enabled = false;
  const auto off = evaluation::evaluate_cleaner(blind, sim);
  CHECK(off.recall() == 0.0);
  CHECK_THAT(evaluation::format_score(score), Catch::Contains("cat recall"));
}
