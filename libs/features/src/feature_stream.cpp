#include "occupancy/features/feature_stream.hpp"

#include <algorithm>

#include "occupancy/core/time.hpp"

namespace occupancy::features {
namespace {

Millis ts_of(const std::variant<Reading, RoomState>& e) {
  return std::visit([](const auto& x) { return x.ts; }, e);
}

}  // namespace

FeatureStream::FeatureStream(const config::House& home, Priors priors)
    : home_(home), set_(home.horizons_min), priors_(std::move(priors)), timeline_(home) {}

void FeatureStream::restore(const std::vector<RoomState>& states) {
  for (const auto& s : states) {
    timeline_.on_state(s);
    last_trace_[s.room] = s.trace_id;
  }
}

std::vector<FeatureVector> FeatureStream::settle(Millis settled) {
  // Time order; at the same time a reading before a state, as the cleaner publishes them.
  std::stable_sort(queue_.begin(), queue_.end(), [](const Event& a, const Event& b) {
    const Millis ta = ts_of(a), tb = ts_of(b);
    return ta != tb ? ta < tb : a.index() < b.index();
  });
  // Minutes are published from the first settled time on: older events (HA's initial states,
  // last changed hours or weeks ago) are history, not a backlog of minutes to replay.
  if (!next_minute_) next_minute_ = settled / kMinute * kMinute;
  std::vector<FeatureVector> out;
  std::size_t i = 0;
  while (true) {
    const bool event_due = i < queue_.size() && ts_of(queue_[i]) <= settled;
    const bool minute_due = *next_minute_ <= settled;
    if (!event_due && !minute_due) break;
    if (event_due && (!minute_due || ts_of(queue_[i]) <= *next_minute_)) {
      if (const auto* r = std::get_if<Reading>(&queue_[i])) {
        timeline_.on_reading(*r);
      } else {
        const auto& s = std::get<RoomState>(queue_[i]);
        timeline_.on_state(s);
        last_trace_[s.room] = s.trace_id;
        if (home_.find_room(s.room)) {
          out.push_back(set_.vector(timeline_, priors_, s.room, timeline_.now()));
          out.back().trace_id = s.trace_id;  // the vector (and forecast) this change caused
        }
      }
      ++i;
    } else {
      timeline_.advance(*next_minute_);
      for (const auto& room : home_.rooms)
        if (const auto* r = timeline_.room(room.id); r && r->known) {
          out.push_back(set_.vector(timeline_, priors_, room.id, *next_minute_));
          if (const auto t = last_trace_.find(room.id); t != last_trace_.end()) out.back().trace_id = t->second;
        }
      *next_minute_ += kMinute;
    }
  }
  queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(i));
  return out;
}

}  // namespace occupancy::features
