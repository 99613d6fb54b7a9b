#pragma once
// The cleaner's pure core, shared by the live service and `occupancy clean`: readings in,
// decisions out, in event time. Each reading is held for cat_filter.hold_window_s of event
// time, so the cat filter sees context on both sides, then released in time order as:
//   - duplicate     the entity already had this state (a repeat),
//   - out_of_order  older than the entity's last event, beyond the hold window,
//   - cat           the cat filter's verdict, with the rule that fired,
//   - clean         otherwise; clean readings drive gaps and room states.
// Impossible states: when a person's zone turns on in one room while their zone in another
// room stays on for cleaner.max_off_latency_s more, the older zone is stuck. Its on-reading is
// rejected as impossible (after the fact), a "contradicted" gap opens, and the zone stops
// counting until the sensor changes.
// When a cat verdict is reversed (a door moved, a person settled in), the room's sensors that
// are on and were rejected are released again as clean, late: the room state needs them.
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "occupancy/cleaning/cat_filter.hpp"
#include "occupancy/cleaning/gap_detector.hpp"
#include "occupancy/cleaning/room_state_machine.hpp"
#include "occupancy/config/home_config.hpp"
#include "occupancy/core/types.hpp"

namespace occupancy::cleaning {

/// What one step produced, in the order it happened.
struct CleanerOutput {
  std::vector<Reading> clean;
  std::vector<Rejection> rejected;
  std::vector<Gap> gaps;          // opened (no end) or closed
  std::vector<RoomState> states;  // room state changes
  void clear();
};

class CleanerCore {
 public:
  CleanerCore(const config::House& house, const config::CleanerSettings& settings, const config::CatFilterRules& rules);
  explicit CleanerCore(const config::HomeConfig& config) : CleanerCore(config, config.cleaner, config.cat_filter) {}

  /// A reading arrives (any order within the hold window). Event time moves to its ts.
  void push(const Reading& r, CleanerOutput& out);
  /// Event time reached `now` (a clock tick, or the wall clock live).
  void advance(Millis now, CleanerOutput& out);
  /// End of input: decides everything still held.
  void finish(CleanerOutput& out);
  /// After a restart, before any reading: each entity's last clean reading (from the archive),
  /// taken as decided, so a room that was occupied is occupied again at once instead of vacant
  /// until a sensor changes. The room states this gives are in `out.states`.
  void restore(const std::vector<Reading>& last_clean, CleanerOutput& out);

  /// Event time up to which every reading has been decided (and its outputs produced);
  /// nullopt before the first reading.
  std::optional<Millis> settled() const { return started_ ? std::optional<Millis>(watermark_ - hold_) : std::nullopt; }
  std::size_t held() const { return held_.size() - head_; }
  const RoomStateMachine& rooms() const { return rooms_; }
  std::vector<Gap> open_gaps() const { return gaps_.open_gaps(); }

 private:
  struct Last {
    Reading reading;
    bool clean;
  };
  struct Check {  // is `stale` still on although its person turned up at `fresh`?
    Millis due;
    std::string stale, fresh;
    Millis stale_since;
  };
  void release(Millis settled, CleanerOutput& out);
  void decide(const Reading& r, std::span<const Reading> ahead, CleanerOutput& out);
  void on_gaps(std::vector<Gap>& changed, CleanerOutput& out);
  void check_contradictions(Millis now, CleanerOutput& out);
  void schedule_checks(const Reading& r);
  void readmit(const Reading& r, CleanerOutput& out);

  const config::House& house_;
  Millis hold_, max_off_latency_;
  CatFilter cat_;
  GapDetector gaps_;
  RoomStateMachine rooms_;
  std::vector<Reading> held_;  // sorted by (ts, entity_id) from head_
  std::size_t head_ = 0;
  Millis watermark_ = 0;
  bool started_ = false;
  std::map<std::string, Last, std::less<>> last_;        // per entity: the last reading decided
  std::map<std::string, Reading, std::less<>> last_on_;  // per person-zone entity: its last clean "on"
  std::vector<Check> checks_;
  std::vector<Gap> gap_scratch_;
};

}  // namespace occupancy::cleaning
