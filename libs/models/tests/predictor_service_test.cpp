// The predictor service's logic through its Step: forecasts published and archived, model
// versions hot-swapped from a scripted registry, the shadow's verdict applied and announced.
#include "occupancy/models/predictor_service.hpp"

#include <catch2/catch.hpp>

#include "occupancy/contract/refusal.hpp"
#include "occupancy/contract/validator.hpp"
#include "scripted_model_source.hpp"
#include "unit_helpers.hpp"

using namespace occupancy;
using namespace occupancy::testing;

namespace {

// A version without boosters (every room served by its baseline): enough to load and swap.
RegisteredVersion version(const std::string& name) {
  models::TrainedModel m;
  m.version = name;
  m.feature_names = features::FeatureSet(default_home().horizons_min).names();
  m.horizons = default_home().horizons_min;
  return {name, m.feature_set, "2026-01-13T08:00:00.000Z", 1'000'000, m.files()};
}

double metric(const contract::Step& step, const std::string& name, const contract::Labels& labels = {}) {
  for (const auto& m : step.metrics)
    if (m.name == name && m.labels == labels) return m.value;
  return -1;
}

FeatureVector vector_of(const std::string& room) {
  return {1'000'000, room, "v1", {{"occupied_now", 1.0}, {"reliable", 1.0}}};
}

// m1 active, c1 in shadow beside it.
std::shared_ptr<ScriptedModelSource> registry_with_shadow() {
  auto registry = std::make_shared<ScriptedModelSource>();
  registry->versions["m1"] = version("m1");
  registry->versions["c1"] = version("c1");
  registry->active = "m1";
  registry->in_shadow = "c1";
  return registry;
}

}  // namespace

TEST_CASE("a feature vector's forecast is published, archived, and stamps the last-prediction gauge", "[models]") {
  models::PredictorService service(default_home(), nullptr);
  const auto step = service.on_features(vector_of("office"), 5'000);
  const auto out = contract::published_on(step, proto::channel::prediction);
  REQUIRE(out.size() == 1);
  CHECK_FALSE(contract::validator().check(proto::channel::prediction.schema_file, out[0]->payload));
  CHECK(out[0]->params.at("room") == "office");
  REQUIRE(step.archive.predictions.size() == 1);
  CHECK(step.archive.predictions[0].model_version == "baseline-persistence");
  CHECK(metric(step, "occupancy_last_prediction_timestamp_seconds") == 5.0);
  CHECK_THROWS_AS(service.on_features(vector_of("attic"), 5'000), contract::Refusal);
  CHECK_THROWS_WITH(service.on_features(vector_of("office"), "kitchen", 5'000),
                    Catch::Contains("the topic names room 'kitchen' but the payload 'office'"));
  CHECK_THROWS_WITH(service.on_features({1, "office", "v1", {{"reliable", 1.0}}}, 5'000),
                    Catch::Contains("occupied_now"));
}

TEST_CASE("versions are hot-swapped from the registry, a broken one is refused and the serving one stays", "[models]") {
  auto registry = std::make_shared<ScriptedModelSource>();
  registry->versions["m1"] = version("m1");
  registry->versions["m2"] = version("m2");
  auto broken = version("m3");
  broken.files.at(0).data = "{not json";
  registry->versions["m3"] = broken;
  registry->active = "m1";
  models::PredictorService service(default_home(), registry);
  auto step = service.install(std::nullopt);
  REQUIRE(service.core().model() != nullptr);
  CHECK(service.core().model()->version == "m1");
  CHECK(metric(step, "occupancy_model_info", {{"version", "m1"}}) == 1);
  CHECK(metric(step, "occupancy_model_created_timestamp_seconds", {{"version", "m1"}}) == 1000);

  step = service.on_model({"m2", "v1", "", std::nullopt, ""});
  CHECK(service.core().model()->version == "m2");
  CHECK(metric(step, "occupancy_model_info", {{"version", "m1"}}) == 0);
  CHECK(metric(step, "occupancy_model_info", {{"version", "m2"}}) == 1);
  CHECK(service.on_features(vector_of("office"), 0).archive.predictions.at(0).model_version == "m2");

  step = service.on_model({"m3", "v1", "", std::nullopt, ""});
  CHECK(service.core().model()->version == "m2");
  CHECK(metric(step, "occupancy_model_loads_total", {{"result", "refused"}}) == 1);
  CHECK_THAT(step.logs.at(0).text, Catch::Contains("m2 keeps serving"));

  registry->fail = true;  // the database away: the serving version stays, nothing thrown
  step = service.on_model({"m1", "v1", "", std::nullopt, ""});
  CHECK(service.core().model()->version == "m2");
}

TEST_CASE("a candidate better with confidence over its shadow is promoted, recorded and announced", "[models]") {
  auto registry = registry_with_shadow();
  auto home = default_home();
  home.predictor.shadow_hours = 2;
  for (int minute = 0; minute < 150; ++minute)  // the candidate right, the active version wrong, every minute
    registry->pairs["c1"].push_back({"office", 15, minute * kMinute, 0.9, 0.1, false});
  models::PredictorService service(home, registry);
  service.install(std::nullopt);
  auto step = service.install_candidate();
  REQUIRE(service.core().shadow() != nullptr);
  CHECK_THAT(step.logs.at(0).text, Catch::Contains("c1 predicts in shadow beside m1 (150 of 120"));

  step = service.on_shadow_tick();
  REQUIRE(registry->verdicts.size() == 1);
  CHECK_THAT(registry->verdicts[0], Catch::StartsWith("promote c1: c1 promoted"));
  CHECK(service.core().model()->version == "c1");
  CHECK(service.core().shadow() == nullptr);
  CHECK(metric(step, "occupancy_shadow_decisions_total", {{"verdict", "promote"}}) == 1);
  const auto announced = contract::published_on(step, proto::channel::model);
  REQUIRE(announced.size() == 1);
  CHECK(contract::model_announcement_from_json(announced[0]->payload).version == "c1");
  CHECK(service.on_shadow_tick().empty());  // no shadow now
}

TEST_CASE("the shadow's verdict waits while the registry cannot record it", "[models]") {
  auto registry = registry_with_shadow();
  auto home = default_home();
  home.predictor.shadow_hours = 1;
  for (int minute = 0; minute < 90; ++minute)  // both equally good: retired
    registry->pairs["c1"].push_back({"office", 15, minute * kMinute, 0.2, 0.2, false});
  models::PredictorService service(home, registry);
  service.install(std::nullopt);
  service.install_candidate();
  registry->fail = true;
  CHECK_THROWS(service.on_shadow_tick());
  CHECK(service.core().shadow() != nullptr);  // nothing changed: the next tick retries
  registry->fail = false;
  service.on_shadow_tick();
  REQUIRE(registry->verdicts.size() == 1);
  CHECK_THAT(registry->verdicts[0], Catch::StartsWith("retire c1"));
  CHECK(service.core().model()->version == "m1");
}

namespace {
// The one response of a request's step, checked against the contract.
const rapidjson::Value& response_of(const contract::Step& step, const std::string& action) {
  const auto out = contract::published_on(step, proto::channel::response);
  REQUIRE(out.size() == 1);
  CHECK(out[0]->params.at("action") == action);
  CHECK_FALSE(contract::validator().check(proto::channel::response.schema_file, out[0]->payload));
  return out[0]->payload;
}
}  // namespace

TEST_CASE("requests from HA's hub: promote the candidate, roll back, each answered with what is active", "[models]") {
  auto registry = registry_with_shadow();
  models::PredictorService service(default_home(), registry);
  service.install(std::nullopt);
  service.install_candidate();

  auto step = service.on_request("promote", {std::string("t-1"), std::nullopt});
  auto r = &response_of(step, "promote");
  CHECK(std::string((*r)["status"].GetString()) == "ok");
  CHECK(std::string((*r)["data"]["version"].GetString()) == "c1");
  CHECK(std::string((*r)["data"]["previous"].GetString()) == "m1");
  CHECK(std::string((*r)["transaction"].GetString()) == "t-1");
  CHECK(registry->active == "c1");
  REQUIRE(registry->verdicts.size() == 1);  // recorded as the shadow's verdict
  CHECK_THAT(registry->verdicts[0], Catch::StartsWith("promote c1: promoted c1 on request"));
  CHECK(service.core().model()->version == "c1");  // served now
  const auto announced = contract::published_on(step, proto::channel::model);
  REQUIRE(announced.size() == 1);
  CHECK(std::string(announced[0]->payload["version"].GetString()) == "c1");
  CHECK(metric(step, "occupancy_control_requests_total", {{"action", "promote"}, {"status", "ok"}}) == 1);

  // Nothing left in shadow: an error that says so, nothing changed.
  step = service.on_request("promote", {});
  r = &response_of(step, "promote");
  CHECK(std::string((*r)["status"].GetString()) == "error");
  CHECK_THAT(std::string((*r)["error"].GetString()), Catch::Contains("no candidate in shadow"));
  CHECK(contract::published_on(step, proto::channel::model).empty());

  step = service.on_request("rollback", {});
  r = &response_of(step, "rollback");
  CHECK(std::string((*r)["data"]["version"].GetString()) == "m1");
  CHECK(registry->active == "m1");
  CHECK(service.core().model()->version == "m1");

  // A named version; the one serving; an unknown action; the registry away.
  CHECK(std::string(response_of(service.on_request("promote", {std::nullopt, std::string("c1")}), "promote")["status"]
                        .GetString()) == "ok");
  CHECK_THAT(
      std::string(response_of(service.on_request("promote", {std::nullopt, std::string("c1")}), "promote")["error"]
                      .GetString()),
      Catch::Contains("c1 is already active"));
  CHECK_THAT(std::string(response_of(service.on_request("retune", {}), "retune")["error"].GetString()),
             Catch::Contains("unknown action 'retune'"));
  CHECK(service.on_request("retrain", {}).empty());  // the trainer's to answer
  registry->fail = true;
  step = service.on_request("rollback", {});
  CHECK_THAT(std::string(response_of(step, "rollback")["error"].GetString()),
             Catch::Contains("registry refused or is unreachable"));
  CHECK(service.core().model()->version == "c1");  // unchanged
  registry->fail = false;
  models::PredictorService without(default_home(), nullptr);
  CHECK_THAT(std::string(response_of(without.on_request("rollback", {}), "rollback")["error"].GetString()),
             Catch::Contains("no model registry"));
}
