// `occupancy backup (--out FILE | --out-dir DIR [--keep N])` and `occupancy restore FILE [--force]`.
//
// A backup is a tar of three files: database.dump (pg_dump's custom format: raw, clean,
// transitions, predictions with outcomes, the model registry with its files), home.yaml (the
// config in use; it holds no secrets, which the config loader refuses) and manifest.json (every
// table's row count and checksum). The digests are taken inside the exported snapshot pg_dump
// dumps, so they describe exactly the dumped rows while the services keep writing. A restore
// goes into an empty database (or, with --force, replaces what is there) and then proves itself:
// every table's count and checksum must equal the manifest's.
#include <fmt/format.h>

#include <chrono>
#include <fstream>
#include <regex>
#include <sstream>

#include "commands.hpp"
#include "job.hpp"
#include "occupancy/core/time.hpp"
#include "occupancy/runtime/child_process.hpp"
#include "occupancy/runtime/logging.hpp"
#include "occupancy/store/backup.hpp"
#include "occupancy/store/migrations.hpp"

namespace occupancy::cli {
namespace {

config::HomeConfig load(const GlobalOptions& global, const char* job) {
  auto home = config::load_config(global.config());
  runtime::setup_logging(job, home.logging);
  return home;
}

// A private scratch directory, removed when it goes out of scope.
struct Scratch {
  std::filesystem::path dir;
  Scratch() {
    std::string pattern = (std::filesystem::temp_directory_path() / "occupancy-backup-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("cannot create a scratch directory in /tmp");
    dir = pattern;
  }
  ~Scratch() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

void must(int rc, const std::string& what) {
  if (rc != 0) throw std::runtime_error(fmt::format("{} failed (exit code {})", what, rc));
}

std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p);
  if (!in) throw std::runtime_error("cannot read " + p.string());
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Backups of this home in `dir`, oldest first (their names sort by time).
std::vector<std::filesystem::path> backups_in(const std::filesystem::path& dir, const std::string& home) {
  std::vector<std::filesystem::path> out;
  const std::regex name("occupancy-" + home + "-[0-9]{8}T[0-9]{6}Z\\.backup");
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.is_regular_file() && std::regex_match(e.path().filename().string(), name)) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

void add_backup_command(CLI::App& app, const GlobalOptions& global, int& result) {
  struct Options {
    std::string out, out_dir, file;
    int keep = 0;
    bool force = false;
  };
  auto o = std::make_shared<Options>();
  auto* backup = app.add_subcommand("backup", "Back up the archive, the model registry and the config, consistently");
  auto* out = backup->add_option("--out", o->out, "the backup file to write");
  auto* dir = backup->add_option("--out-dir", o->out_dir, "write occupancy-<home>-<UTC time>.backup into this folder")
                  ->excludes(out);
  backup->add_option("--keep", o->keep, "with --out-dir: keep only the newest N backups of this home")
      ->check(CLI::PositiveNumber)
      ->needs(dir);
  backup->footer("Exit codes: 0 written, 4 PostgreSQL unreachable, 1 pg_dump or tar failed.");
  backup->callback([&global, &result, o] {
    result = run_job("backup", [&] {
      if (o->out.empty() && o->out_dir.empty())
        throw CLI::ValidationError("backup", "give --out FILE or --out-dir DIR");
      const auto home = load(global, "backup");
      const auto t0 = std::chrono::steady_clock::now();
      std::string stamp = format_iso8601(wall_clock_now()).substr(0, 19) + "Z";
      std::erase_if(stamp, [](char c) { return c == '-' || c == ':'; });
      const std::filesystem::path target =
          o->out.empty() ? std::filesystem::path(o->out_dir) / ("occupancy-" + home.home + "-" + stamp + ".backup")
                         : std::filesystem::path(o->out);
      if (!target.parent_path().empty()) std::filesystem::create_directories(target.parent_path());
      Scratch scratch;
      store::Database db(home.database_url);
      db.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
      const auto snapshot = db.exec("SELECT pg_export_snapshot()").text(0, 0);
      const auto digests = store::digest_tables(db);
      must(runtime::run_tool("pg_dump",
                             {"--format=custom", "--no-owner", "--no-privileges", "--snapshot=" + snapshot,
                              "--file=" + (scratch.dir / "database.dump").string()},
                             store::libpq_environment(db)),
           "pg_dump");
      db.exec("COMMIT");
      std::ofstream(scratch.dir / "manifest.json") << store::digests_to_json(digests, format_iso8601(wall_clock_now()));
      std::filesystem::copy_file(home.source, scratch.dir / "home.yaml");
      const auto partial = target.string() + ".partial";
      must(runtime::run_tool(
               "tar", {"-cf", partial, "-C", scratch.dir.string(), "database.dump", "home.yaml", "manifest.json"}),
           "tar");
      std::filesystem::rename(partial, target);  // a backup is whole or absent
      long long rows = 0;
      for (const auto& d : digests) rows += d.rows;
      fmt::print("{}: {} tables, {} rows, {:.1f} MB in {:.1f} s\n", target.string(), digests.size(), rows,
                 static_cast<double>(std::filesystem::file_size(target)) / 1e6,
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
      if (o->keep > 0) {
        auto all = backups_in(target.parent_path(), home.home);
        for (std::size_t i = 0; i + static_cast<std::size_t>(o->keep) < all.size(); ++i) {
          std::filesystem::remove(all[i]);
          fmt::print("removed {} (keeping the newest {})\n", all[i].string(), o->keep);
        }
      }
      return kExitOk;
    });
  });

  auto* restore = app.add_subcommand("restore", "Restore a backup into an empty database, then verify every table");
  restore->add_option("file", o->file, "the backup file")->required()->check(CLI::ExistingFile);
  restore->add_flag("--force", o->force, "replace what the database holds");
  restore->footer("Exit codes: 0 restored and verified, 1 refused or not identical, 4 PostgreSQL unreachable.");
  restore->callback([&global, &result, o] {
    result = run_job("restore", [&] {
      const auto home = load(global, "restore");
      Scratch scratch;
      must(runtime::run_tool(
               "tar", {"-xf", o->file, "-C", scratch.dir.string(), "database.dump", "manifest.json", "home.yaml"}),
           "tar (is it an occupancy backup?)");
      const auto expected = store::digests_from_json(read_text(scratch.dir / "manifest.json"));
      store::Database db(home.database_url);
      if (!store::database_is_empty(db) && !o->force) {
        fmt::print(stderr,
                   "occupancy: {} is not empty: restore into an empty database, or add --force to replace its "
                   "tables\n",
                   db.describe());
        return kExitFailure;
      }
      std::vector<std::string> args{"--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"};
      if (o->force) args.insert(args.end(), {"--clean", "--if-exists"});
      const auto connection = store::libpq_environment(db);
      args.push_back("--dbname=" + connection.at("PGDATABASE"));
      args.push_back((scratch.dir / "database.dump").string());
      must(runtime::run_tool("pg_restore", args, connection), "pg_restore");
      const auto restored = store::digest_tables(db);
      bool same = restored.size() == expected.size();
      for (const auto& want : expected) {
        const auto got = std::find_if(restored.begin(), restored.end(),
                                      [&](const store::TableDigest& d) { return d.table == want.table; });
        const bool ok = got != restored.end() && *got == want;
        same = same && ok;
        fmt::print("{:<28} {:>10} rows  {}\n", want.table, want.rows,
                   ok                      ? "identical"
                   : got == restored.end() ? "MISSING"
                                           : fmt::format("DIFFERS ({} rows)", got->rows));
      }
      fmt::print("{} (the backup's config is in it as home.yaml: `tar -xOf {} home.yaml`)\n",
                 same ? "restored and verified" : "restored, but NOT identical to the backup", o->file);
      return same ? kExitOk : kExitFailure;
    });
  });
}

}  // namespace occupancy::cli
