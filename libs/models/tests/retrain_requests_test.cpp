#include "occupancy/models/retrain_requests.hpp"

#include <catch2/catch.hpp>

#include "occupancy/contract/validator.hpp"
#include "occupancy/proto/contract.hpp"
#include "scripted_model_source.hpp"

using namespace occupancy;

namespace {
// The one response of a step, checked against the contract.
const rapidjson::Value& response_of(const contract::Step& step) {
  const auto out = contract::published_on(step, proto::channel::response);
  REQUIRE(out.size() == 1);
  CHECK(out[0]->params.at("action") == "retrain");
  CHECK_FALSE(contract::validator().check(proto::channel::response.schema_file, out[0]->payload));
  return out[0]->payload;
}
std::string text(const rapidjson::Value& v) { return v.GetString(); }

// What the child would have done: registered `version`, and made it active, put it in shadow or
// left it a candidate.
void registered(testing::ScriptedModelSource& r, const std::string& version, const std::string& fate) {
  r.versions[version] = RegisteredVersion{version, "v1", "", std::nullopt, {}};
  r.newest = version;
  if (fate == "active") r.active = version;
  if (fate == "shadow") r.in_shadow = version;
}
}  // namespace

TEST_CASE("retrain: one at a time, answered when it ends with the version and what became of it", "[models]") {
  auto registry = std::make_shared<testing::ScriptedModelSource>();
  registered(*registry, "m1", "active");
  models::RetrainRequests trainer(registry);
  CHECK(trainer.on_request("promote", {}, 0).empty());  // the predictor's
  CHECK_FALSE(trainer.take_start());

  auto step = trainer.on_request("retrain", {std::string("t-7"), std::nullopt}, 1'000'000);
  CHECK(contract::published_on(step, proto::channel::response).empty());  // answered when it ends
  CHECK(trainer.take_start());
  CHECK_FALSE(trainer.take_start());  // once
  CHECK(trainer.running());

  // A second press while it runs: refused at once, with its own transaction.
  const auto refused = trainer.on_request("retrain", {std::string("t-8"), std::nullopt}, 1'060'000);
  const auto& busy = response_of(refused);
  CHECK(text(busy["status"]) == "error");
  CHECK_THAT(text(busy["error"]), Catch::Contains("already running (since 1970-01-01T00:16:40"));
  CHECK(text(busy["transaction"]) == "t-8");
  CHECK_FALSE(trainer.take_start());

  registered(*registry, "m2", "shadow");
  step = trainer.on_finished(0, 1'120'000);
  const auto& done = response_of(step);
  CHECK(text(done["status"]) == "ok");
  CHECK(text(done["transaction"]) == "t-7");
  CHECK(text(done["data"]["version"]) == "m2");
  CHECK(text(done["data"]["previous"]) == "m1");
  CHECK(text(done["data"]["outcome"]) == "m2 is in shadow beside m1 until its verdict (trained in 120 s)");
  CHECK_FALSE(trainer.running());
  CHECK(trainer.on_finished(0, 0).empty());  // nothing was running

  // Made active at once (--force, no shadow hours), or left a candidate below the gate.
  trainer.on_request("retrain", {}, 0);
  registered(*registry, "m3", "active");
  step = trainer.on_finished(0, 30'000);
  CHECK_THAT(text(response_of(step)["data"]["outcome"]), Catch::StartsWith("m3 is active now"));
  CHECK(text(response_of(step)["data"]["previous"]) == "m1");
  CHECK_FALSE(response_of(step).HasMember("transaction"));
  trainer.on_request("retrain", {}, 0);
  registered(*registry, "m4", "candidate");
  step = trainer.on_finished(5, 30'000);
  CHECK_THAT(text(response_of(step)["data"]["outcome"]),
             Catch::Contains("m4 stays a candidate") && Catch::Contains("some archived rows were unusable"));
}

TEST_CASE("retrain: a failed training or an unreachable registry is answered with why", "[models]") {
  auto registry = std::make_shared<testing::ScriptedModelSource>();  // an empty registry: a first version
  models::RetrainRequests trainer(registry);
  trainer.on_request("retrain", {}, 0);
  REQUIRE(trainer.take_start());
  auto step = trainer.on_finished(4, 1);
  CHECK(text(response_of(step)["error"]) == "PostgreSQL is unreachable (exit 4)");
  trainer.on_request("retrain", {}, 2);
  REQUIRE(trainer.take_start());
  step = trainer.on_finished(0, 3);  // exit 0, but nothing new in the registry
  CHECK_THAT(text(response_of(step)["error"]), Catch::Contains("without registering"));

  registry->fail = true;  // PostgreSQL away at the press: refused at once, nothing started
  step = trainer.on_request("retrain", {}, 4);
  CHECK_THAT(text(response_of(step)["error"]), Catch::Contains("registry is unreachable"));
  CHECK_FALSE(trainer.take_start());
  CHECK(models::train_exit_meaning(137) == "the training was killed by signal 9");
  CHECK_THAT(models::train_exit_meaning(1), Catch::Contains("trainer's log"));
}
