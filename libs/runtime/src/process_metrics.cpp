#include "occupancy/runtime/process_metrics.hpp"

#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace occupancy::runtime {
namespace {

std::string read_file(const char* path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

double boot_time() {
  std::istringstream in(read_file("/proc/stat"));
  for (std::string line; std::getline(in, line);)
    if (line.rfind("btime ", 0) == 0) return std::stod(line.substr(6));
  return 0;
}

}  // namespace

std::optional<ProcessStats> parse_proc_stat(std::string_view stat, double ticks, double page, double boot) {
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so fields count from the last ')'.
  const auto close = stat.rfind(')');
  if (close == std::string_view::npos || ticks <= 0) return std::nullopt;
  std::vector<double> field;  // field[0] is the 3rd field of proc(5) (state, read as 0)
  std::string_view rest = stat.substr(close + 1);
  while (!rest.empty()) {
    const auto start = rest.find_first_not_of(" \n");
    if (start == std::string_view::npos) break;
    rest.remove_prefix(start);
    const auto end = std::min(rest.find_first_of(" \n"), rest.size());
    double v = 0;
    std::from_chars(rest.data(), rest.data() + end, v);
    field.push_back(v);
    rest.remove_prefix(end);
  }
  const auto at = [&](std::size_t proc_field) { return field[proc_field - 3]; };
  if (field.size() < 22) return std::nullopt;  // up to rss, the 24th
  ProcessStats s;
  s.cpu_seconds = (at(14) + at(15)) / ticks;  // utime + stime
  s.start_time_seconds = boot + at(22) / ticks;
  s.virtual_bytes = at(23);
  s.resident_bytes = at(24) * page;
  return s;
}

std::optional<ProcessStats> read_process_stats() {
  auto s = parse_proc_stat(read_file("/proc/self/stat"), static_cast<double>(sysconf(_SC_CLK_TCK)),
                           static_cast<double>(sysconf(_SC_PAGESIZE)), boot_time());
  if (!s) return std::nullopt;
  std::error_code ec;
  double fds = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end; it.increment(ec)) ++fds;
  if (!ec) s->open_fds = fds;
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0) s->max_fds = static_cast<double>(limit.rlim_cur);
  return s;
}

std::string render_process_metrics(const ProcessStats& s) {
  std::string out;
  const auto metric = [&out](const char* name, const char* type, const char* help, double v) {
    if (v < 0) return;
    out += fmt::format("# HELP {0} {1}\n# TYPE {0} {2}\n{0} {3}\n", name, help, type, v);
  };
  metric("process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.", s.cpu_seconds);
  metric("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.", s.resident_bytes);
  metric("process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.", s.virtual_bytes);
  metric("process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.",
         s.start_time_seconds);
  metric("process_open_fds", "gauge", "Number of open file descriptors.", s.open_fds);
  metric("process_max_fds", "gauge", "Maximum number of open file descriptors.", s.max_fds);
  return out;
}

}  // namespace occupancy::runtime
