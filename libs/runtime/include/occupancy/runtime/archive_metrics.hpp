#pragma once
// The /metrics of a service's PostgreSQL archive (store::ArchiveWriter's stats), the same in
// every service that archives.
#include "occupancy/runtime/metrics.hpp"

namespace occupancy::runtime {

inline void declare_archive_metrics(Metrics& m) {
  m.declare("occupancy_archive_buffered", "gauge", "Items waiting for PostgreSQL.");
  m.declare("occupancy_archive_written_total", "counter", "Items written to PostgreSQL.");
  m.declare("occupancy_archive_dropped_total", "counter", "Items dropped because the buffer was full.");
  m.declare("occupancy_db_connected", "gauge", "1 while the archive's last write succeeded.");
}

template <class Stats>
void export_archive_metrics(Metrics& m, const Stats& s) {
  m.set("occupancy_archive_buffered", {}, static_cast<double>(s.buffered));
  m.set("occupancy_archive_written_total", {}, static_cast<double>(s.written));
  m.set("occupancy_archive_dropped_total", {}, static_cast<double>(s.dropped));
  m.set("occupancy_db_connected", {}, s.connected ? 1 : 0);
}

}  // namespace occupancy::runtime
