#include "occupancy/store/clean_archive.hpp"

#include <algorithm>
#include <cstdlib>
#include <iterator>

#include "copy_readings.hpp"
#include "spool_records.hpp"

namespace occupancy::store {
namespace {

std::string pg_array(const std::vector<std::string>& items) {  // ids only: no quoting needed
  std::string out = "{";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? "," : "") + items[i];
  return out + "}";
}

}  // namespace

void CleanBatch::append(CleanBatch&& other) {
  detail::move_append(readings, other.readings);
  detail::move_append(states, other.states);
  detail::move_append(gaps, other.gaps);
}

std::size_t CleanBatch::bytes() const {
  return detail::approx_bytes(readings) + detail::approx_bytes(states) + detail::approx_bytes(gaps);
}

std::string CleanBatch::to_record() const {
  return detail::write_record([&](detail::JsonWriter& w) {
    detail::write_list(w, "readings", readings);
    detail::write_list(w, "states", states);
    detail::write_list(w, "gaps", gaps);
  });
}

CleanBatch CleanBatch::from_record(std::string_view record) {
  const auto d = detail::parse_record(record);
  return {detail::read_list<Reading>(d, "readings"), detail::read_list<RoomState>(d, "states"),
          detail::read_list<Gap>(d, "gaps")};
}

void archive_clean(Database& db, const std::string& home, const CleanBatch& batch) {
  in_transaction(db, [&] {
    detail::copy_readings(db, "clean_readings", home, batch.readings);
    for (const auto& s : batch.states)
      db.exec(
          "INSERT INTO room_transitions (home, room, ts, occupied, active_zones, reliable, since, trace_id) "
          "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (home, room, ts) DO UPDATE SET occupied = "
          "EXCLUDED.occupied, active_zones = EXCLUDED.active_zones, reliable = EXCLUDED.reliable, since = "
          "EXCLUDED.since, trace_id = EXCLUDED.trace_id",
          {home, s.room, format_iso8601(s.ts), s.occupied ? "true" : "false", pg_array(s.active_zones),
           s.reliable ? "true" : "false", format_iso8601(s.since),
           s.trace_id.empty() ? std::nullopt : std::optional<std::string>(s.trace_id)});
    for (const auto& g : batch.gaps)
      db.exec(
          "INSERT INTO sensor_gaps (home, entity_id, start_ts, end_ts, cause, room, zone) "
          "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (home, entity_id, start_ts) DO UPDATE SET end_ts = "
          "COALESCE(EXCLUDED.end_ts, sensor_gaps.end_ts)",
          {home, g.entity_id, format_iso8601(g.start),
           g.end ? std::optional<std::string>(format_iso8601(*g.end)) : std::nullopt, g.cause, g.room, g.zone});
  });
}

std::vector<RoomState> load_room_transitions(Database& db, const std::string& home, int days) {
  const char* iso = "'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'";
  const auto r = db.exec(
      std::string("SELECT room, to_char(ts AT TIME ZONE 'UTC', ") + iso +
          "), occupied, array_to_string(active_zones, ','), to_char(coalesce(since, ts) AT TIME ZONE "
          "'UTC', " +
          iso +
          "), reliable, coalesce(trace_id, '') FROM room_transitions WHERE home = $1 AND ts >= (SELECT max(ts) FROM "
          "room_transitions WHERE home = $1) - make_interval(days => $2::int) ORDER BY ts, room",
      {home, std::to_string(days)});
  std::vector<RoomState> out;
  for (int i = 0; i < r.rows(); ++i) {
    RoomState s;
    s.room = r.text(i, 0);
    s.ts = parse_iso8601(r.text(i, 1)).value_or(0);
    s.occupied = r.text(i, 2) == "t";
    for (std::size_t a = 0, z = r.text(i, 3).size(); a < z;) {
      const auto text = r.text(i, 3);
      const auto b = std::min(text.find(',', a), text.size());
      s.active_zones.push_back(text.substr(a, b - a));
      a = b + 1;
    }
    s.since = parse_iso8601(r.text(i, 4)).value_or(s.ts);
    s.reliable = r.text(i, 5) == "t";
    s.trace_id = r.text(i, 6);
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<Reading> latest_clean_readings(Database& db, const std::string& home) {
  const auto r = db.exec(
      "SELECT * FROM (SELECT DISTINCT ON (entity_id) entity_id, ts, to_char(ts AT TIME ZONE 'UTC', "
      "'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), state, room, zone, kind FROM clean_readings WHERE home = $1 "
      "ORDER BY entity_id, ts DESC) latest ORDER BY ts, entity_id",
      {home});
  std::vector<Reading> out;
  for (int i = 0; i < r.rows(); ++i)
    out.push_back({parse_iso8601(r.text(i, 2)).value_or(0), r.text(i, 0), r.text(i, 4), r.text(i, 5), r.text(i, 6),
                   sensor_state_from(r.text(i, 3)).value_or(SensorState::unavailable)});
  return out;
}

}  // namespace occupancy::store
