#pragma once
// The ingestor's archive of raw readings (table raw_readings), loaded with COPY. Idempotent:
// a reading already archived (same home, entity, time and state) is not added again.
#include <string>
#include <string_view>
#include <vector>

#include "occupancy/core/types.hpp"
#include "occupancy/store/database.hpp"

namespace occupancy::store {

/// What the live ingestor archives (through store::ArchiveWriter).
struct RawBatch {
  std::vector<Reading> readings;
  std::size_t size() const { return readings.size(); }
  std::size_t bytes() const;
  void append(RawBatch&& other);
  std::string to_record() const;  // one spool record
  static RawBatch from_record(std::string_view record);
};

/// Archives readings in one transaction; returns how many were new.
size_t archive_raw_readings(Database& db, const std::string& home, const std::vector<Reading>& readings);

/// The home's archived readings of the last `days` days before the newest, in time order (what
/// `occupancy train --from-db` learns from: a sliding window, archive.history_days).
std::vector<Reading> load_raw_readings(Database& db, const std::string& home, int days);

}  // namespace occupancy::store
