#pragma once
// The cleaner's archive: clean readings (COPY), room-state transitions and sensor gaps, in one
// transaction per batch. Idempotent: writing the same batch twice adds nothing.
#include <string>
#include <string_view>
#include <vector>

#include "occupancy/core/types.hpp"
#include "occupancy/store/database.hpp"

namespace occupancy::store {

struct CleanBatch {
  std::vector<Reading> readings;
  std::vector<RoomState> states;
  std::vector<Gap> gaps;
  std::size_t size() const { return readings.size() + states.size() + gaps.size(); }
  std::size_t bytes() const;
  void append(CleanBatch&& other);
  std::string to_record() const;  // one spool record
  static CleanBatch from_record(std::string_view record);
};

void archive_clean(Database& db, const std::string& home, const CleanBatch& batch);

/// Each entity's newest clean reading, in time order: what a restarted cleaner knew.
std::vector<Reading> latest_clean_readings(Database& db, const std::string& home);

/// The last `days` days of room transitions (up to the newest archived), in time order.
std::vector<RoomState> load_room_transitions(Database& db, const std::string& home, int days);

}  // namespace occupancy::store
