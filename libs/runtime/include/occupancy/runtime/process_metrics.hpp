#pragma once
// The standard process metrics every Prometheus client exports (process_cpu_seconds_total,
// process_resident_memory_bytes, ...), read from Linux's /proc at scrape time, so the
// dashboards and alerts can use the same names for these services as for any other.
#include <optional>
#include <string>
#include <string_view>

namespace occupancy::runtime {

struct ProcessStats {
  double cpu_seconds = 0, resident_bytes = 0, virtual_bytes = 0, start_time_seconds = 0;
  double open_fds = -1, max_fds = -1;  // -1: unknown
};

/// Parses /proc/self/stat's text; `ticks` per second, `page` bytes, `boot_time` (seconds since
/// the epoch, /proc/stat's btime). nullopt when the text is not a stat line.
std::optional<ProcessStats> parse_proc_stat(std::string_view stat, double ticks, double page, double boot_time);

/// This process's figures (nullopt where /proc cannot be read).
std::optional<ProcessStats> read_process_stats();

/// The exposition-format text of `s` (HELP and TYPE lines included).
std::string render_process_metrics(const ProcessStats& s);

}  // namespace occupancy::runtime
