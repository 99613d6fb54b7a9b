#include "occupancy/core/trace_id.hpp"

#include <catch2/catch.hpp>

#include "occupancy/core/types.hpp"

using namespace occupancy;

TEST_CASE("trace id: time in front, then a hash of what changed", "[trace]") {
  const Millis t = *parse_iso8601("2026-11-30T07:15:02.250Z");
  const auto id = make_trace_id(t, "binary_sensor.office_desk", "on");
  CHECK(id.size() == kTraceIdLength);
  CHECK(is_trace_id(id));
  CHECK(trace_id_time(id) == t);
  // The same change gives the same id (a backfilled reading keeps it); anything else differs.
  CHECK(make_trace_id(t, "binary_sensor.office_desk", "on") == id);
  CHECK(make_trace_id(t, "binary_sensor.office_desk", "off") != id);
  CHECK(make_trace_id(t + 1, "binary_sensor.office_desk", "on") != id);
  CHECK(make_trace_id(t, "binary_sensor.office_des", "kon") != id);
}

TEST_CASE("trace id: a reading's own, unless it carries one", "[trace]") {
  Reading r{1000, "binary_sensor.hall_motion", "hall", "main", "motion", SensorState::on};
  CHECK(trace_id_of(r) == make_trace_id(1000, "binary_sensor.hall_motion", "on"));
  r.trace_id = "0123456789abcdef0123";
  CHECK(trace_id_of(r) == "0123456789abcdef0123");
}

TEST_CASE("trace id: anything else is not one", "[trace]") {
  CHECK_FALSE(is_trace_id(""));
  CHECK_FALSE(is_trace_id("0123456789abcdef012"));    // 19
  CHECK_FALSE(is_trace_id("0123456789abcdef01234"));  // 21
  CHECK_FALSE(is_trace_id("0123456789ABCDEF0123"));   // upper case
  CHECK_FALSE(is_trace_id("0123456789abcdef012g"));
  CHECK_FALSE(trace_id_time("not-a-trace-id-at-al").has_value());
  CHECK(trace_id_time("00000000000a00000000") == 10);
  CHECK(make_trace_id(-5, "x", "y").substr(0, 12) == "000000000000");  // before 1970: clamped, still an id
}
