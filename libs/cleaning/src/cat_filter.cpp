#include "occupancy/cleaning/cat_filter.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>

namespace occupancy::cleaning {
namespace {

bool is_sensing(const Reading& r) { return r.kind == "presence" || r.kind == "motion"; }
bool is_human_only(const std::string& kind) { return kind == "door" || kind == "light"; }
constexpr Millis kRejudgeAfter = 60'000;       // a cat episode's later activations are judged again
constexpr Millis kPersonLingers = 2 * 60'000;  // a person seen here this recently may still be here
constexpr Millis kBusyWindow = 10 * 60'000;    // activations this close together...
constexpr int kBusyActivations = 3;            // ...this many times: a person moving about, not a cat passing
double apart_s(Millis a, Millis b) { return static_cast<double>(std::llabs(a - b)) / 1000.0; }

constexpr Millis kLeavingGrace = 60'000;  // the entrance's own sensors this soon after the door: the leaver

}  // namespace

const char* to_string(HousePresence p) {
  switch (p) {
    case HousePresence::someone_home:
      return "someone_home";
    case HousePresence::empty:
      return "empty";
    case HousePresence::unknown:
      break;
  }
  return "unknown";
}

std::vector<std::string> cat_rules(const config::HomeConfig& c) {
  const auto& f = c.cat_filter;
  if (!f.enabled) return {"cat filter: off (cat_filter.enabled: false)"};
  const auto on_off = [](bool on) { return on ? "on " : "off"; };
  const bool door = !f.entrance.empty();
  return {
      fmt::format("cat rule {} {} rooms waking within {} s (no person is that fast)", on_off(true),
                  f.cross_room_min_rooms, f.cross_room_transition_s),
      fmt::format("cat rule {} exclusive zones{}", on_off(!f.exclusive_zones.empty()),
                  f.exclusive_zones.empty() ? ": which zones one person cannot hold at once (both bed sides, both "
                                              "desks) needs cat_filter.exclusive_zones in a config"
                                            : ""),
      fmt::format(
          "cat rule {} motion needs presence{}", on_off(f.motion_needs_presence),
          f.motion_needs_presence ? "" : ": whether a room's presence sensors cover the whole room needs a config"),
      fmt::format("cat rule {} nobody could have come{}", on_off(f.path_rule && door),
                  !door          ? ": no door entity with zone front_door or entrance"
                  : !f.path_rule ? ": sparse real sensors leave a still person unseen for minutes; a config turns it on"
                                 : ""),
      fmt::format(
          "cat rule {} the house is empty{}", on_off(door && f.away_after_min > 0),
          door ? fmt::format(" (front door {}, nothing inside for {} min after it)", f.entrance, f.away_after_min)
               : ": no door entity with zone front_door or entrance"),
  };
}

CatFilter::CatFilter(const config::House& house, const config::CatFilterRules& rules)
    : rules_(rules),
      hold_(seconds_to_millis(rules.hold_window_s)),
      cross_(seconds_to_millis(rules.cross_room_transition_s)),
      exclusive_(seconds_to_millis(rules.exclusive_zone_window_s)),
      path_(seconds_to_millis(rules.path_window_s)),
      quiet_(seconds_to_millis(rules.episode_quiet_s)),
      away_(seconds_to_millis(rules.away_after_min * 60)),
      entrance_room_(rules.entrance.substr(0, rules.entrance.find('/'))) {
  for (const auto& room : house.rooms) rooms_[room.id];
  for (const auto& e : house.entities)
    if (e.kind == "presence") rooms_[e.room].has_presence = true;
}

bool CatFilter::quiet(const RoomTrack& t, Millis now) const { return t.on.empty() && now - t.last_activity >= quiet_; }

bool CatFilter::is_entrance(const std::string& room, const std::string& zone) const {
  const auto& e = rules_.entrance;
  return e.size() == room.size() + 1 + zone.size() && e.compare(0, room.size(), room) == 0 && e[room.size()] == '/' &&
         e.compare(room.size() + 1, zone.size(), zone) == 0;
}

CatVerdict CatFilter::decide(const Reading& r, std::span<const Reading> ahead) {
  if (first_ts_ < 0) first_ts_ = r.ts;
  const Millis horizon = std::max({path_, cross_, hold_, kBusyWindow}) + hold_;
  while (!recent_.empty() && recent_.front().ts < r.ts - horizon) recent_.pop_front();
  while (!activations_.empty() && activations_.front().ts < r.ts - horizon) activations_.pop_front();

  update_house(r);
  auto& track = rooms_[r.room];
  const bool first_of_entity = seen_.insert(r.entity_id).second;
  if (is_human_only(r.kind) || !rules_.enabled) {
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
  const bool leaver = r.room == entrance_room_ && door_ts_ >= 0 && r.ts - door_ts_ <= kLeavingGrace;
  if (!verdict.cat && r.state == SensorState::on && !leaver) {
    inside_ts_ = r.ts;
    if (house_ == HousePresence::empty) house_ = HousePresence::someone_home;  // it was not empty after all
  }
  recent_.push_back({r.ts, r.room, r.zone, r.kind, !verdict.cat, r.kind == "presence" && r.state == SensorState::on});
  return verdict;
}

CatVerdict CatFilter::judge_activation(const Reading& r, std::span<const Reading> ahead) const {
  if (human_evidence_in_room(r, ahead)) return {};
  if (const auto& track = rooms_.at(r.room); track.last_human && r.ts - *track.last_human <= kPersonLingers) return {};
  const auto busy = std::count_if(activations_.begin(), activations_.end(),
                                  [&](const Seen& a) { return a.room == r.room && a.ts >= r.ts - kBusyWindow; });
  if (busy + 1 >= kBusyActivations) return {};
  // A presence sensor (a pressure mat, a radar) turning on while the house seems empty is taken
  // for the person the door missed, not for the pet.
  if (auto empty = house_empty(r); !empty.empty() && r.kind != "presence") return {true, empty};
  if (auto pair = exclusive_pair(r, ahead); !pair.empty()) return {true, pair};
  if (auto hop = cross_room(r, ahead); !hop.empty()) return {true, hop};

  const auto& track = rooms_.at(r.room);
  if (rules_.motion_needs_presence && r.kind == "motion" && track.has_presence && track.presence_on.empty() &&
      track.unavailable.empty()) {
    const bool presence_follows = std::any_of(ahead.begin(), ahead.end(), [&](const Reading& x) {
      return x.room == r.room && x.kind == "presence" && x.state == SensorState::on;
    });
    if (!presence_follows)
      return {true, fmt::format("motion in {} with none of its presence sensors on within {} s", r.room,
                                rules_.hold_window_s)};
  }
  if (rules_.path_rule && !rules_.entrance.empty() && unavailable_ == 0 && r.ts - first_ts_ >= path_ &&
      !someone_could_come(r, ahead))
    return {true, fmt::format("nobody could have come into {}: no activity where a person was in the last {} s "
                              "and the front door stayed shut",
                              r.room, rules_.path_window_s)};
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
  for (const auto& group : rules_.exclusive_zones) {
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
  // Other rooms waking within cross_room_transition_s of this one (each room's nearest before,
  // else its first after).
  std::map<std::string, Millis> others;
  for (auto it = activations_.rbegin(); it != activations_.rend() && it->ts >= r.ts - cross_; ++it)
    if (it->room != r.room) others.emplace(it->room, it->ts);
  for (const auto& x : ahead) {
    if (x.ts > r.ts + cross_) break;
    if (x.room != r.room && would_activate(x)) others.emplace(x.room, x.ts);
  }
  if (static_cast<int>(others.size()) + 1 < rules_.cross_room_min_rooms || others.empty()) return {};
  std::string rooms;
  Millis first = r.ts, last = r.ts;
  for (const auto& [room, ts] : others) {
    rooms += (rooms.empty() ? "" : ", ") + room;
    first = std::min(first, ts);
    last = std::max(last, ts);
  }
  if (others.size() == 1) {
    const auto& [room, ts] = *others.begin();
    return ts <= r.ts ? fmt::format("{} became active {:.1f} s before {} (no person changes rooms that fast)", room,
                                    apart_s(ts, r.ts), r.room)
                      : fmt::format("{} becomes active {:.1f} s after {} (no person changes rooms that fast)", room,
                                    apart_s(ts, r.ts), r.room);
  }
  return fmt::format("{} and {} woke within {:.1f} s (no person crosses {} rooms that fast)", r.room, rooms,
                     apart_s(first, last), others.size() + 1);
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

void CatFilter::update_house(const Reading& r) {
  if (away_ <= 0 || rules_.entrance.empty()) return;
  if (r.kind == "door" && is_entrance(r.room, r.zone)) {
    if (!seen_.count(r.entity_id)) return;  // HA's initial state: the door as it was, not a use of it
    if (r.state == SensorState::unavailable) {
      house_ = HousePresence::unknown;
      door_ts_ = -1;
      return;
    }
    door_ts_ = r.ts;  // someone came in or went out: home until the quiet after it says otherwise
    house_ = HousePresence::someone_home;
    return;
  }
  if (house_ != HousePresence::someone_home || door_ts_ < 0 || r.ts < door_ts_ + away_) return;
  // The door, then nothing inside for away_after_min (the entrance's own sensors just after the
  // door aside: the leaver on the way out), nobody on a presence sensor, and every sensor
  // reporting: everyone has left. Somebody who came in moves somewhere else.
  const bool present =
      std::any_of(rooms_.begin(), rooms_.end(), [](const auto& room) { return !room.second.presence_on.empty(); });
  if (inside_ts_ <= door_ts_ && !present && unavailable_ == 0) house_ = HousePresence::empty;
}

std::string CatFilter::house_empty(const Reading& r) const {
  if (house_ != HousePresence::empty) return {};
  return fmt::format(
      "the house is empty: the front door was last used {:.0f} min before and nothing inside moved "
      "for {:.0f} min after it",
      static_cast<double>(r.ts - door_ts_) / 60'000.0, rules_.away_after_min);
}

}  // namespace occupancy::cleaning
