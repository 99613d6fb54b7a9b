#pragma once
// Home Assistant's WebSocket and history messages, as the ingestor reads and writes them.
// Pure: parsing and building only; the socket lives in libs/http.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "occupancy/core/time.hpp"

namespace occupancy::ingest {

/// One state change of an entity, as HA reports it.
struct StateChange {
  std::string entity_id;
  std::string state;  // HA's text: on, off, unavailable, unknown, ...
  Millis last_changed = 0;
  bool operator==(const StateChange&) const = default;
};

struct HaMessage {
  enum class Kind { auth_required, auth_ok, auth_invalid, result, event, pong, other, malformed } kind = Kind::other;
  long long id = 0;
  bool success = false;
  std::string error;                  // auth_invalid message, result error, or parse error
  std::optional<StateChange> change;  // state_changed events (new_state; null new_state = removed)
};

HaMessage parse_ha_message(std::string_view text);

std::string auth_message(const std::string& token);
/// A state change in HA's own fields (entity_id, state, last_changed), e.g. to quote a refused one.
std::string state_change_json(const StateChange& change);
std::string subscribe_state_changed(long long id);
std::string ping_message(long long id);

/// /api/history/period/<start>?filter_entity_id=...&end_time=...&minimal_response&no_attributes
std::string history_target(Millis start, Millis end, const std::vector<std::string>& entity_ids);
/// HA's history response, with the rows that could not be read left out and named: one bad row
/// must not stop a backfill (it would then fail on every reconnect, and live events with it).
struct HistoryRows {
  std::vector<StateChange> changes;
  std::vector<std::string> skipped;  // one reason per row left out, e.g. "entity 2, row 3: no last_changed"
};

/// Parses HA's history response (one list per entity; minimal rows carry no entity_id).
/// Throws std::runtime_error only when the body is not a JSON array.
HistoryRows parse_history(std::string_view body);

/// Parses /api/states (a flat list of full states), sorted by last_changed.
std::vector<StateChange> parse_states(std::string_view body);

/// HA times: "2026-01-05T10:00:00.123456+00:00" (also with Z or without fraction).
std::optional<Millis> parse_ha_time(std::string_view text);

}  // namespace occupancy::ingest
