// `occupancy db migrate|status`.
#include <fmt/format.h>

#include <iostream>

#include "commands.hpp"
#include "job.hpp"
#include "occupancy/config/home_config.hpp"
#include "occupancy/runtime/exit_codes.hpp"
#include "occupancy/runtime/logging.hpp"
#include "occupancy/store/migrations.hpp"

namespace occupancy::cli {
void add_db_command(CLI::App& app, const GlobalOptions& global, int& result) {
  auto* db = app.add_subcommand("db", "Database jobs (PostgreSQL from OCCUPANCY_DB_URL, database.url or PG*)");
  db->require_subcommand(1);
  db->add_subcommand("migrate", "Apply the SQL migrations that are missing")->callback([&] {
    result = with_config("db", global, [](const config::HomeConfig& c) {
      store::Database database(c.database_url);
      const auto applied = store::migrate(database, store::builtin_migrations());
      fmt::print("{}: {} migration(s) applied, schema at {}\n", database.describe(), applied.size(),
                 store::builtin_migrations().back().version);
      return kExitOk;
    });
  });
  db->add_subcommand("status", "List applied and pending migrations")->callback([&] {
    result = with_config("db", global, [](const config::HomeConfig& c) {
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
