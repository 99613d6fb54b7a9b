#include "occupancy/simulation/household.hpp"

#include <catch2/catch.hpp>

using namespace occupancy::simulation;

TEST_CASE("the shipped household loads with two adults and a cat", "[simulation]") {
  const auto h = load_household(default_household_path());
  REQUIRE(h.people.size() == 2);
  CHECK(h.people.at("anca").wake == 6 * 60 + 40);
  CHECK(h.people.at("vladimir").weekend_bedtime == 24 * 60 + 30);  // after midnight
  CHECK(h.people.at("anca").wfh_weekdays == std::vector<int>{0, 1, 3});
  CHECK(h.cat.night_visits > 0);
}

TEST_CASE("every parameter can be overridden with key=value", "[simulation]") {
  const auto h = load_household(default_household_path(), {"cat.night_visits=0", "people.anca.wake=05:30", "seed=42"});
  CHECK(h.cat.night_visits == 0);
  CHECK(h.people.at("anca").wake == 330);
  CHECK(h.seed == 42);
}

TEST_CASE("household errors name the key", "[simulation]") {
  CHECK_THROWS_WITH(parse_household("people: {a: {wake: '25:00'}}", "h.yaml"), Catch::Contains("key 'people.a.wake'"));
  CHECK_THROWS_WITH(parse_household("catt: {}\npeople: {a: {}}", "h.yaml"), Catch::Contains("key 'catt': unknown key"));
  CHECK_THROWS_WITH(parse_household("people: {a: {}}\nguest_visit_probability: 2", "h.yaml"),
                    Catch::Contains("guest_visit_probability': expected a probability"));
  CHECK_THROWS_WITH(parse_household("people: {a: {wfh_weekdays: [sun]}}", "h.yaml"), Catch::Contains("wfh_weekdays"));
  CHECK_THROWS_WITH(parse_household("people: {}", "h.yaml"), Catch::Contains("at least one person"));
  CHECK_THROWS_WITH(load_household(default_household_path(), {"nonsense"}), Catch::Contains("not key=value"));
}
