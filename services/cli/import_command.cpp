// `occupancy import FILE.csv [--entities entities.csv]`: an HA history export into the raw
// archive. Bad rows are reported with their line numbers and skipped; the good ones are kept.
#include <fmt/format.h>

#include <chrono>

#include "commands.hpp"
#include "job.hpp"
#include "occupancy/history/csv_history.hpp"
#include "occupancy/store/migrations.hpp"
#include "occupancy/store/raw_archive.hpp"

namespace occupancy::cli {

void add_import_command(CLI::App& app, const GlobalOptions& global, int& result) {
  struct Options {
    std::string file, entities;
    size_t show_errors = 20;
    bool dry_run = false;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("import", "Import Home Assistant's history CSV (Download data) into the raw archive");
  cmd->add_option("file", o->file, "the CSV (entity_id,state,last_changed; `,` or `;`)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--entities", o->entities,
                  "entities.csv (entity_id,room,zone,kind); default: the home config's entities")
      ->check(CLI::ExistingFile);
  cmd->add_option("--show-errors", o->show_errors, "how many bad rows to list")->capture_default_str();
  cmd->add_flag("--dry-run", o->dry_run, "read and check only; archive nothing");
  cmd->footer("Exit codes: 0 all rows imported, 5 some rows were bad (the good ones are archived), 3/4 as usual.");
  cmd->callback([&global, &result, o] {
    result = run_job("import", [&] {
      const auto cfg = config::load_config(global.config());
      const auto entities =
          o->entities.empty() ? history::entities_from_config(cfg) : history::read_entities_csv(o->entities);
      const auto t0 = std::chrono::steady_clock::now();
      const auto r = history::read_history_csv(o->file, entities);
      for (size_t i = 0; i < r.errors.size() && i < o->show_errors; ++i)
        fmt::print(stderr, "{}: line {}: {}\n", o->file, r.errors[i].line, r.errors[i].reason);
      if (r.errors.size() > o->show_errors)
        fmt::print(stderr, "... and {} more bad rows\n", r.errors.size() - o->show_errors);
      size_t inserted = 0;
      const auto t1 = std::chrono::steady_clock::now();
      if (!o->dry_run) {
        store::Database db(cfg.database_url);
        store::migrate(db, store::builtin_migrations());
        inserted = store::archive_raw_readings(db, cfg.home, r.readings);
      }
      const auto t2 = std::chrono::steady_clock::now();
      const double read_s = std::chrono::duration<double>(t1 - t0).count();
      const double copy_s = std::chrono::duration<double>(t2 - t1).count();
      fmt::print(
          "{}: {} rows, {} bad, {} exact duplicates skipped; {} readings {} ({} new, {} already archived) "
          "for home '{}'; read {:.2f} s, archive {:.2f} s ({:.0f} rows/s)\n",
          o->file, r.rows, r.errors.size(), r.duplicates, r.readings.size(), o->dry_run ? "checked" : "archived",
          inserted, o->dry_run ? 0 : r.readings.size() - inserted, cfg.home, read_s, copy_s,
          copy_s > 0 ? static_cast<double>(r.readings.size()) / copy_s : 0.0);
      return r.errors.empty() ? kExitOk : kExitData;
    });
  });
}

}  // namespace occupancy::cli
