#include "occupancy/store/trace_lookup.hpp"

#include <stdexcept>

#include "occupancy/core/trace_id.hpp"

namespace occupancy::store {
namespace {

constexpr const char* kIso = "'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'";
std::string iso(const std::string& column) { return "to_char(" + column + " AT TIME ZONE 'UTC', " + kIso + ")"; }
Millis time_of(const std::string& text) { return parse_iso8601(text).value_or(0); }

// Readings archived at exactly `at` whose own id is `id` (a reading's id is derived, not stored).
std::optional<Reading> reading_at(Database& db, const std::string& table, const std::string& home, Millis at,
                                  std::string_view id) {
  const auto r = db.exec("SELECT entity_id, state, room, zone, kind FROM " + table + " WHERE home = $1 AND ts = $2",
                         {home, format_iso8601(at)});
  for (int i = 0; i < r.rows(); ++i) {
    Reading x{at,           r.text(i, 0), r.text(i, 2),
              r.text(i, 3), r.text(i, 4), sensor_state_from(r.text(i, 1)).value_or(SensorState::unavailable)};
    if (trace_id_of(x) == id) {
      x.trace_id = std::string(id);
      return x;
    }
  }
  return std::nullopt;
}

}  // namespace

TraceLookup lookup_trace(Database& db, const std::string& home, std::string_view id) {
  const auto at = trace_id_time(id);
  if (!at) throw std::invalid_argument("'" + std::string(id) + "' is not a trace id (20 lower-case hex digits)");
  TraceLookup out{std::string(id), *at, std::nullopt, false, {}, {}};
  out.raw = reading_at(db, "raw_readings", home, *at, id);
  out.clean = reading_at(db, "clean_readings", home, *at, id).has_value();

  // A change reaches a room state at its own time or, held for the cat filter or late, soon after.
  const auto states = db.exec("SELECT room, " + iso("ts") + ", occupied, array_to_string(active_zones, ','), " +
                                  iso("coalesce(since, ts)") +
                                  ", reliable FROM room_transitions WHERE home = $1 AND trace_id = $2 AND ts >= $3 "
                                  "AND ts < $3::timestamptz + interval '1 day' ORDER BY ts, room",
                              {home, std::string(id), format_iso8601(*at)});
  for (int i = 0; i < states.rows(); ++i) {
    RoomState s{time_of(states.text(i, 1)), states.text(i, 0),       states.text(i, 2) == "t", {},
                time_of(states.text(i, 4)), states.text(i, 5) == "t"};
    for (std::size_t a = 0, n = states.text(i, 3).size(); a < n;) {
      const auto zones = states.text(i, 3);
      const auto b = std::min(zones.find(',', a), zones.size());
      s.active_zones.push_back(zones.substr(a, b - a));
      a = b + 1;
    }
    s.trace_id = std::string(id);
    out.states.push_back(std::move(s));
  }

  // Per room, the forecasts naming it: a range scan of the primary key (home, room, ts, ...).
  for (const auto& s : out.states) {
    if (!out.forecasts.empty() && out.forecasts.back().room == s.room) continue;
    const auto span = db.exec("SELECT " + iso("min(ts)") + ", " + iso("max(ts)") +
                                  ", count(DISTINCT ts) FROM predictions WHERE home = $1 AND room = $2 AND ts >= $3 "
                                  "AND trace_id = $4",
                              {home, s.room, format_iso8601(s.ts), std::string(id)});
    if (span.rows() == 0 || span.text(0, 2) == "0") continue;
    TracedForecasts f{
        s.room, time_of(span.text(0, 0)), time_of(span.text(0, 1)), std::stol(span.text(0, 2)), {}, {}, std::nullopt};
    const auto first = db.exec(
        "SELECT horizon_min, probability, model_version, fallback FROM predictions WHERE home = $1 AND room = $2 "
        "AND ts = $3 ORDER BY horizon_min",
        {home, s.room, format_iso8601(f.first)});
    for (int i = 0; i < first.rows(); ++i) {
      f.first_occupancy[std::stoi(first.text(i, 0))] = std::stod(first.text(i, 1));
      f.model_version = first.text(i, 2);
      if (!first.text(i, 3).empty()) f.fallback = first.text(i, 3);
    }
    out.forecasts.push_back(std::move(f));
  }
  return out;
}

}  // namespace occupancy::store
