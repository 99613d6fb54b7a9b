#include "occupancy/cleaning/cat_filter.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>

namespace occupancy::cleaning {
namespace {

Millis seconds(double s) { return static_cast<Millis>(s * 1000.0); }
bool is_sensing(const Reading& r) { return r.kind == "presence" || r.kind == "motion"; }
bool is_human_only(const std::string& kind) { return kind == "door" || kind == "light"; }
constexpr Millis kRejudgeAfter = 60'000;       // a cat episode's later activations are judged again
constexpr Millis kPersonLingers = 2 * 60'000;  // a person seen here this recently may still be here
constexpr Millis kBusyWindow = 10 * 60'000;    // activations this close together...
constexpr int kBusyActivations = 3;            // ...this many times: a person moving about, not a cat passing
double apart_s(Millis a, Millis b) { return static_cast<double>(std::llabs(a - b)) / 1000.0; }

}  // namespace

CatFilter::CatFilter(const config::HomeConfig& config)
    : config_(config),
      hold_(seconds(config.cat_filter.hold_window_s)),
      cross_(seconds(config.cat_filter.cross_room_transition_s)),
      exclusive_(seconds(config.cat_filter.exclusive_zone_window_s)),
      path_(seconds(config.cat_filter.path_window_s)),
      quiet_(seconds(config.cat_filter.episode_quiet_s)) {
  for (const auto& room : config.rooms) rooms_[room.id];
  for (const auto& e : config.entities)
    if (e.kind == "presence") rooms_[e.room].has_presence = true;
}

bool CatFilter::quiet(const RoomTrack& t, Millis now) const { return t.on.empty() && now - t.last_activity >= quiet_; }

bool CatFilter::is_entrance(const std::string& room, const std::string& zone) const {
  const auto& e = config_.cat_filter.entrance;
  return e.size() == room.size() + 1 + zone.size() && e.compare(0, room.size(), room) == 0 && e[room.size()] == '/' &&
         e.compare(room.size() + 1, zone.size(), zone) == 0;
}

CatVerdict CatFilter::decide(const Reading& r, std::span<const Reading> ahead) {
  if (first_ts_ < 0) first_ts_ = r.ts;
  const Millis horizon = std::max({path_, cross_, hold_, kBusyWindow}) + hold_;
  while (!recent_.empty() && recent_.front().ts < r.ts - horizon) recent_.pop_front();
  while (!activations_.empty() && activations_.front().ts < r.ts - horizon) activations_.pop_front();

  auto& track = rooms_[r.room];
  const bool first_of_entity = seen_.insert(r.entity_id).second;
  if (is_human_only(r.kind) || !config_.cat_filter.enabled) {
    CatVerdict verdict;
    if (r.state != SensorState::unavailable && track.episode == RoomTrack::Episode::cat) {
      track.episode = RoomTrack::Episode::human;  // a cat neither opens doors nor switches lights
      verdict.readmit = true;
    }
    recent_.push_back({r.ts, r.room, r.zone, r.kind, true});
    return verdict;
  }
  if (r.state == SensorState::unavailable) {  // not the cat's doing; the sensor's state is unknown
    track.on.erase(r.entity_id);
    track.presence_on.erase(r.entity_id);
    if (track.unavailable.insert(r.entity_id).second) ++unavailable_;
    return {};
  }
  if (track.unavailable.erase(r.entity_id) > 0) --unavailable_;

  if (track.episode != RoomTrack::Episode::none && quiet(track, r.ts)) track.episode = RoomTrack::Episode::none;
  CatVerdict verdict;
  const bool rejudge = track.episode == RoomTrack::Episode::cat && r.ts - track.episode_start > kRejudgeAfter;
  if (r.state == SensorState::on && (track.episode == RoomTrack::Episode::none || rejudge)) {
    if (rejudge && r.kind == "motion" && !track.presence_on.empty())
      verdict = {};  // movement while somebody stays present: a person settling in
    else if (first_of_entity)
      verdict = {};  // a sensor's first reading is the house as it was (HA's initial states), not an event
    else
      verdict = judge_activation(r, ahead);
    verdict.readmit = rejudge && !verdict.cat;
    track.episode = verdict.cat ? RoomTrack::Episode::cat : RoomTrack::Episode::human;
    track.episode_detail = verdict.detail;
    track.episode_start = r.ts;
    activations_.push_back({r.ts, r.room, r.zone, r.kind, !verdict.cat});
  } else if (track.episode == RoomTrack::Episode::cat) {
    verdict = {true, "same cat episode: " + track.episode_detail};
  }
  if (r.state == SensorState::on) {
    track.on.insert(r.entity_id);
    if (r.kind == "presence") track.presence_on.insert(r.entity_id);
  } else {
    track.on.erase(r.entity_id);
    track.presence_on.erase(r.entity_id);
  }
  track.last_activity = r.ts;
  if (!verdict.cat) track.last_human = r.ts;
  recent_.push_back({r.ts, r.room, r.zone, r.kind, !verdict.cat, r.kind == "presence" && r.state == SensorState::on});
  return verdict;
}

CatVerdict CatFilter::judge_activation(const Reading& r, std::span<const Reading> ahead) const {
  if (human_evidence_in_room(r, ahead)) return {};
  if (const auto& track = rooms_.at(r.room); track.last_human && r.ts - *track.last_human <= kPersonLingers) return {};
  const auto busy = std::count_if(activations_.begin(), activations_.end(),
                                  [&](const Seen& a) { return a.room == r.room && a.ts >= r.ts - kBusyWindow; });
  if (busy + 1 >= kBusyActivations) return {};
  if (auto pair = exclusive_pair(r, ahead); !pair.empty()) return {true, pair};
  if (auto hop = cross_room(r, ahead); !hop.empty()) return {true, hop};

  const auto& track = rooms_.at(r.room);
  if (r.kind == "motion" && track.has_presence && track.presence_on.empty() && track.unavailable.empty()) {
    const bool presence_follows = std::any_of(ahead.begin(), ahead.end(), [&](const Reading& x) {
      return x.room == r.room && x.kind == "presence" && x.state == SensorState::on;
    });
    if (!presence_follows)
      return {true, fmt::format("motion in {} with none of its presence sensors on within {} s", r.room,
                                config_.cat_filter.hold_window_s)};
  }
  if (!config_.cat_filter.entrance.empty() && unavailable_ == 0 && r.ts - first_ts_ >= path_ &&
      !someone_could_come(r, ahead))
    return {true, fmt::format("nobody could have come into {}: no activity where a person was in the last {} s "
                              "and the front door stayed shut",
                              r.room, config_.cat_filter.path_window_s)};
  return {};
}

bool CatFilter::human_evidence_in_room(const Reading& r, std::span<const Reading> ahead) const {
  const auto in_room = [&](const std::string& room, const std::string& kind) {
    return room == r.room && is_human_only(kind);
  };
  for (const auto& s : recent_)
    if (s.ts >= r.ts - hold_ && in_room(s.room, s.kind)) return true;
  return std::any_of(ahead.begin(), ahead.end(),
                     [&](const Reading& x) { return in_room(x.room, x.kind) && x.state != SensorState::unavailable; });
}

std::string CatFilter::exclusive_pair(const Reading& r, std::span<const Reading> ahead) const {
  for (const auto& group : config_.cat_filter.exclusive_zones) {
    std::map<std::string, Millis> fired;  // "room/zone" -> first on
    const auto consider = [&](const Reading& x) {
      if (!is_sensing(x) || x.state != SensorState::on || x.ts > r.ts + exclusive_) return;
      const auto rz = x.room + "/" + x.zone;
      if (std::find(group.begin(), group.end(), rz) != group.end()) fired.emplace(rz, x.ts);
    };
    consider(r);
    for (const auto& x : ahead) consider(x);
    if (fired.size() >= 2) {
      const auto a = fired.begin(), b = std::next(a);
      return fmt::format("{} and {} fired {:.1f} s apart (one person cannot be in both)", a->first, b->first,
                         apart_s(a->second, b->second));
    }
  }
  return {};
}

bool CatFilter::would_activate(const Reading& x) const {
  if (!is_sensing(x) || x.state != SensorState::on) return false;
  const auto it = rooms_.find(x.room);
  if (it == rooms_.end()) return false;
  return it->second.episode == RoomTrack::Episode::none || quiet(it->second, x.ts);
}

std::string CatFilter::cross_room(const Reading& r, std::span<const Reading> ahead) const {
  for (auto it = activations_.rbegin(); it != activations_.rend() && it->ts >= r.ts - cross_; ++it)
    if (it->room != r.room)
      return fmt::format("{} became active {:.1f} s before {} (no person changes rooms that fast)", it->room,
                         apart_s(it->ts, r.ts), r.room);
  for (const auto& x : ahead) {
    if (x.ts > r.ts + cross_) break;
    if (x.room != r.room && would_activate(x))
      return fmt::format("{} becomes active {:.1f} s after {} (no person changes rooms that fast)", x.room,
                         apart_s(x.ts, r.ts), r.room);
  }
  return {};
}

bool CatFilter::someone_could_come(const Reading& r, std::span<const Reading> ahead) const {
  for (auto it = recent_.rbegin(); it != recent_.rend() && it->ts >= r.ts - path_; ++it)
    if (it->human && !it->arrival && (it->room != r.room || is_entrance(it->room, it->zone))) return true;
  return std::any_of(ahead.begin(), ahead.end(), [&](const Reading& x) {
    if (is_entrance(x.room, x.zone)) return true;
    if (x.room == r.room || (x.kind == "presence" && x.state == SensorState::on)) return false;
    if (is_human_only(x.kind)) return true;
    const auto it = rooms_.find(x.room);
    return it != rooms_.end() && it->second.episode == RoomTrack::Episode::human && !quiet(it->second, x.ts);
  });
}

}  // namespace occupancy::cleaning
