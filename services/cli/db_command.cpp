// `occupancy db migrate|status` and `occupancy config check`.
#include <fmt/format.h>

#include <iostream>

#include "commands.hpp"
#include "job.hpp"
#include "occupancy/config/home_config.hpp"
#include "occupancy/contract/broker_acl.hpp"
#include "occupancy/runtime/exit_codes.hpp"
#include "occupancy/runtime/logging.hpp"
#include "occupancy/store/migrations.hpp"

namespace occupancy::cli {
namespace {

// Runs a job that needs the config, mapping failures to exit codes.
template <class Job>
int with_config(const GlobalOptions& global, Job job) {
  config::HomeConfig cfg;
  try {
    cfg = config::load_config(global.config());
    runtime::setup_logging("occupancy", cfg.logging);
  } catch (const std::exception& e) {
    std::cerr << "occupancy: " << e.what() << '\n';
    return kExitConfig;
  }
  return run_job("db", [&] { return job(cfg); });
}

}  // namespace

void add_config_command(CLI::App& app, const GlobalOptions& global, int& result) {
  auto* config = app.add_subcommand("config", "Inspect the home config");
  config->require_subcommand(1);
  config->add_subcommand("check", "Validate the home config and print what it describes")->callback([&] {
    result = with_config(global, [](const config::HomeConfig& c) {
      fmt::print("{}: valid\nhome: {} ({})\n", c.source, c.home, c.timezone);
      for (const auto& r : c.rooms) {
        int entities = 0;
        for (const auto& e : c.entities) entities += e.room == r.id;
        fmt::print("  room {:<16} {} zones, {} entities\n", r.id, r.zones.size(), entities);
      }
      fmt::print("broker: {}\n", c.mqtt.display);
      for (const auto& w : c.warnings) fmt::print("warning: {}\n", w);
      return kExitOk;
    });
  });
  config->add_subcommand("acl", "Print the Mosquitto ACL for this home: one user per service, from the topic contract")
      ->callback([&] {
        result = with_config(global, [](const config::HomeConfig& c) {
          fmt::print("{}", contract::mosquitto_acl(c.home, c.discovery_prefix));
          return kExitOk;
        });
      });
}

void add_db_command(CLI::App& app, const GlobalOptions& global, int& result) {
  auto* db = app.add_subcommand("db", "Database jobs (PostgreSQL from OCCUPANCY_DB_URL, database.url or PG*)");
  db->require_subcommand(1);
  db->add_subcommand("migrate", "Apply the SQL migrations that are missing")->callback([&] {
    result = with_config(global, [](const config::HomeConfig& c) {
      store::Database database(c.database_url);
      const auto applied = store::migrate(database, store::builtin_migrations());
      fmt::print("{}: {} migration(s) applied, schema at {}\n", database.describe(), applied.size(),
                 store::builtin_migrations().back().version);
      return kExitOk;
    });
  });
  db->add_subcommand("status", "List applied and pending migrations")->callback([&] {
    result = with_config(global, [](const config::HomeConfig& c) {
      store::Database database(c.database_url);
      const auto applied = store::applied_migrations(database);
      int pending = 0;
      for (const auto& m : store::builtin_migrations()) {
        const bool done = std::find(applied.begin(), applied.end(), m.version) != applied.end();
        pending += !done;
        fmt::print("{:<9} {}\n", done ? "applied" : "pending", m.version);
      }
      return pending == 0 ? kExitOk : kExitFailure;
    });
  });
}

}  // namespace occupancy::cli
