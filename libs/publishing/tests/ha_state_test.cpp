#include "occupancy/publishing/ha_state.hpp"

#include <catch2/catch.hpp>

using namespace occupancy;

TEST_CASE("HA state shows percentages and only the duration that applies", "[publishing]") {
  Prediction p;
  p.occupied_now = true;
  p.occupancy = {{15, 0.8234}, {120, 0.1}};
  p.minutes_to_vacancy = 12.6;
  p.minutes_to_next_occupancy = 99;  // does not apply to an occupied room
  p.model_version = "v3";
  auto h = publishing::to_ha_state(p);
  CHECK(h.occupancy_pct.at(15) == Approx(82.3));
  CHECK(h.occupancy_pct.at(120) == Approx(10.0));
  CHECK(h.occupancy_pct.size() == 2);
  CHECK(h.minutes_to_vacancy == 13.0);
  CHECK_FALSE(h.minutes_to_next_occupancy);
  p.occupied_now = false;
  h = publishing::to_ha_state(p);
  CHECK_FALSE(h.minutes_to_vacancy);
  CHECK(h.minutes_to_next_occupancy == 99.0);
}
