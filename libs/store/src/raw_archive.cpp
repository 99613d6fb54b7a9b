#include "occupancy/store/raw_archive.hpp"

#include <cstdlib>
#include <iterator>

#include "copy_readings.hpp"
#include "spool_records.hpp"

namespace occupancy::store {

std::size_t RawBatch::bytes() const { return detail::approx_bytes(readings); }

void RawBatch::append(RawBatch&& other) {
  readings.insert(readings.end(), std::make_move_iterator(other.readings.begin()),
                  std::make_move_iterator(other.readings.end()));
  other.readings.clear();
}

std::string RawBatch::to_record() const {
  return detail::write_record([&](detail::JsonWriter& w) { detail::write_list(w, "readings", readings); });
}

RawBatch RawBatch::from_record(std::string_view record) {
  return {detail::read_list<Reading>(detail::parse_record(record), "readings")};
}

size_t archive_raw_readings(Database& db, const std::string& home, const std::vector<Reading>& readings) {
  if (readings.empty()) return 0;
  size_t n = 0;
  in_transaction(db, [&] { n = detail::copy_readings(db, "raw_readings", home, readings); });
  return n;
}

std::vector<Reading> load_raw_readings(Database& db, const std::string& home, int days) {
  const auto r = db.exec(
      "SELECT entity_id, to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), state, room, zone, kind "
      "FROM raw_readings WHERE home = $1 AND ts >= (SELECT max(ts) FROM raw_readings WHERE home = $1) - "
      "make_interval(days => $2::int) ORDER BY ts, entity_id",
      {home, std::to_string(days)});
  std::vector<Reading> out;
  out.reserve(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i)
    out.push_back({parse_iso8601(r.text(i, 1)).value_or(0), r.text(i, 0), r.text(i, 3), r.text(i, 4), r.text(i, 5),
                   sensor_state_from(r.text(i, 2)).value_or(SensorState::unavailable)});
  return out;
}

}  // namespace occupancy::store
