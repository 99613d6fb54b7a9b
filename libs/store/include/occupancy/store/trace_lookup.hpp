#pragma once
// `occupancy trace ID`: one sensor change followed through the archives — the raw reading the
// ingestor archived, whether the cleaner accepted it, the room state changes it caused, and the
// forecasts that followed each. The id's leading event time bounds every query to the archives'
// time keys (trace_id.hpp), so no table needs an index on trace ids.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "occupancy/core/types.hpp"
#include "occupancy/store/database.hpp"

namespace occupancy::store {

/// The forecasts of one room that name the change: the first (what the change caused) and how
/// long later forecasts kept naming it (until the room's next change).
struct TracedForecasts {
  std::string room;
  Millis first = 0, last = 0;
  long minutes = 0;  // distinct forecast times
  std::map<int, double> first_occupancy;
  std::string model_version;
  std::optional<std::string> fallback;
};

struct TraceLookup {
  std::string id;
  Millis at = 0;
  std::optional<Reading> raw;  // the reading, if a reading was the cause and the ingestor archived it
  bool clean = false;          // the cleaner archived it as accepted
  std::vector<RoomState> states;
  std::vector<TracedForecasts> forecasts;
  bool found() const { return raw || !states.empty(); }
};

/// Looks `id` up in `home`'s archives. Throws std::invalid_argument if it is not a trace id.
TraceLookup lookup_trace(Database& db, const std::string& home, std::string_view id);

}  // namespace occupancy::store
