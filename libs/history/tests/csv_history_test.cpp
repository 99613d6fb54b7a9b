#include "occupancy/history/csv_history.hpp"

#include <catch2/catch.hpp>

using namespace occupancy;
using namespace occupancy::history;

namespace {

const EntityMap kEntities{{"binary_sensor.office_motion", "office", "room", "motion"},
                          {"binary_sensor.bed_anca", "bedroom", "bed_anca", "presence"}};

std::string errors_of(const ImportResult& r) {
  std::string out;
  for (const auto& e : r.errors) out += "line " + std::to_string(e.line) + ": " + e.reason + "\n";
  return out;
}

}  // namespace

TEST_CASE("HA's export: grouped by entity, read back in time order", "[history]") {
  const auto r = parse_history_csv(
      "entity_id,state,last_changed\n"
      "binary_sensor.office_motion,on,2026-01-05T10:00:02.000Z\n"
      "binary_sensor.office_motion,off,2026-01-05T10:00:04.000Z\n"
      "binary_sensor.bed_anca,on,2026-01-05T10:00:01.000Z\n"
      "binary_sensor.bed_anca,unknown,2026-01-05T10:00:03.000Z\n",
      kEntities);
  CHECK(r.errors.empty());
  REQUIRE(r.readings.size() == 4);
  CHECK(r.readings[0].entity_id == "binary_sensor.bed_anca");
  CHECK(r.readings[0].zone == "bed_anca");
  CHECK(r.readings[1].entity_id == "binary_sensor.office_motion");
  CHECK(r.readings[2].state == SensorState::unavailable);  // unknown is never "off"
}

TEST_CASE("semicolon locales, CRLF, a BOM and quoted fields", "[history]") {
  const auto r = parse_history_csv(
      "\xEF\xBB\xBF\"entity_id\";\"state\";\"last_changed\"\r\n"
      "\"binary_sensor.office_motion\";\"on\";\"2026-01-05T10:00:02+00:00\"\r\n"
      "binary_sensor.office_motion ; off ; 2026-01-05 10:00:04.5Z\r\n",
      kEntities);
  INFO(errors_of(r));
  CHECK(r.errors.empty());
  REQUIRE(r.readings.size() == 2);
  CHECK(r.readings[1].ts == *parse_iso8601("2026-01-05T10:00:04.500Z"));
}

TEST_CASE("bad rows are reported by line and skipped, good rows are kept", "[history]") {
  const auto r = parse_history_csv(
      "entity_id,state,last_changed\n"
      "binary_sensor.office_motion,on,2026-01-05T10:00:02.000Z\n"     // 2 ok
      "binary_sensor.attic,on,2026-01-05T10:00:02.000Z\n"             // 3 unknown entity
      "binary_sensor.office_motion,on,2026-13-05T10:00:02.000Z\n"     // 4 bad timestamp
      "binary_sensor.office_motion,maybe,2026-01-05T10:00:03.000Z\n"  // 5 bad state
      "binary_sensor.office_motion,off\n"                             // 6 too few fields
      "\n"                                                            // 7 blank: ignored
      "binary_sensor.office_motion,off,2026-01-05T10:00:09.000Z\n"    // 8 ok
      "binary_sensor.office_motion,off,2026-01-05T10:00:09.000Z\n",   // 9 exact duplicate
      kEntities);
  REQUIRE(r.errors.size() == 4);
  CHECK(r.errors[0].line == 3);
  CHECK_THAT(r.errors[0].reason, Catch::Contains("unknown entity 'binary_sensor.attic'"));
  CHECK(r.errors[1].line == 4);
  CHECK_THAT(r.errors[1].reason, Catch::Contains("bad timestamp"));
  CHECK(r.errors[2].line == 5);
  CHECK_THAT(r.errors[2].reason, Catch::Contains("unsupported state 'maybe'"));
  CHECK(r.errors[3].line == 6);
  CHECK_THAT(r.errors[3].reason, Catch::Contains("expected 3 fields, got 2"));
  CHECK(r.readings.size() == 2);
  CHECK(r.duplicates == 1);
  CHECK(r.rows == 7);  // blank lines are not rows
  CHECK(r.unknown_entities == 1);
}

TEST_CASE("a file without the columns is refused as a whole", "[history]") {
  CHECK_THROWS_WITH(parse_history_csv("a,b,c\n1,2,3\n", kEntities),
                    Catch::Contains("entity_id, state and last_changed"));
  CHECK_THROWS(parse_history_csv("", kEntities));
}

TEST_CASE("entities.csv is validated with file and line", "[history]") {
  const auto ok = parse_entities_csv("entity_id,room,zone,kind\r\nbinary_sensor.x,office,desk,presence\r\n", "e.csv");
  REQUIRE(ok.size() == 1);
  CHECK(ok[0].kind == "presence");
  CHECK_THROWS_WITH(parse_entities_csv("entity_id,room,zone,kind\nbinary_sensor.x,office,desk,radar\n", "e.csv"),
                    Catch::Contains("e.csv: line 2: kind must be"));
  CHECK_THROWS_WITH(parse_entities_csv("entity_id,room\n", "e.csv"), Catch::Contains("missing zone"));
}
