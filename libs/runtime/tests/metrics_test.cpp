#include "occupancy/runtime/metrics.hpp"

#include <catch2/catch.hpp>

using occupancy::runtime::Metrics;

TEST_CASE("metrics render in Prometheus text format", "[metrics]") {
  Metrics m("cleaner");
  m.add("occupancy_messages_in_total", {{"channel", "raw"}});
  m.add("occupancy_messages_in_total", {{"channel", "raw"}}, 2);
  m.add("occupancy_dead_letters_total", {{"reason", "say \"hi\"\n"}});
  m.observe_processing_seconds(0.0003);
  m.observe_processing_seconds(2);
  const auto text = m.render();
  CHECK_THAT(text, Catch::Contains("# TYPE occupancy_messages_in_total counter\n"));
  CHECK_THAT(text, Catch::Contains("occupancy_messages_in_total{channel=\"raw\"} 3\n"));
  CHECK_THAT(text, Catch::Contains("reason=\"say \\\"hi\\\"\\n\""));  // escaped label value
  CHECK_THAT(text, Catch::Contains("occupancy_processing_seconds_bucket{le=\"0.0005\"} 1\n"));
  CHECK_THAT(text, Catch::Contains("occupancy_processing_seconds_bucket{le=\"+Inf\"} 2\n"));
  CHECK_THAT(text, Catch::Contains("occupancy_processing_seconds_count 2\n"));
  CHECK_THAT(text, Catch::Contains("occupancy_build_info{service=\"cleaner\""));
  CHECK(m.value("occupancy_messages_in_total", {{"channel", "raw"}}) == 3);
}

TEST_CASE("an undeclared metric family is a programming error", "[metrics]") {
  Metrics m("x");
  CHECK_THROWS(m.add("occupancy_typo_total"));
}
