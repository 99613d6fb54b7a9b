#include "occupancy/contract/messages.hpp"

#include <catch2/catch.hpp>

#include "occupancy/contract/refusal.hpp"
#include "occupancy/contract/validator.hpp"

using namespace occupancy;

TEST_CASE("values serialise to payloads their schemas accept, and back", "[contract]") {
  const auto& v = contract::validator();
  Reading r{*parse_iso8601("2026-11-28T07:00:00.250Z"),
            "binary_sensor.office_motion",
            "office",
            "room",
            "motion",
            SensorState::unavailable};
  auto rj = contract::to_json(r);
  CHECK_FALSE(v.check(proto::channel::raw.schema_file, rj));
  CHECK(contract::reading_from_json(rj) == r);

  RoomState s{r.ts, "office", true, {"desk_anca"}, r.ts - 60000, false};
  auto sj = contract::to_json(s);
  CHECK_FALSE(v.check(proto::channel::state.schema_file, sj));
  CHECK(contract::room_state_from_json(sj) == s);

  Prediction p;
  p.ts = r.ts;
  p.room = "office";
  p.occupancy = {{15, 0.25}, {120, 1.0}};
  p.minutes_to_next_occupancy = 42;
  p.model_version = "baseline-persistence";
  p.fallback = "persistence";
  auto pj = contract::to_json(p);
  CHECK_FALSE(v.check(proto::channel::prediction.schema_file, pj));
  const auto back = contract::prediction_from_json(pj);
  CHECK(back.occupancy == p.occupancy);
  CHECK(back.minutes_to_next_occupancy == 42);
  CHECK_FALSE(back.minutes_to_vacancy);
  CHECK(back.fallback == p.fallback);

  FeatureVector fv{r.ts, "office", "skeleton-1", {{"occupied_now", 1}, {"minutes_in_state", 12.5}}};
  auto fj = contract::to_json(fv);
  CHECK_FALSE(v.check(proto::channel::features.schema_file, fj));
  CHECK(contract::features_from_json(fj).values == fv.values);

  HaState h{r.ts, true, {{15, 55.5}, {120, 10}}, {{15, 20}, {30, 61.5}}, 30, std::nullopt, "v", std::nullopt};
  h.threshold_pct = {{15, 60}};
  CHECK_FALSE(v.check(proto::channel::ha_state.schema_file, contract::to_json(h)));
  CHECK_FALSE(v.check(proto::channel::clock.schema_file, contract::clock_json(r.ts)));
}

TEST_CASE("horizon keys and feature names the schema cannot check are refused by the reader", "[contract]") {
  rapidjson::Document d;
  d.Parse(
      R"({"ts":"2026-11-28T07:00:00Z","room":"office","occupied_now":false,"occupancy":{"2h":0.5},"model_version":"v"})");
  CHECK_FALSE(contract::validator().check(proto::channel::prediction.schema_file, d));
  CHECK_THROWS_AS(contract::prediction_from_json(d), contract::Refusal);
  d.Parse(R"({"ts":"2026-11-28T07:00:00Z","room":"office","feature_set":"s","values":{"Bad Name":1}})");
  CHECK_THROWS_WITH(contract::features_from_json(d), Catch::Contains("Bad Name"));
}

TEST_CASE("room settings: thresholds per horizon, and the keys from before horizons were configurable still read",
          "[contract]") {
  const auto& v = contract::validator();
  rapidjson::Document d;
  d.Parse(R"({"threshold_pct":{"30":70,"180":40}})");
  CHECK_FALSE(v.check(proto::channel::settings.schema_file, d));
  CHECK(contract::room_settings_from_json(d).threshold_pct == std::map<int, double>{{30, 70}, {180, 40}});
  d.Parse(R"({"threshold_15_pct":65,"threshold_120_pct":35})");
  CHECK_FALSE(v.check(proto::channel::settings.schema_file, d));
  CHECK(contract::room_settings_from_json(d).threshold_pct == std::map<int, double>{{15, 65}, {120, 35}});
  const auto back = contract::to_json(RoomSettings{{{30, 70}}});
  CHECK_FALSE(v.check(proto::channel::settings.schema_file, back));
  CHECK(contract::room_settings_from_json(back).threshold_pct == std::map<int, double>{{30, 70}});
  d.Parse(R"({"threshold_pct":{"30":100}})");  // out of range
  CHECK(v.check(proto::channel::settings.schema_file, d));
  d.Parse(R"({"threshold_pct":{"half an hour":50}})");  // the key rule RapidJSON cannot check
  CHECK_THROWS_AS(contract::room_settings_from_json(d), contract::Refusal);
}

// Regression: a date that fits the schema's pattern but cannot exist became the epoch.
TEST_CASE("a timestamp that is no calendar date is refused by the reader, not read as the epoch", "[contract]") {
  rapidjson::Document d;
  d.Parse(R"({"ts":"2026-02-30T07:00:00Z","entity_id":"binary_sensor.office_desk_anca","room":"office",)"
          R"("zone":"desk_anca","kind":"presence","state":"on"})");
  CHECK_FALSE(contract::validator().check(proto::channel::raw.schema_file, d));  // the pattern fits
  try {
    contract::reading_from_json(d);
    FAIL("2026-02-30 was accepted");
  } catch (const contract::Refusal& r) {
    CHECK(r.keyword() == "date");
    CHECK(r.pointer() == "/ts");
    CHECK_THAT(r.what(), Catch::Contains("2026-02-30"));
  }
}

TEST_CASE("the model announcement is a typed message that its schema accepts, and back", "[contract]") {
  const contract::ModelAnnouncement m{"m20261130T160944", "v1", "2026-11-30T16:09:44.000Z", std::nullopt, ""};
  const auto j = contract::to_json(m);
  CHECK_FALSE(contract::validator().check(proto::channel::model.schema_file, j));
  const auto back = contract::model_announcement_from_json(j);
  CHECK(back.version == m.version);
  CHECK(back.feature_set == m.feature_set);
  CHECK(back.activated_at == m.activated_at);
  CHECK_FALSE(back.candidate);
  const contract::ModelAnnouncement shadow{"m1", "v1", "2026-11-30T16:09:44.000Z", "m2", "m2 in shadow beside m1"};
  const auto s = contract::to_json(shadow);
  CHECK_FALSE(contract::validator().check(proto::channel::model.schema_file, s));
  CHECK(contract::model_announcement_from_json(s).candidate == std::optional<std::string>("m2"));
  CHECK(contract::model_announcement_from_json(s).reason == "m2 in shadow beside m1");
}

TEST_CASE("a trace id travels in every message of a sensor change, and only a well-formed one", "[contract][trace]") {
  const auto& v = contract::validator();
  const std::string id = "019abc0123de4f5a6b7c";
  Reading r{*parse_iso8601("2026-11-28T07:00:00.250Z"),
            "binary_sensor.office_motion",
            "office",
            "room",
            "motion",
            SensorState::on};
  r.trace_id = id;
  const auto rj = contract::to_json(r);
  CHECK_FALSE(v.check(proto::channel::raw.schema_file, rj));
  CHECK(contract::reading_from_json(rj).trace_id == id);
  Rejection rej{r, "cat", "three rooms in 2 s"};
  CHECK_FALSE(v.check(proto::channel::rejected.schema_file, contract::to_json(rej)));

  RoomState s{r.ts, "office", true, {"room"}, r.ts, true};
  s.trace_id = id;
  CHECK(contract::room_state_from_json(contract::to_json(s)).trace_id == id);
  FeatureVector fv{r.ts, "office", "v1", {{"occupied_now", 1.0}}};
  fv.trace_id = id;
  CHECK(contract::features_from_json(contract::to_json(fv)).trace_id == id);
  Prediction p;
  p.ts = r.ts;
  p.room = "office";
  p.occupancy = {{15, 0.5}};
  p.model_version = "v";
  p.trace_id = id;
  const auto pj = contract::to_json(p);
  CHECK_FALSE(v.check(proto::channel::prediction.schema_file, pj));
  CHECK(contract::prediction_from_json(pj).trace_id == id);
  HaState h{r.ts, true, {{15, 50}, {120, 10}}, {}, 30, std::nullopt, "v", std::nullopt};
  h.trace_id = id;
  const auto hj = contract::to_json(h);
  CHECK_FALSE(v.check(proto::channel::ha_state.schema_file, hj));
  CHECK(std::string(hj["trace_id"].GetString()) == id);

  // None: left out, not an empty string. A malformed one is refused by the schema.
  r.trace_id.clear();
  CHECK_FALSE(contract::to_json(r).HasMember("trace_id"));
  auto bad = contract::to_json(r);
  bad.AddMember("trace_id", "DROP TABLE", bad.GetAllocator());
  const auto error = v.check(proto::channel::raw.schema_file, bad);
  REQUIRE(error);
  CHECK(error->pointer == "/trace_id");
}
