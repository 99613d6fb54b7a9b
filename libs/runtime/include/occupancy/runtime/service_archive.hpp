#pragma once
// A service's PostgreSQL archive, wired the same way in every service that archives: a
// store::ArchiveWriter with the config's limits (archive.*) and spool file, its /metrics, and
// a /healthz problem while its spool cannot take what the database cannot.
#include <spdlog/spdlog.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "occupancy/runtime/service.hpp"
#include "occupancy/store/archive_writer.hpp"
#include "occupancy/store/clean_archive.hpp"
#include "occupancy/store/postgres_target.hpp"
#include "occupancy/store/prediction_archive.hpp"
#include "occupancy/store/raw_archive.hpp"

namespace occupancy::runtime {

/// The writer's limits from the config, for `service` of `cfg.home`.
store::ArchiveLimits archive_limits(const config::HomeConfig& cfg, std::string_view service);

/// Declares the archive's metrics on `m` (once per service).
void declare_archive_metrics(Metrics& m);

/// The free and total bytes of the filesystem holding `dir` (nothing when it cannot be read).
void export_state_filesystem(Metrics& m, const std::filesystem::path& dir);

/// The rows of a core's Step that each archive stores (moved out of `rows`).
inline void take_rows(contract::ArchiveRows& rows, store::RawBatch& b) { b.readings = std::move(rows.raw); }
inline void take_rows(contract::ArchiveRows& rows, store::CleanBatch& b) {
  b.readings = std::move(rows.clean);
  b.states = std::move(rows.states);
  b.gaps = std::move(rows.gaps);
}
inline void take_rows(contract::ArchiveRows& rows, store::PredictionBatch& b) {
  b.items = std::move(rows.predictions);
  b.outcomes = std::move(rows.outcomes);
  b.shadow = std::move(rows.shadow);
}

template <class Stats>
void export_archive_metrics(Metrics& m, const Stats& s) {
  m.set("occupancy_archive_buffered_items", {}, static_cast<double>(s.buffered));
  m.set("occupancy_archive_buffered_bytes", {}, static_cast<double>(s.buffered_bytes));
  m.set("occupancy_archive_spool_bytes", {}, static_cast<double>(s.spool_bytes));
  m.set("occupancy_archive_written_total", {}, static_cast<double>(s.written));
  m.set("occupancy_archive_spooled_total", {}, static_cast<double>(s.spooled));
  m.set("occupancy_archive_replayed_total", {}, static_cast<double>(s.replayed));
  m.set("occupancy_archive_dropped_total", {}, static_cast<double>(s.dropped));
  m.set("occupancy_archive_write_failures_total", {}, static_cast<double>(s.failures));
  m.set("occupancy_archive_spool_ok", {}, s.spool_error.empty() ? 1 : 0);
  m.set("occupancy_db_connected", {}, s.connected ? 1 : 0);
}

/// Starts the archive of `ctx`'s service: the archive rows of every Step it applies go to
/// PostgreSQL through `write(db, home, batch)`. Exports its stats every second and reports a
/// failing spool on /healthz.
template <class Batch>
std::shared_ptr<store::ArchiveWriter<Batch>> start_archive(
    ServiceContext& ctx, std::function<void(store::Database&, const std::string&, const Batch&)> write) {
  declare_archive_metrics(ctx.metrics);
  if (ctx.config.archive.spool_dir.empty())
    spdlog::warn(
        "no archive.spool_dir (nor OCCUPANCY_STATE_DIR or systemd's STATE_DIRECTORY): while PostgreSQL is away, "
        "items beyond archive.memory_max_mb are dropped instead of spooled to disk");
  const auto limits = archive_limits(ctx.config, ctx.name);
  auto archive = std::make_shared<store::ArchiveWriter<Batch>>(
      store::postgres_target<Batch>(ctx.config.database_url,
                                    [home = ctx.config.home, write = std::move(write)](
                                        store::Database& db, const Batch& b) { write(db, home, b); }),
      limits);
  ctx.archive_rows = [archive](contract::ArchiveRows&& rows) {
    Batch batch;
    take_rows(rows, batch);
    if (batch.size() > 0) archive->add(std::move(batch));
  };
  ctx.metrics.set("occupancy_archive_spool_limit_bytes", {}, static_cast<double>(limits.spool_bytes));
  ctx.every(std::chrono::seconds(1), [&m = ctx.metrics, archive] {
    archive->check_stalled();
    export_archive_metrics(m, archive->stats());
  });
  const std::filesystem::path dir = ctx.config.archive.spool_dir;
  export_state_filesystem(ctx.metrics, dir);
  ctx.every(std::chrono::seconds(30), [&m = ctx.metrics, dir] { export_state_filesystem(m, dir); });
  ctx.health([archive]() -> std::string {
    const auto error = archive->stats().spool_error;
    return error.empty() ? std::string() : "archive spool: " + error;
  });
  return archive;
}

}  // namespace occupancy::runtime
