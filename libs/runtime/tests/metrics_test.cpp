#include "occupancy/runtime/metrics.hpp"

#include <catch2/catch.hpp>

#include "occupancy/runtime/process_metrics.hpp"

using occupancy::runtime::Metrics;
using occupancy::runtime::parse_proc_stat;
using occupancy::runtime::read_process_stats;

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
  m.forget("occupancy_messages_in_total", {{"channel", "raw"}});
  CHECK_THAT(m.render(), !Catch::Contains("occupancy_messages_in_total{channel=\"raw\"}"));
}

TEST_CASE("an undeclared metric family is a programming error", "[metrics]") {
  Metrics m("x");
  CHECK_THROWS(m.add("occupancy_typo_total"));
}

TEST_CASE("process metrics: /proc/self/stat parsed, a command name with spaces and parentheses included", "[metrics]") {
  // proc(5): pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt
  // utime stime cutime cstime priority nice threads itrealvalue starttime vsize rss ...
  const std::string stat =
      "4242 (occupancy (x) y) S 1 4242 4242 0 -1 4194560 900 0 0 0 250 50 0 0 20 0 3 0 1000 123456789 2500 "
      "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n";
  const auto s = parse_proc_stat(stat, 100, 4096, 1'700'000'000);
  REQUIRE(s);
  CHECK(s->cpu_seconds == Approx(3.0));  // (250 + 50) ticks / 100
  CHECK(s->start_time_seconds == Approx(1'700'000'010.0));
  CHECK(s->virtual_bytes == Approx(123456789.0));
  CHECK(s->resident_bytes == Approx(2500.0 * 4096));
  CHECK_FALSE(parse_proc_stat("garbage", 100, 4096, 0));
  CHECK_FALSE(parse_proc_stat("1 (short) S 1 2", 100, 4096, 0));

  const auto live = read_process_stats();
  REQUIRE(live);
  CHECK(live->resident_bytes > 1e6);
  CHECK(live->open_fds >= 3);
  const auto text = Metrics("cleaner").render();
  CHECK_THAT(text, Catch::Contains("# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total "));
  CHECK_THAT(text, Catch::Contains("\nprocess_resident_memory_bytes "));
  CHECK_THAT(text, Catch::Contains("\nprocess_start_time_seconds "));
  CHECK_THAT(text, Catch::Contains("\nprocess_open_fds "));
}
