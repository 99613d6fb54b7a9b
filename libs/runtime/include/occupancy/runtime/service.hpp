#pragma once
// What every service shares: command line, config, logging, broker, HTTP endpoint
// (/healthz, /metrics), signals and graceful shutdown. A service's main() is one call to
// run_service() with a function that wires its handlers.
#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "occupancy/config/home_config.hpp"
#include "occupancy/contract/step.hpp"
#include "occupancy/http/server.hpp"
#include "occupancy/runtime/metrics.hpp"
#include "occupancy/runtime/router.hpp"

namespace occupancy::runtime {

struct ServiceContext {
  std::string name;
  const config::HomeConfig& config;
  Router& router;
  Metrics& metrics;
  std::string config_path;  // as given on the command line; empty: $OCCUPANCY_CONFIG or the default

  /// Runs `task` on the service thread every `period` (between messages, never concurrently).
  void every(std::chrono::milliseconds period, std::function<void()> task);
  /// Runs `task` on the service thread once connected (and after each reconnect).
  void on_connected(std::function<void()> task);
  /// Extra HTTP routes (besides /healthz and /metrics); called on the HTTP thread.
  void route(std::string path_prefix, http::Handler handler);
  /// A condition /healthz reports: `problem` returns what is wrong, or "" when all is well.
  /// Called on the HTTP thread.
  void health(std::function<std::string()> problem);
  /// For handlers: refuses the message (dead letter `unknown_room`) if the home config has no
  /// room `room`.
  void require_room(const std::string& room) const;

  /// Carries out what a core returned, in this order: log lines, publications (a null payload
  /// clears the retained message), dead letters, metric updates, then the archive rows to the
  /// service's archive (start_archive), if it has one.
  void apply(contract::Step&& step);
  /// Declares the service's metric families on /metrics.
  void declare(const std::vector<contract::MetricFamily>& families);

  struct Timer {
    std::chrono::milliseconds period;
    std::function<void()> task;
    std::chrono::steady_clock::time_point due;
  };
  std::vector<Timer> timers;
  std::vector<std::function<void()>> connected_tasks;
  std::vector<std::pair<std::string, http::Handler>> routes;
  std::vector<std::function<std::string()>> health_checks;
  std::function<void(contract::ArchiveRows&&)> archive_rows;  // set by start_archive
};

/// Runs `task`; whatever it throws (of any type) is logged with `what` and counted as
/// occupancy_errors_total{kind}, never rethrown: a failing timer or on-connect task must not
/// end the process. Returns whether it ran to the end.
bool run_contained(std::string_view what, const std::string& kind, const std::function<void()>& task, Metrics& metrics);

using Wiring = std::function<void(ServiceContext&)>;

/// Parses --config/--log-level, loads the config, connects and runs until SIGTERM/SIGINT.
/// Returns the process exit code (see exit_codes.hpp).
int run_service(std::string_view name, std::string_view description, int argc, char** argv, const Wiring& wire);

}  // namespace occupancy::runtime
