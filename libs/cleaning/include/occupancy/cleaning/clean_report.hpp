#pragma once
// The offline cleaner (`occupancy clean`): the live service's core run over a whole history,
// and its decisions as CSV files a user can open next to their HA export.
#include <iosfwd>
#include <vector>

#include "occupancy/config/home_config.hpp"
#include "occupancy/core/types.hpp"

namespace occupancy::cleaning {

struct CleanRun {
  std::vector<Reading> clean;
  std::vector<Rejection> rejected;
  std::vector<Gap> gaps;          // one per gap, with its end once it closed
  std::vector<RoomState> states;  // every room-state change, in order
};

/// Feeds `readings` (in file order; the core sorts within its hold window) and finishes.
CleanRun clean_history(const config::HomeConfig& config, const std::vector<Reading>& readings);

/// entity_id,state,last_changed,room,zone,kind (HA's export columns first).
void write_clean_csv(std::ostream& out, const std::vector<Reading>& clean);
/// entity_id,state,last_changed,reason,detail
void write_rejected_csv(std::ostream& out, const std::vector<Rejection>& rejected);
/// entity_id,room,zone,start,end,cause (end empty while open)
void write_gaps_csv(std::ostream& out, const std::vector<Gap>& gaps);
/// ts,room,occupied,active_zones,since,reliable (zones separated by '|')
void write_rooms_csv(std::ostream& out, const std::vector<RoomState>& states);

}  // namespace occupancy::cleaning
