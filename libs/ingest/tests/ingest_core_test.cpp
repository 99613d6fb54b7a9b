#include "occupancy/ingest/ingest_core.hpp"

#include <catch2/catch.hpp>

using namespace occupancy;
using namespace occupancy::ingest;

namespace {

const std::vector<config::Entity> kEntities{{"binary_sensor.office_motion", "office", "room", "motion"}};
const Millis T = *parse_iso8601("2026-01-05T10:00:30Z");

std::string describe(const std::vector<Output>& out) {
  std::string s;
  for (const auto& o : out) {
    if (const auto* r = std::get_if<Reading>(&o))
      s += "R" + format_iso8601(r->ts).substr(11, 8) + to_string(r->state) + " ";
    else
      s += "T" + format_iso8601(std::get<ClockTick>(o).ts).substr(11, 5) + " ";
  }
  return s;
}

}  // namespace

TEST_CASE("readings come with the clock ticks of the minutes before them", "[ingest]") {
  IngestCore core(kEntities);
  CHECK(describe(core.on_change({"binary_sensor.office_motion", "on", T})) == "R10:00:30on ");
  CHECK(describe(core.on_change({"binary_sensor.office_motion", "off", T + 3 * kMinute})) ==
        "T10:01 T10:02 T10:03 R10:03:30off ");
  CHECK(describe(core.advance_to(T + 5 * kMinute)) == "T10:04 T10:05 ");
  CHECK(core.advance_to(T + 5 * kMinute).empty());
  // A reading exactly on a minute comes before that minute's tick.
  CHECK(describe(core.on_change({"binary_sensor.office_motion", "on", *parse_iso8601("2026-01-05T10:07:00Z")})) ==
        "T10:06 R10:07:00on ");
  CHECK(describe(core.advance_to(*parse_iso8601("2026-01-05T10:07:00Z"))) == "T10:07 ");
}

TEST_CASE("HA's current states start the clock at the newest of them, not at a days-old one", "[ingest]") {
  const std::vector<config::Entity> entities{kEntities[0], {"binary_sensor.office_door", "office", "door", "door"}};
  IngestCore core(entities);
  const auto out = core.on_current_states(
      {{"binary_sensor.office_motion", "off", T}, {"binary_sensor.office_door", "off", T - 3 * 24 * 60 * kMinute}});
  // Both readings, oldest first, and no tick for the three days between them.
  CHECK(describe(out) == "R10:00:30off R10:00:30off ");
  CHECK(std::get<Reading>(out.front()).entity_id == "binary_sensor.office_door");
  CHECK(describe(core.advance_to(T + 2 * kMinute)) == "T10:01 T10:02 ");
  // Once the clock runs, a later snapshot (not expected, but harmless) does not move it back.
  CHECK(describe(core.on_current_states({{"binary_sensor.office_door", "on", T + 3 * kMinute}})) ==
        "T10:03 R10:03:30on ");
}

TEST_CASE("duplicates and unconfigured entities are dropped, unknown is unavailable", "[ingest]") {
  IngestCore core(kEntities);
  CHECK(core.on_change({"binary_sensor.office_motion", "on", T}).size() == 1);
  CHECK(core.on_change({"binary_sensor.office_motion", "on", T}).empty());
  CHECK(core.duplicates() == 1);
  CHECK(core.on_change({"light.kitchen", "on", T}).empty());
  CHECK(core.ignored() == 1);
  const auto out = core.on_change({"binary_sensor.office_motion", "unknown", T + 1000});
  CHECK(std::get<Reading>(out.back()).state == SensorState::unavailable);
}

// The poisoned clock of the hardening issue: one reading dated 2099 moved every clock there.
TEST_CASE("a change dated far past the wall clock is refused, and the clock stays where it was", "[ingest]") {
  const Millis now = T + 10 * kMinute;
  IngestCore core(kEntities, EventTimeGuard({}, [now] { return now; }));
  CHECK(describe(core.on_change({"binary_sensor.office_motion", "on", T})) == "R10:00:30on ");
  CHECK(core.on_change({"binary_sensor.office_motion", "off", *parse_iso8601("2099-01-01T00:00:00Z")}).empty());
  CHECK(core.on_change({"binary_sensor.office_motion", "off", 0}).empty());  // 1970: months before the wall clock
  CHECK(core.refused() == 2);
  const auto refused = core.take_refused();
  REQUIRE(refused.size() == 2);
  CHECK(refused[0].change.state == "off");
  CHECK_THAT(refused[0].reason, Catch::Contains("past the wall clock"));
  CHECK(core.take_refused().empty());
  CHECK(describe(core.on_change({"binary_sensor.office_motion", "off", T + 2 * kMinute})) ==
        "T10:01 T10:02 R10:02:30off ");
}

TEST_CASE("current states: one from the future is refused, a months-old one is stated as of the span", "[ingest]") {
  const std::vector<config::Entity> entities{kEntities[0], {"binary_sensor.office_door", "office", "door", "door"}};
  IngestCore core(entities, EventTimeGuard({5 * kMinute, 31 * kDay}, [] { return T + kMinute; }));
  const auto out =
      core.on_current_states({{"binary_sensor.office_motion", "off", T},
                              {"binary_sensor.office_door", "off", T - 90 * kDay},
                              {"binary_sensor.office_door", "on", *parse_iso8601("2099-01-01T00:00:00Z")}});
  REQUIRE(out.size() == 2);
  CHECK(std::get<Reading>(out.front()).ts == T + 2 * kMinute - 31 * kDay);
  CHECK(std::get<Reading>(out.back()).ts == T);
  CHECK(core.refused() == 1);
}

TEST_CASE("backoff doubles with jitter and is capped", "[ingest]") {
  Backoff b(std::chrono::milliseconds(1000), std::chrono::milliseconds(8000));
  CHECK(b.next(0.0).count() == 500);
  CHECK(b.next(0.999).count() == 1999);
  CHECK(b.next(0.5).count() == 3000);
  CHECK(b.next(1.0).count() == 8000);
  CHECK(b.next(1.0).count() == 8000);  // capped
  b.reset();
  CHECK(b.next(0.0).count() == 500);
}
