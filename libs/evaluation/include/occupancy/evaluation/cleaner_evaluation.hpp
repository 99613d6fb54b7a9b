#pragma once
// Scores the cleaner against the simulator's ground truth: every simulated event carries its
// cause (person, cat, fault), every fault its interval. Pure: runs CleanerCore over the events.
#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "occupancy/config/home_config.hpp"
#include "occupancy/simulation/simulator.hpp"

namespace occupancy::evaluation {

struct CleanerScore {
  std::size_t readings = 0, cat_readings = 0, human_readings = 0;
  std::size_t cat_caught = 0;                          // cat readings rejected as cat
  std::size_t false_cat = 0;                           // non-cat readings rejected as cat
  std::size_t human_rejected = 0;                      // human readings rejected for any reason
  std::size_t long_faults = 0, long_faults_found = 0;  // unavailable faults over 5 min, and those a gap overlaps
  std::size_t duplicates_injected = 0, duplicates_rejected = 0;
  std::size_t stuck_injected = 0, stuck_found = 0;  // stuck-on faults of person zones, and contradicted gaps on them
  std::map<std::string, double> room_agreement;     // share of reliable minutes where the room state matches truth
  std::vector<std::string> missed, false_alarms;    // examples (first 200 of each), for tuning rules
  double precision() const;
  double recall() const;
  double human_rejected_share() const;
  double gap_recall() const;
};

CleanerScore evaluate_cleaner(const config::HomeConfig& home, const simulation::SimResult& sim);

/// The score as the text `occupancy evaluate cleaner` prints.
std::string format_score(const CleanerScore& s);

}  // namespace occupancy::evaluation
