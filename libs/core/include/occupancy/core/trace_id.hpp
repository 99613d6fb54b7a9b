#pragma once
// Trace ids: one per sensor change, minted where the change enters the suite (the ingestor) and
// carried by everything it causes — the clean reading, the room state it moved, the feature
// vector and forecast that follow that state, the Home Assistant state — so an operator can
// follow one change from HA and back (`occupancy trace ID`, or a grep of the JSON logs).
//
// An id is 20 lower-case hex digits: 12 of the event time in ms since the epoch, then 8 of a
// hash (FNV-1a) of what changed and to what. It is a function of the change, not a random draw:
// the same reading re-ingested after a restart (HA's history backfill) keeps its id, and the
// time in front lets `occupancy trace` find the rows by the archives' time keys without an index.
#include <optional>
#include <string>
#include <string_view>

#include "occupancy/core/time.hpp"

namespace occupancy {

struct Reading;

inline constexpr std::size_t kTraceIdLength = 20;

/// The id of a change of `source` (an entity id, or `room:<id>` for a change the cleaner's clock
/// caused) to `what` (a state, or the rule) at event time `ts`.
std::string make_trace_id(Millis ts, std::string_view source, std::string_view what);

/// A reading's own id (`make_trace_id(ts, entity_id, state)`) if it carries none.
std::string trace_id_of(const Reading& r);

/// True for 20 lower-case hex digits.
bool is_trace_id(std::string_view id);

/// The event time an id was minted at; nullopt if `id` is not a trace id.
std::optional<Millis> trace_id_time(std::string_view id);

}  // namespace occupancy
