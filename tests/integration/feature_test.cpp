// The feature service after a restart: the retained room state and the archived transitions
// give back "minutes in state" and recent occupancy, instead of starting from nothing.
#include <rapidjson/document.h>

#include <catch2/catch.hpp>
#include <csignal>
#include <fstream>
#include <regex>
#include <sstream>

#include "occupancy/core/time.hpp"
#include "occupancy/store/database.hpp"
#include "test_support.hpp"

using namespace occupancy;
using namespace occupancy::testing;

TEST_CASE("a restarted feature service restores minutes in state and recent occupancy", "[integration]") {
  const auto broker = broker_from_env();
  const auto db_url = fresh_database("it_feat", true);
  const auto home = unique_home("feat");
  const auto dir = temp_dir(home);
  const auto cfg = write_home_config(dir, home, {{"feature", free_port()}}, true);
  // What the cleaner archived before the restart: the office vacant from 08:00, occupied from 09:30.
  {
    store::Database db{config::Secret(db_url)};
    db.exec(
        "INSERT INTO room_transitions (home, room, ts, occupied, active_zones, reliable, since) VALUES "
        "($1, 'office', '2026-01-20T08:00:00Z', false, '{}', true, '2026-01-20T08:00:00Z'), "
        "($1, 'office', '2026-01-20T09:30:00Z', true, '{desk_anca}', true, '2026-01-20T09:30:00Z')",
        {home});
  }
  Recorder rec(broker, {"occupancy/" + home + "/features/office", "occupancy/" + home + "/status/feature",
                        "occupancy/" + home + "/dlq/feature"});
  // ...and the cleaner's retained state, as the broker keeps it.
  rec.publish("occupancy/" + home + "/state/office",
              R"({"ts":"2026-01-20T09:30:00.000Z","room":"office","occupied":true,"active_zones":["desk_anca"],)"
              R"("since":"2026-01-20T09:30:00.000Z","reliable":true})",
              true);
  Process feature(std::string(OCCUPANCY_BIN_DIR) + "/occupancy-feature", {"--config", cfg},
                  {{"OCCUPANCY_DB_URL", db_url}}, dir / "feature.log");
  REQUIRE(
      rec.wait_for("occupancy/" + home + "/status/feature", [](const Message& m) { return m.payload == "online"; }));
  INFO(feature.output());
  rec.publish("occupancy/" + home + "/settled", R"({"ts":"2026-01-20T10:00:00.000Z"})");
  const auto fv = rec.wait_for("occupancy/" + home + "/features/office", [](const Message& m) {
    return m.payload.find("2026-01-20T10:00:00") != std::string::npos;
  });
  REQUIRE(fv);
  rapidjson::Document d;
  d.Parse(fv->payload.c_str());
  CHECK(d["values"]["occupied_now"].GetDouble() == 1.0);
  CHECK(d["values"]["minutes_in_state"].GetDouble() == Approx(30));
  CHECK(d["values"]["occ_share_60"].GetDouble() == Approx(0.5));  // from the archived history
  CHECK_THAT(feature.output(), Catch::Contains("restored 2 room transitions"));

  // A clean reading of a room the config does not have is refused, named, not counted as activity.
  rec.publish("occupancy/" + home + "/clean/attic/room",
              R"({"ts":"2026-01-20T10:00:30.000Z","entity_id":"binary_sensor.attic_motion","room":"attic",)"
              R"("zone":"room","kind":"motion","state":"on"})");
  const auto dead = rec.wait_for("occupancy/" + home + "/dlq/feature", [](const Message&) { return true; });
  REQUIRE(dead);
  CHECK_THAT(dead->payload, Catch::Contains("unknown_room"));
  CHECK_THAT(dead->payload, Catch::Contains("attic"));
  rec.publish("occupancy/" + home + "/settled", R"({"ts":"2026-01-20T10:01:00.000Z"})");
  const auto next = rec.wait_for("occupancy/" + home + "/features/office", [](const Message& m) {
    return m.payload.find("2026-01-20T10:01:00") != std::string::npos;
  });
  REQUIRE(next);  // the service carries on
  feature.signal(SIGTERM);
  CHECK(feature.wait(std::chrono::seconds(10)) == 0);
  rec.publish("occupancy/" + home + "/state/office", "", true);  // clear the retained message
}
