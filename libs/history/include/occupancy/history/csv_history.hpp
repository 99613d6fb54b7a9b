#pragma once
// Home Assistant's history "Download data" CSV (entity_id,state,last_changed, UTC, rows grouped
// by entity) and the entities.csv mapping (entity_id,room,zone,kind). Copes with `;`-separated
// locales, CRLF, a BOM, quoted fields, rows out of order or duplicated; every bad row is
// reported with its line number and skipped, and the good ones are kept.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "occupancy/config/home_config.hpp"
#include "occupancy/core/types.hpp"

namespace occupancy::history {

struct RowError {
  size_t line;         // 1-based, as an editor shows it
  std::string reason;  // e.g. "bad timestamp '2026-13-01'"
};

struct ImportResult {
  std::vector<Reading> readings;  // sorted by time (stable), exact duplicates removed
  std::vector<RowError> errors;
  size_t rows = 0;              // data rows read (without the header)
  size_t duplicates = 0;        // exact repeats of (entity, last_changed, state) skipped
  size_t unknown_entities = 0;  // rows of entities the mapping does not know (also errors)
};

/// The entity -> room/zone/kind mapping, from the home config or an entities.csv.
using EntityMap = std::vector<config::Entity>;
EntityMap entities_from_config(const config::HomeConfig& config);
/// Throws std::runtime_error naming file and line on an unusable entities.csv.
EntityMap read_entities_csv(const std::filesystem::path& path);
EntityMap parse_entities_csv(std::string_view text, const std::string& source);

ImportResult parse_history_csv(std::string_view text, const EntityMap& entities);
/// Throws std::runtime_error if the file cannot be read or has no usable header.
ImportResult read_history_csv(const std::filesystem::path& path, const EntityMap& entities);

/// HA states to readings: on/off; unavailable and unknown are an explicit unavailable.
std::optional<SensorState> sensor_state_of(std::string_view ha_state);

}  // namespace occupancy::history
