#include "occupancy/runtime/service_archive.hpp"

#include <sys/statvfs.h>

#include <cmath>

namespace occupancy::runtime {

store::ArchiveLimits archive_limits(const config::HomeConfig& cfg, std::string_view service) {
  const auto mib = [](double mb) { return static_cast<std::uint64_t>(std::llround(mb * 1024 * 1024)); };
  store::ArchiveLimits limits;
  limits.batch_items = static_cast<std::size_t>(cfg.archive.batch);
  limits.memory_bytes = static_cast<std::size_t>(mib(cfg.archive.memory_max_mb));
  limits.spool_file = cfg.archive.spool_file(cfg.home, service);
  limits.spool_bytes = mib(cfg.archive.spool_max_mb);
  limits.write_stalled = std::chrono::milliseconds(std::llround(cfg.archive.write_stalled_s * 1000));
  return limits;
}

void declare_archive_metrics(Metrics& m) {
  m.declare("occupancy_archive_buffered_items", "gauge", "Items waiting in memory for PostgreSQL.");
  m.declare("occupancy_archive_buffered_bytes", "gauge", "Memory held by items waiting for PostgreSQL (approximate).");
  m.declare("occupancy_archive_spool_bytes", "gauge", "Bytes in the spool file waiting for PostgreSQL.");
  m.declare("occupancy_archive_written_total", "counter", "Items written to PostgreSQL.");
  m.declare("occupancy_archive_spooled_total", "counter", "Items moved from memory to the spool file.");
  m.declare("occupancy_archive_replayed_total", "counter", "Items replayed from the spool file into PostgreSQL.");
  m.declare("occupancy_archive_dropped_total", "counter",
            "Items dropped: no spool configured, the spool full or not writable (disk full).");
  m.declare("occupancy_archive_write_failures_total", "counter",
            "Writes to PostgreSQL that failed (and were retried).");
  m.declare("occupancy_archive_spool_ok", "gauge", "0 while the spool cannot take what PostgreSQL cannot.");
  m.declare("occupancy_db_connected", "gauge", "1 while the archive's last write succeeded.");
  m.declare("occupancy_archive_spool_limit_bytes", "gauge", "The spool's size limit (archive.spool_max_mb).");
  m.declare("occupancy_state_filesystem_avail_bytes", "gauge",
            "Bytes available to the service on the filesystem of its state (spool) directory.");
  m.declare("occupancy_state_filesystem_size_bytes", "gauge", "Size of the filesystem of its state (spool) directory.");
}

void export_state_filesystem(Metrics& m, const std::filesystem::path& dir) {
  struct statvfs fs {};
  if (dir.empty() || ::statvfs(dir.c_str(), &fs) != 0) return;
  m.set("occupancy_state_filesystem_avail_bytes", {},
        static_cast<double>(fs.f_bavail) * static_cast<double>(fs.f_frsize));
  m.set("occupancy_state_filesystem_size_bytes", {},
        static_cast<double>(fs.f_blocks) * static_cast<double>(fs.f_frsize));
}

}  // namespace occupancy::runtime
