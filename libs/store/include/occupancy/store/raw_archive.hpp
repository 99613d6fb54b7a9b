#pragma once
// The ingestor's archive of raw readings (table raw_readings), loaded with COPY. Idempotent:
// a reading already archived (same home, entity, time and state) is not added again.
#include <string>
#include <vector>

#include "occupancy/core/types.hpp"
#include "occupancy/store/database.hpp"

namespace occupancy::store {

/// Archives readings in one transaction; returns how many were new.
size_t archive_raw_readings(Database& db, const std::string& home, const std::vector<Reading>& readings);


/// Every archived reading of the home, in time order (what `occupancy train --from-db` learns from).
std::vector<Reading> load_raw_readings(Database& db, const std::string& home);

}  // namespace occupancy::store
