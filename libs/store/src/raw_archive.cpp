#include "occupancy/store/raw_archive.hpp"

#include <cstdlib>

#include "copy_readings.hpp"

namespace occupancy::store {

size_t archive_raw_readings(Database& db, const std::string& home, const std::vector<Reading>& readings) {
  if (readings.empty()) return 0;
  db.exec("BEGIN");
  try {
    const size_t n = detail::copy_readings(db, "raw_readings", home, readings);
    db.exec("COMMIT");
    return n;
  } catch (...) {
    db.exec("ROLLBACK");
    throw;
  }
}

size_t count_raw_readings(Database& db, const std::string& home) {
  return std::strtoull(db.exec("SELECT count(*) FROM raw_readings WHERE home = $1", {home}).text(0, 0).c_str(), nullptr,
                       10);
}

}  // namespace occupancy::store
