#include "occupancy/ingest/replay_pacer.hpp"

#include <algorithm>

namespace occupancy::ingest {

void ReplayPacer::prediction_made_at(Millis ts, Clock::time_point now) {
  if (latest_ && ts <= *latest_) return;
  latest_ = ts;
  last_progress_ = now;
}

ReplayPacer::Verdict ReplayPacer::check(Millis ts, Clock::time_point now) {
  if (!following_ || !online_) return Verdict::go;
  if (!origin_) origin_ = ts;
  if (ts <= latest_.value_or(*origin_) + ahead_) {
    waiting_ = false;
    return Verdict::go;
  }
  if (!waiting_) {  // the stall clock starts when waiting starts, or at the last prediction since
    waiting_ = true;
    last_progress_ = std::max(last_progress_, now);
  }
  if (now - last_progress_ > stall_after_) {
    following_ = false;
    return Verdict::stalled;
  }
  return Verdict::wait;
}

}  // namespace occupancy::ingest
