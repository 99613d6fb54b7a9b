#include "occupancy/cleaning/cleaner_core.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <tuple>

namespace occupancy::cleaning {
namespace {

bool earlier(const Reading& a, const Reading& b) { return std::tie(a.ts, a.entity_id) < std::tie(b.ts, b.entity_id); }

std::string person_of(const config::House& c, const Reading& r) {
  const auto* room = c.find_room(r.room);
  if (room == nullptr) return {};
  for (const auto& z : room->zones)
    if (z.id == r.zone) return z.person;
  return {};
}

}  // namespace

void CleanerOutput::clear() {
  clean.clear();
  rejected.clear();
  gaps.clear();
  states.clear();
}

CleanerCore::CleanerCore(const config::House& house, const config::CleanerSettings& settings,
                         const config::CatFilterRules& rules)
    : house_(house),
      hold_(seconds_to_millis(rules.hold_window_s)),
      max_off_latency_(seconds_to_millis(settings.max_off_latency_s)),
      cat_(house, rules),
      gaps_(house, settings),
      rooms_(house, settings) {}

void CleanerCore::push(const Reading& r, CleanerOutput& out) {
  if (house_.find_entity(r.entity_id) == nullptr) {
    out.rejected.push_back({r, "impossible", "entity " + r.entity_id + " is not in the home config"});
    return;
  }
  if (const auto last = last_.find(r.entity_id); last != last_.end() && r.ts < last->second.reading.ts) {
    out.rejected.push_back({r, "out_of_order",
                            fmt::format("event at {} is older than {}'s last event at {}, beyond the {} s hold window",
                                        format_iso8601(r.ts), r.entity_id, format_iso8601(last->second.reading.ts),
                                        static_cast<double>(hold_) / 1000)});
    return;
  }
  held_.insert(std::upper_bound(held_.begin() + static_cast<std::ptrdiff_t>(head_), held_.end(), r, earlier), r);
  watermark_ = std::max(watermark_, r.ts);
  release(watermark_ - hold_, out);
}

void CleanerCore::advance(Millis now, CleanerOutput& out) {
  watermark_ = std::max(watermark_, now);
  release(watermark_ - hold_, out);
}

void CleanerCore::finish(CleanerOutput& out) { release(watermark_, out); }

void CleanerCore::restore(const std::vector<Reading>& last_clean, CleanerOutput& out) {
  // In time order, as they were decided; a repeat of one of them is then a duplicate, and the
  // room holds (motion) run from their real time. Gaps and the cat filter start afresh.
  for (const auto& r : last_clean) {
    last_.insert_or_assign(r.entity_id, Last{r, true});
    rooms_.advance(r.ts, out.states);
    rooms_.apply(r, out.states);
  }
  // One state per room (its latest), not the replay's intermediate steps.
  std::map<std::string, RoomState> latest;
  for (auto& st : out.states) latest.insert_or_assign(st.room, std::move(st));
  out.states.clear();
  for (auto& [room, st] : latest) out.states.push_back(std::move(st));
}

void CleanerCore::release(Millis settled, CleanerOutput& out) {
  while (head_ < held_.size() && held_[head_].ts <= settled) {
    const Reading r = held_[head_++];
    auto end = held_.begin() + static_cast<std::ptrdiff_t>(head_);
    while (end != held_.end() && end->ts <= r.ts + hold_) ++end;
    decide(r, std::span<const Reading>(held_.data() + head_, static_cast<std::size_t>(end - held_.begin()) - head_),
           out);
  }
  if (head_ > 4096 && head_ * 2 > held_.size()) {
    held_.erase(held_.begin(), held_.begin() + static_cast<std::ptrdiff_t>(head_));
    head_ = 0;
  }
  if (!started_) return;  // no reading decided yet: event time has not started
  gap_scratch_.clear();
  gaps_.advance(settled, gap_scratch_);
  on_gaps(gap_scratch_, out);
  check_contradictions(settled, out);
  rooms_.advance(settled, out.states);
}

void CleanerCore::on_gaps(std::vector<Gap>& changed, CleanerOutput& out) {
  for (auto& g : changed) {
    rooms_.gap(g, out.states);
    out.gaps.push_back(std::move(g));
  }
  changed.clear();
}

void CleanerCore::decide(const Reading& r, std::span<const Reading> ahead, CleanerOutput& out) {
  started_ = true;
  check_contradictions(r.ts, out);
  auto last = last_.find(r.entity_id);
  if (last != last_.end()) {
    const Reading& before = last->second.reading;
    if (r.ts < before.ts) {
      out.rejected.push_back({r, "out_of_order",
                              fmt::format("event at {} is older than {}'s last event at {}", format_iso8601(r.ts),
                                          r.entity_id, format_iso8601(before.ts))});
      return;
    }
    if (r.state == before.state) {
      gap_scratch_.clear();
      gaps_.observe(r, gap_scratch_);  // a repeat still proves the sensor is alive
      on_gaps(gap_scratch_, out);
      out.rejected.push_back(
          {r, "duplicate",
           fmt::format("{} was already {} since {}", r.entity_id, to_string(r.state), format_iso8601(before.ts))});
      return;
    }
  }
  rooms_.advance(r.ts, out.states);
  gap_scratch_.clear();
  gaps_.observe(r, gap_scratch_);
  on_gaps(gap_scratch_, out);

  const auto verdict = cat_.decide(r, ahead);
  last_.insert_or_assign(r.entity_id, Last{r, !verdict.cat});
  if (verdict.readmit) readmit(r, out);
  if (verdict.cat) {
    out.rejected.push_back({r, "cat", verdict.detail});
    return;
  }
  out.clean.push_back(r);
  rooms_.apply(r, out.states);
  if (r.kind == "presence") schedule_checks(r);
}

void CleanerCore::readmit(const Reading& r, CleanerOutput& out) {
  for (auto& [entity, last] : last_) {
    const Reading& was = last.reading;
    if (last.clean || was.room != r.room || was.state != SensorState::on || entity == r.entity_id) continue;
    last.clean = true;
    out.clean.push_back(was);
    rooms_.apply(was, out.states);
    if (was.kind == "presence") schedule_checks(was);
  }
}

void CleanerCore::schedule_checks(const Reading& r) {
  const auto person = person_of(house_, r);
  if (person.empty()) return;
  if (r.state != SensorState::on) {
    last_on_.erase(r.entity_id);
    return;
  }
  last_on_[r.entity_id] = r;
  for (const auto& [entity, on] : last_on_) {
    if (on.room == r.room || person_of(house_, on) != person) continue;
    checks_.push_back({r.ts + max_off_latency_, entity, r.entity_id, on.ts});
  }
}

void CleanerCore::check_contradictions(Millis now, CleanerOutput& out) {
  for (auto it = checks_.begin(); it != checks_.end();) {
    if (it->due > now) {
      ++it;
      continue;
    }
    const auto stale = last_on_.find(it->stale);
    const auto fresh = last_on_.find(it->fresh);
    const bool still = stale != last_on_.end() && stale->second.ts == it->stale_since && fresh != last_on_.end() &&
                       !gaps_.in_gap(it->stale);
    if (still) {
      const Reading stuck = stale->second;
      const Reading& seen = fresh->second;
      out.rejected.push_back(
          {stuck, "impossible",
           fmt::format("{}/{} is still on {} s after {} turned up at {}/{}: the sensor is stuck, its zone is ignored "
                       "until it changes",
                       stuck.room, stuck.zone, static_cast<double>(max_off_latency_) / 1000, person_of(house_, stuck),
                       seen.room, seen.zone)});
      gap_scratch_.clear();
      gaps_.open(*house_.find_entity(stuck.entity_id), it->due, "contradicted", gap_scratch_);
      on_gaps(gap_scratch_, out);
      rooms_.clear_zone(stuck.entity_id, it->due, out.states);
      last_on_.erase(stale);
    }
    it = checks_.erase(it);
  }
}

}  // namespace occupancy::cleaning
