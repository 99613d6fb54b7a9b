#pragma once
// The ingestor's one path from HA state changes to published readings and clock ticks, used
// by the live socket, backfill, replay and history import alike — so their MQTT output is
// identical for the same events. Pure.
#include <chrono>
#include <deque>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "occupancy/config/home_config.hpp"
#include "occupancy/core/event_time.hpp"
#include "occupancy/core/types.hpp"
#include "occupancy/ingest/ha_protocol.hpp"

namespace occupancy::ingest {

/// An event-time tick: every reading up to `ts` has been published.
struct ClockTick {
  Millis ts;
  bool operator==(const ClockTick&) const = default;
};
using Output = std::variant<Reading, ClockTick>;

/// A state change refused for its time (see EventTimeGuard), for the dead-letter topic.
struct RefusedChange {
  StateChange change;
  std::string reason;
};

class IngestCore {
 public:
  /// `guard` bounds event time; without one, any time is taken (tests of the mapping only).
  explicit IngestCore(const std::vector<config::Entity>& entities, std::optional<EventTimeGuard> guard = std::nullopt);

  /// A state change (in time order per source). Unconfigured entities are ignored; a change
  /// already seen (entity, last_changed, state) is dropped. Emits ticks for the minutes that
  /// end before it, then the reading.
  std::vector<Output> on_change(const StateChange& change);
  /// Home Assistant's current states, on the first connection: the clock starts at the newest
  /// of them (a sensor unchanged for days must not replay days of minutes through the
  /// pipeline), then each state is a reading, oldest first.
  std::vector<Output> on_current_states(std::vector<StateChange> states);
  /// Event time has reached `now` (live: wall clock): ticks for the whole minutes up to it.
  std::vector<Output> advance_to(Millis now);

  size_t ignored() const { return ignored_; }
  size_t duplicates() const { return duplicates_; }
  size_t refused() const { return refused_count_; }
  /// The changes refused for their time since the last call.
  std::vector<RefusedChange> take_refused() { return std::exchange(refused_, {}); }

 private:
  std::vector<Output> ticks_before(Millis t, bool inclusive);
  std::unordered_map<std::string, const config::Entity*> entities_;
  std::set<std::tuple<Millis, std::string, std::string>> seen_;  // bounded: pruned by age
  std::deque<std::tuple<Millis, std::string, std::string>> seen_order_;
  Millis last_tick_ = -1;
  size_t ignored_ = 0, duplicates_ = 0, refused_count_ = 0;
  std::optional<EventTimeGuard> guard_;
  std::vector<RefusedChange> refused_;
  bool refuse_if_out_of_bounds(const StateChange& c);
};

/// Exponential backoff, capped, with full jitter: wait in [base/2, base] where base doubles.
class Backoff {
 public:
  Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds cap)
      : initial_(initial), cap_(cap), next_(initial) {}
  /// `unit` in [0, 1) chooses the jitter (a random number in production).
  std::chrono::milliseconds next(double unit);
  void reset() { next_ = initial_; }

 private:
  std::chrono::milliseconds initial_, cap_, next_;
};

}  // namespace occupancy::ingest
