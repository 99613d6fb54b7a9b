#pragma once
// Loads readings into `table` through a temporary twin with COPY, then INSERT ... ON CONFLICT
// DO NOTHING, inside the caller's transaction. Returns how many rows were new.
#include <string>
#include <vector>

#include "occupancy/core/types.hpp"
#include "occupancy/store/database.hpp"

namespace occupancy::store::detail {

size_t copy_readings(Database& db, const std::string& table, const std::string& home,
                     const std::vector<Reading>& readings);

}  // namespace occupancy::store::detail
