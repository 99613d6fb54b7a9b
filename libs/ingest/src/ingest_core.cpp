#include "occupancy/ingest/ingest_core.hpp"

#include <algorithm>

#include "occupancy/core/trace_id.hpp"

namespace occupancy::ingest {
namespace {
constexpr Millis kDedupeWindow = 24 * 60 * kMinute;  // backfill overlaps are far shorter
}

IngestCore::IngestCore(const std::vector<config::Entity>& entities, std::optional<EventTimeGuard> guard)
    : guard_(std::move(guard)) {
  for (const auto& e : entities) entities_[e.entity_id] = &e;
}

bool IngestCore::refuse_if_out_of_bounds(const StateChange& c) {
  if (!guard_) return false;
  auto why = guard_->check(c.last_changed);
  if (!why) return false;
  ++refused_count_;
  refused_.push_back({c, std::move(*why)});
  return true;
}

std::vector<Output> IngestCore::ticks_before(Millis t, bool inclusive) {
  std::vector<Output> out;
  Millis minute = t / kMinute * kMinute;
  if (!inclusive && minute == t) minute -= kMinute;  // a tick at t comes after readings at t
  if (last_tick_ < 0) {
    last_tick_ = minute;  // the first event sets the clock; earlier minutes never existed here
    return out;
  }
  for (Millis m = last_tick_ + kMinute; m <= minute; m += kMinute) out.push_back(ClockTick{m});
  last_tick_ = std::max(last_tick_, minute);
  return out;
}

std::vector<Output> IngestCore::on_change(const StateChange& c) {
  const auto it = entities_.find(c.entity_id);
  if (it == entities_.end()) {
    ++ignored_;
    return {};
  }
  if (refuse_if_out_of_bounds(c)) return {};  // before any clock moves
  auto key = std::make_tuple(c.last_changed, c.entity_id, c.state);
  if (!seen_.insert(key).second) {
    ++duplicates_;
    return {};
  }
  seen_order_.push_back(std::move(key));
  while (!seen_order_.empty() && std::get<0>(seen_order_.front()) < c.last_changed - kDedupeWindow) {
    seen_.erase(seen_order_.front());
    seen_order_.pop_front();
  }
  const auto state = sensor_state_from(c.state == "unknown" ? "unavailable" : c.state);
  const auto& e = *it->second;
  auto out = ticks_before(c.last_changed, false);
  // States other than on/off (e.g. a renamed entity now "home") are unknown to us: unavailable.
  auto& r = std::get<Reading>(out.emplace_back(std::in_place_type<Reading>));
  r = {c.last_changed, e.entity_id, e.room, e.zone, e.kind, state.value_or(SensorState::unavailable)};
  r.trace_id = trace_id_of(r);  // where a change enters the suite, it gets its trace id
  return out;
}

std::vector<Output> IngestCore::on_current_states(std::vector<StateChange> states) {
  std::stable_sort(states.begin(), states.end(),
                   [](const auto& a, const auto& b) { return a.last_changed < b.last_changed; });
  std::vector<Output> out;
  if (guard_) {
    const auto wall = guard_->wall_now();
    // A state dated 2099 must not start the clock there...
    if (wall)
      std::erase_if(states, [&](const StateChange& s) {
        return entities_.count(s.entity_id) && s.last_changed > *wall + guard_->limits().max_ahead &&
               refuse_if_out_of_bounds(s);
      });
    // ...and a sensor unchanged for months still has a state worth publishing, but not a time
    // every core would have to walk from: it is stated as of max_span before now.
    if (!states.empty()) {
      const Millis now = std::max(states.back().last_changed, wall.value_or(states.back().last_changed));
      const Millis floor = now - guard_->limits().max_span + kMinute;  // a minute inside the bound
      for (auto& s : states) s.last_changed = std::max(s.last_changed, floor);
    }
  }
  if (states.empty()) return out;
  if (last_tick_ < 0) ticks_before(states.back().last_changed, false);  // only starts the clock
  for (const auto& s : states)
    for (auto& o : on_change(s)) out.push_back(std::move(o));
  return out;
}

std::vector<Output> IngestCore::advance_to(Millis now) { return ticks_before(now, true); }

std::chrono::milliseconds Backoff::next(double unit) {
  const auto base = next_;
  next_ = std::min(cap_, next_ * 2);
  return std::chrono::milliseconds(base.count() / 2 +
                                   static_cast<long long>(unit * static_cast<double>(base.count() / 2)));
}

}  // namespace occupancy::ingest
