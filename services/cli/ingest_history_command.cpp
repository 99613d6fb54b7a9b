// `occupancy ingest-history --days N`: pulls history from Home Assistant's REST API day by
// day into the raw archive (COPY, idempotent). A progress bar with ETA on a terminal; plain
// progress lines otherwise.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>

#include "commands.hpp"
#include "job.hpp"
#include "occupancy/http/client.hpp"
#include "occupancy/ingest/ha_protocol.hpp"
#include "occupancy/ingest/ingest_core.hpp"
#include "occupancy/store/migrations.hpp"
#include "occupancy/store/raw_archive.hpp"

namespace occupancy::cli {
namespace {

std::string progress_bar(int done, int total, double elapsed_s) {
  const int width = 30;
  const int filled = total ? done * width / total : width;
  const double eta = done ? elapsed_s / done * (total - done) : 0;
  return fmt::format("[{}{}] {}/{} days, ETA {}:{:02}", std::string(static_cast<size_t>(filled), '#'),
                     std::string(static_cast<size_t>(width - filled), '.'), done, total, static_cast<int>(eta) / 60,
                     static_cast<int>(eta) % 60);
}

}  // namespace

void add_ingest_history_command(CLI::App& app, const GlobalOptions& global, int& result) {
  struct Options {
    int days = 30;
    std::string until;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("ingest-history", "Pull history from Home Assistant's REST API into the raw archive");
  cmd->add_option("--days", o->days, "how many days back")->check(CLI::Range(1, 3650))->capture_default_str();
  cmd->add_option("--until", o->until, "end of the period, UTC ISO 8601 (default: now)");
  cmd->callback([&global, &result, o] {
    result = run_job("ingest-history", [&] {
      const auto cfg = config::load_config(global.config());
      if (cfg.ingestor.ha_url.empty())
        throw config::ConfigError(cfg.source, "ingestor.ha_url", "expected Home Assistant's URL (or OCCUPANCY_HA_URL)");
      const auto until = o->until.empty() ? std::optional<Millis>(wall_clock_now()) : parse_iso8601(o->until);
      if (!until) throw std::invalid_argument("--until is not UTC ISO 8601: " + o->until);
      const auto& i = cfg.ingestor;
      const http::Endpoint ha{i.ha_host, i.ha_port, i.ha_tls, i.ha_ca_file, i.ha_base_path};
      std::vector<std::string> ids;
      for (const auto& e : cfg.entities) ids.push_back(e.entity_id);

      store::Database db(cfg.database_url);
      store::migrate(db, store::builtin_migrations());
      // The ingestor's mapping and dedupe; history is past by nature: only jumps are bounded.
      ingest::IngestCore core(cfg.entities, EventTimeGuard(cfg.event_time, nullptr));
      const bool tty = ::isatty(STDERR_FILENO) != 0;
      const auto t0 = std::chrono::steady_clock::now();
      size_t changes = 0, archived = 0, skipped_rows = 0;
      const Millis day = 24 * 60 * kMinute;
      for (int d = 0; d < o->days; ++d) {
        const Millis from = *until - (o->days - d) * day, to = from + day;
        const auto res =
            http::get(ha, ingest::history_target(from, to, ids),
                      {"Authorization: Bearer " + cfg.ingestor.ha_token.reveal()}, std::chrono::seconds(120));
        if (res.status == 401) throw std::runtime_error("Home Assistant refused the access token (HTTP 401)");
        if (res.status != 200)
          throw std::runtime_error("history request failed with HTTP " + std::to_string(res.status));
        auto [day_changes, skipped] = ingest::parse_history(res.body);
        for (const auto& why : skipped) fmt::print(stderr, "skipped a history row ({})\n", why);
        skipped_rows += skipped.size();
        std::stable_sort(day_changes.begin(), day_changes.end(),
                         [](const auto& a, const auto& b) { return a.last_changed < b.last_changed; });
        std::vector<Reading> readings;
        for (const auto& c : day_changes)
          for (const auto& out : core.on_change(c))
            if (const auto* r = std::get_if<Reading>(&out)) readings.push_back(*r);
        changes += day_changes.size();
        archived += store::archive_raw_readings(db, cfg.home, readings);
        const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (tty)
          fmt::print(stderr, "\r{}", progress_bar(d + 1, o->days, elapsed));
        else
          fmt::print(stderr, "day {}/{} ({}): {} changes\n", d + 1, o->days, format_iso8601(from).substr(0, 10),
                     day_changes.size());
      }
      if (tty) fmt::print(stderr, "\n");
      fmt::print(
          "{} days from Home Assistant: {} state changes, {} new readings archived for home '{}' ({} duplicates, {} of "
          "unconfigured entities, {} unreadable rows skipped)\n",
          o->days, changes, archived, cfg.home, core.duplicates(), core.ignored(), skipped_rows);
      return kExitOk;
    });
  });
}

}  // namespace occupancy::cli
