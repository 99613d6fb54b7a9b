#pragma once
// Runs a subcommand's job and maps its failures to exit codes, with one clear line on stderr.
#include <CLI/CLI.hpp>
#include <iostream>

#include "commands.hpp"
#include "occupancy/config/home_config.hpp"
#include "occupancy/runtime/exit_codes.hpp"
#include "occupancy/runtime/logging.hpp"
#include "occupancy/store/database.hpp"

namespace occupancy::cli {

template <class Job>
int run_job(const char* what, Job job) {
  try {
    return job();
  } catch (const CLI::ValidationError& e) {  // a bad command line found while running
    std::cerr << "occupancy " << what << ": " << e.what() << '\n';
    return kExitUsage;
  } catch (const config::ConfigError& e) {
    std::cerr << "occupancy: " << e.what() << '\n';
    return kExitConfig;
  } catch (const store::DatabaseUnavailable& e) {
    std::cerr << "occupancy: " << e.what() << '\n';
    return kExitUnavailable;
  } catch (const std::exception& e) {
    std::cerr << "occupancy " << what << ": " << e.what() << '\n';
    return kExitFailure;
  }
}

// Runs a job that needs the config: a config that does not load is exit 3, naming the key.
template <class Job>
int with_config(const char* what, const GlobalOptions& global, Job job) {
  config::HomeConfig cfg;
  try {
    cfg = config::load_config(global.config());
    runtime::setup_logging("occupancy", cfg.logging);
  } catch (const std::exception& e) {
    std::cerr << "occupancy: " << e.what() << '\n';
    return kExitConfig;
  }
  return run_job(what, [&] { return job(cfg); });
}

}  // namespace occupancy::cli
