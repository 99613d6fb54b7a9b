// The feature service's logic through its Step: vectors published when settled, priors from
// the model version serving, unknown rooms refused.
#include "occupancy/features/feature_service.hpp"

#include <algorithm>
#include <catch2/catch.hpp>

#include "occupancy/contract/refusal.hpp"
#include "occupancy/contract/validator.hpp"
#include "scripted_model_source.hpp"
#include "unit_helpers.hpp"

using namespace occupancy;
using namespace occupancy::testing;

namespace {

const Millis kT0 = *parse_iso8601("2026-01-13T08:00:00Z");

RegisteredVersion version_with_priors(const std::string& name, double office_share) {
  features::Priors priors;
  priors.rooms["office"].occupancy.fill(office_share);
  return {name, "v1", "", std::nullopt, {{"", "priors", "json", priors.to_json()}}};
}

}  // namespace

TEST_CASE("feature vectors are published per room when event time is settled, valid and on their room's topic",
          "[features]") {
  features::FeatureService service(default_home(), nullptr);
  service.start({});
  CHECK(service.on_state({kT0, "office", true, {"desk_anca"}, kT0, true}).empty());
  const auto step = service.on_settled(kT0 + 60'000);
  const auto vectors = contract::published_on(step, proto::channel::features);
  REQUIRE_FALSE(vectors.empty());
  CHECK(std::any_of(vectors.begin(), vectors.end(), [](const auto* p) { return p->params.at("room") == "office"; }));
  for (const auto* p : vectors) {
    CHECK_FALSE(contract::validator().check(p->channel->schema_file, p->payload));
    CHECK(p->params.at("room") == p->payload["room"].GetString());
  }
}

TEST_CASE("a state or reading of a room the config does not have is refused", "[features]") {
  features::FeatureService service(default_home(), nullptr);
  CHECK_THROWS_AS(service.on_state({kT0, "attic", true, {}, kT0, true}), contract::Refusal);
  CHECK_THROWS_WITH(service.on_state({kT0, "office", true, {}, kT0, true}, "bedroom"),
                    Catch::Contains("the topic names room 'bedroom'"));
  Reading r{kT0, "binary_sensor.attic_motion", "attic", "main", "motion", SensorState::on};
  CHECK_THROWS_WITH(service.on_reading(r), Catch::Contains("room 'attic' is not in the home config"));
}

TEST_CASE("priors come with the active version at start and with each announced version", "[features]") {
  auto source = std::make_shared<ScriptedModelSource>();
  auto& registry = *source;
  registry.versions["m1"] = version_with_priors("m1", 0.25);
  registry.versions["m2"] = version_with_priors("m2", 0.75);
  registry.active = "m1";
  features::FeatureService service(default_home(), source);
  auto step = service.start({});
  CHECK(service.stream().priors().rooms.at("office").occupancy[0] == 0.25);
  step = service.on_model({"m2", "v1", "2026-01-13T08:00:00.000Z", std::nullopt, ""});
  CHECK(service.stream().priors().rooms.at("office").occupancy[0] == 0.75);
  REQUIRE(step.logs.size() == 1);
  CHECK_THAT(step.logs[0].text, Catch::Contains("priors of model m2 in use"));

  // The registry away, or an unknown version: logged as an error, the priors in use stay.
  step = service.on_model({"m9", "v1", "", std::nullopt, ""});
  REQUIRE(step.logs.size() == 1);
  CHECK(step.logs[0].level == contract::LogLine::Level::error);
  CHECK_THAT(step.logs[0].text, Catch::Contains("m9"));
  registry.fail = true;
  step = service.on_model({"m1", "v1", "", std::nullopt, ""});
  CHECK_THAT(step.logs.at(0).text, Catch::Contains("refused"));
  CHECK(service.stream().priors().rooms.at("office").occupancy[0] == 0.75);
}
