#pragma once
// How far ahead of the pipeline a full-speed replay may run. The services cannot push back
// (runtime/inbound_queue.hpp), so `occupancy replay --speed max` waits while its next item is
// more than `ahead` of event time beyond the latest live prediction — but only while a
// predictor is online, and it stops waiting for good once no prediction has come for
// `stall_after` (a pipeline that is not there must not hang the replay). Pure: the caller
// feeds it what the broker says and the time.
#include <chrono>
#include <optional>

#include "occupancy/core/types.hpp"

namespace occupancy::ingest {

class ReplayPacer {
 public:
  using Clock = std::chrono::steady_clock;
  enum class Verdict { go, wait, stalled };

  ReplayPacer(Millis ahead, std::chrono::milliseconds stall_after) : ahead_(ahead), stall_after_(stall_after) {}

  void predictor_status(bool online) { online_ = online; }
  void prediction_made_at(Millis ts, Clock::time_point now);

  /// May the item at event time `ts` be published at `now`? `stalled` once, then always `go`.
  Verdict check(Millis ts, Clock::time_point now);

  bool predictor_online() const { return online_; }
  bool following() const { return following_; }

 private:
  Millis ahead_;
  std::chrono::milliseconds stall_after_;
  bool online_ = false, following_ = true, waiting_ = false;
  std::optional<Millis> origin_, latest_;  // the first item's time; the latest prediction's
  Clock::time_point last_progress_{};
};

}  // namespace occupancy::ingest
