// The cleaner service's logic through its Step: what is published, archived, counted.
#include "occupancy/cleaning/cleaner_service.hpp"

#include <catch2/catch.hpp>

#include "cleaning_test_helpers.hpp"
#include "occupancy/contract/refusal.hpp"
#include "occupancy/contract/validator.hpp"

using namespace occupancy;
using namespace occupancy::testing;

namespace {

contract::Params topic_of(const Reading& r) { return {{"room", r.room}, {"zone", r.zone}}; }

double counted(const contract::Step& step, const std::string& verdict) {
  double n = 0;
  for (const auto& m : step.metrics)
    if (m.name == "occupancy_cleaner_readings_total" && m.labels.at(0).second == verdict) n += m.value;
  return n;
}

}  // namespace

TEST_CASE("a raw reading is published clean once its hold window passed, with the room state, archived and counted",
          "[cleaning]") {
  cleaning::CleanerService service(default_home());
  const auto r = on(100, kBathPresence);
  auto step = service.on_raw(r, topic_of(r));
  CHECK(contract::published_on(step, proto::channel::clean).empty());  // held for the cat filter's context
  CHECK(step.archive.empty());
  step = service.on_clock(kT0 + 200'000);
  const auto clean = contract::published_on(step, proto::channel::clean);
  REQUIRE(clean.size() == 1);
  CHECK(clean[0]->params.at("zone") == r.zone);
  const auto states = contract::published_on(step, proto::channel::state);  // every room's first, then the change
  REQUIRE_FALSE(states.empty());
  CHECK(states.back()->params.at("room") == r.room);
  CHECK(states.back()->payload["occupied"].GetBool());
  for (const auto& p : step.publications) {
    INFO(p.channel->id);
    CHECK_FALSE(contract::validator().check(p.channel->schema_file, p.payload));
  }
  CHECK(contract::published_on(step, proto::channel::settled).size() == 1);  // the feature service computes now
  REQUIRE(step.archive.clean.size() == 1);
  CHECK(step.archive.states.size() == states.size());
  CHECK(counted(step, "clean") == 1);
  // Clean before states: the feature service sees the reading that moved the room first.
  CHECK(step.publications.front().channel == &proto::channel::clean);
}

TEST_CASE("a repeat is published as rejected with its reason and counted by it, not archived", "[cleaning]") {
  cleaning::CleanerService service(default_home());
  const auto first = on(0, kBathMotion), again = on(30, kBathMotion);
  auto step = service.on_raw(first, topic_of(first));
  step.append(service.on_raw(again, topic_of(again)));
  step.append(service.on_clock(kT0 + 100'000));
  const auto rejected = contract::published_on(step, proto::channel::rejected);
  REQUIRE(rejected.size() == 1);
  CHECK(std::string(rejected[0]->payload["reason"].GetString()) == "duplicate");
  CHECK(counted(step, "duplicate") == 1);
  CHECK(step.archive.clean.size() == 1);
}

TEST_CASE("a reading of an unknown entity, or on another room's topic, is refused and changes nothing", "[cleaning]") {
  cleaning::CleanerService service(default_home());
  auto stray = on(0, kBathMotion);
  stray.entity_id = "binary_sensor.garage_motion";
  CHECK_THROWS_WITH(service.on_raw(stray, topic_of(stray)), Catch::Contains("is not in the home config"));
  const auto r = on(0, kBathMotion);
  CHECK_THROWS_AS(service.on_raw(r, {{"room", "office"}, {"zone", r.zone}}), contract::Refusal);
  auto moved = r;
  moved.room = "office";
  CHECK_THROWS_WITH(service.on_raw(moved, topic_of(moved)), Catch::Contains("but the config maps"));
  CHECK(service.core().held() == 0);
}

TEST_CASE("restored room states are published, not archived again", "[cleaning]") {
  cleaning::CleanerService service(default_home());
  const auto step = service.restore({on(0, kBathMotion), on(10, kBathPresence)});
  const auto states = contract::published_on(step, proto::channel::state);
  REQUIRE_FALSE(states.empty());
  CHECK(std::any_of(states.begin(), states.end(), [](const auto* p) { return p->payload["occupied"].GetBool(); }));
  CHECK(step.archive.empty());
  REQUIRE(step.logs.size() == 1);
  CHECK_THAT(step.logs[0].text, Catch::Contains("1 rooms occupied"));
}

TEST_CASE("the cleaner's gauges: sensors in a gap and readings held", "[cleaning]") {
  cleaning::CleanerService service(default_home());
  const auto r = on(0, kBathMotion);
  service.on_raw(r, topic_of(r));
  const auto step = service.on_metrics_tick();
  REQUIRE(step.metrics.size() == 2);
  CHECK(step.metrics[1].name == "occupancy_cleaner_held");
  CHECK(step.metrics[1].value == 1);
}
