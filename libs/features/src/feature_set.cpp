#include "occupancy/features/feature_set.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <stdexcept>

#include "occupancy/core/holidays.hpp"
#include "occupancy/core/time.hpp"

namespace occupancy::features {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kCap = 24 * 60;  // durations are capped at a day

// PreHeat (Scott et al. 2011): the K past days whose occupancy so far today is closest
// (Hamming distance over today's finished 15-minute slots), averaged.
struct Preheat {
  std::vector<const std::array<signed char, kDaySlots>*> days;       // the K nearest, nearest first
  std::vector<const std::array<signed char, kDaySlots>*> next_days;  // the day after each (may be null)
  long today = 0;
  int slot = 0;
};

Preheat similar_days(const HouseTimeline::Room& r, Millis local_now) {
  Preheat p;
  p.today = floor_div(local_now, kDay);
  p.slot = static_cast<int>((local_now - static_cast<Millis>(p.today) * kDay) / kSlot);
  const auto today = r.days.find(p.today);
  std::vector<std::pair<int, long>> ranked;  // (distance, -day): ties go to the most recent
  for (const auto& [day, slots] : r.days) {
    if (day >= p.today) continue;
    int distance = 0;
    for (int s = 0; s < p.slot; ++s) {
      const signed char mine = today == r.days.end() ? -1 : today->second[static_cast<std::size_t>(s)];
      if (mine >= 0 && slots[static_cast<std::size_t>(s)] >= 0) distance += mine != slots[static_cast<std::size_t>(s)];
    }
    ranked.emplace_back(distance, -day);
  }
  std::sort(ranked.begin(), ranked.end());
  for (std::size_t i = 0; i < ranked.size() && static_cast<int>(i) < kPreheatDays; ++i) {
    const long day = -ranked[i].second;
    p.days.push_back(&r.days.at(day));
    const auto next = r.days.find(day + 1);
    p.next_days.push_back(next == r.days.end() ? nullptr : &next->second);
  }
  return p;
}

// The K days' average occupancy `ahead` slots after now (NaN if no day knows it).
double preheat_at(const Preheat& p, int ahead) {
  const int target = p.slot + ahead;
  double sum = 0;
  int n = 0;
  for (std::size_t i = 0; i < p.days.size(); ++i) {
    const auto* day = target < kDaySlots ? p.days[i] : p.next_days[i];
    if (day == nullptr) continue;
    const signed char v = (*day)[static_cast<std::size_t>(target % kDaySlots)];
    if (v < 0) continue;
    sum += v;
    ++n;
  }
  return n == 0 ? kNaN : sum / n;
}

}  // namespace

FeatureSet::FeatureSet(std::vector<int> horizons_min) : horizons_(std::move(horizons_min)) {
  names_ = {"hour_sin",
            "hour_cos",
            "weekday_sin",
            "weekday_cos",
            "minute_of_day",
            "is_free_day",
            "is_holiday",
            "is_work_hours",
            "is_sleep_hours",
            "occupied_now",
            "minutes_in_state",
            "occ_share_15",
            "occ_share_60",
            "occ_share_240",
            "zone_changes_15",
            "zone_changes_60",
            "active_zones",
            "other_rooms_occupied",
            "anyone_home",
            "minutes_since_activity",
            "minutes_since_transition",
            "last_transition_into_room",
            "last_transition_out_of_room",
            "prior_occ_now",
            "prior_vacancy_min",
            "prior_next_occ_min",
            "markov_vacancy_min",
            "markov_next_occ_min",
            "preheat_vacancy_min",
            "preheat_next_occ_min",
            "reliable",
            "rooms_unreliable"};
  for (int h : horizons_)
    for (const char* base : {"prior_occ_", "markov_occ_", "preheat_occ_"}) names_.push_back(base + std::to_string(h));
}

std::size_t FeatureSet::index(const std::string& name) const {
  const auto it = std::find(names_.begin(), names_.end(), name);
  if (it == names_.end()) throw std::out_of_range("feature '" + name + "' is not in feature set v1");
  return static_cast<std::size_t>(it - names_.begin());
}

void FeatureSet::compute(const HouseTimeline& timeline, const Priors& priors, const std::string& room_id, Millis t,
                         double* out) const {
  const auto& tz = timeline.tz();
  const Millis local = tz.to_local(t);
  const auto lt = local_time(local);
  const double hour = lt.minute_of_day / 60.0;
  const bool holiday = is_romanian_public_holiday(lt.year, lt.month, lt.day);
  const bool free_day = lt.weekday >= 5 || holiday;
  const auto* room = timeline.room(room_id);
  static const HouseTimeline::Room kUnknown;
  const auto& r = room ? *room : kUnknown;

  std::size_t i = 0;
  const auto put = [&](double v) { out[i++] = v; };
  constexpr double tau = 2 * std::numbers::pi;
  put(std::sin(tau * hour / 24));
  put(std::cos(tau * hour / 24));
  put(std::sin(tau * lt.weekday / 7));
  put(std::cos(tau * lt.weekday / 7));
  put(lt.minute_of_day);
  put(free_day);
  put(holiday);
  put(!free_day && lt.minute_of_day >= 9 * 60 && lt.minute_of_day < 17 * 60);
  put(lt.minute_of_day >= 23 * 60 || lt.minute_of_day < 7 * 60);

  // The room.
  const double in_state = r.known ? std::min(kCap, static_cast<double>(t - r.since) / kMinute) : kNaN;
  put(r.known ? r.occupied : kNaN);
  put(in_state);
  put(r.known ? timeline.occupied_share(r, 15 * kMinute, t) : kNaN);
  put(r.known ? timeline.occupied_share(r, 60 * kMinute, t) : kNaN);
  put(r.known ? timeline.occupied_share(r, 240 * kMinute, t) : kNaN);
  put(static_cast<double>(std::count_if(r.zone_changes.begin(), r.zone_changes.end(),
                                        [&](Millis z) { return z > t - 15 * kMinute && z <= t; })));
  put(static_cast<double>(std::count_if(r.zone_changes.begin(), r.zone_changes.end(),
                                        [&](Millis z) { return z > t - 60 * kMinute && z <= t; })));
  put(static_cast<double>(r.active_zones));

  // The house.
  int others = 0, unreliable = 0;
  bool anyone = false;
  for (const auto& [id, other] : timeline.rooms()) {
    anyone |= other.known && other.occupied;
    others += id != room_id && other.known && other.occupied;
    unreliable += other.known && !other.reliable;
  }
  put(others);
  put(anyone);
  const auto activity = timeline.last_activity();
  put(activity ? std::min(kCap, static_cast<double>(t - *activity) / kMinute) : kNaN);
  const auto flip = timeline.last_flip();
  put(flip ? std::min(kCap, static_cast<double>(t - flip->ts) / kMinute) : kNaN);
  put(flip ? (flip->room == room_id && flip->occupied) : 0.0);
  put(flip ? (flip->room == room_id && !flip->occupied) : 0.0);

  // Priors (learned from the training data) and the baselines built on them.
  const auto pr = priors.rooms.find(room_id);
  const RoomPriors* p = pr == priors.rooms.end() ? nullptr : &pr->second;
  const int slot = lt.weekday * 48 + lt.minute_of_day / 30;
  const int hour_index = lt.minute_of_day / 60;
  put(p ? p->occupancy[static_cast<std::size_t>(slot)] : kNaN);
  if (p && r.known && r.occupied) {
    const double left = p->remaining_occupied[static_cast<std::size_t>(slot)];
    const auto since_lt = local_time(tz.to_local(r.since));
    put(left > 0 ? left
                 : std::max(1.0, p->stay_minutes[static_cast<std::size_t>(since_lt.minute_of_day / 60)] - in_state));
  } else {
    put(kNaN);
  }
  if (p && r.known && !r.occupied && p->remaining_vacant[static_cast<std::size_t>(slot)] > 0) {
    put(p->remaining_vacant[static_cast<std::size_t>(slot)]);
  } else if (p && r.known && !r.occupied) {
    double next = kCap;
    for (int k = 1; k <= 48; ++k)
      if (p->occupancy[static_cast<std::size_t>((slot + k) % kWeekSlots)] >= 0.5) {
        next = std::max(1.0, k * 30.0 - lt.minute_of_day % 30);
        break;
      }
    put(next);
  } else {
    put(kNaN);
  }
  const double leave = p ? p->p_leave[static_cast<std::size_t>(hour_index)] : 0;
  const double arrive = p ? p->p_arrive[static_cast<std::size_t>(hour_index)] : 0;
  put(p && r.known && r.occupied ? std::min(kCap, leave > 0 ? 1.0 / leave : kCap) : kNaN);
  put(p && r.known && !r.occupied ? std::min(kCap, arrive > 0 ? 1.0 / arrive : kCap) : kNaN);

  const auto preheat = similar_days(r, local);
  const auto preheat_duration = [&](bool until_occupied) {
    if (!r.known || r.occupied == until_occupied || preheat.days.empty()) return kNaN;
    for (int k = 1; k <= kDaySlots; ++k) {
      const double v = preheat_at(preheat, k);
      if (std::isnan(v)) continue;
      if ((v >= 0.5) == until_occupied) return std::max(1.0, k * 15.0 - lt.minute_of_day % 15);
    }
    return kCap;
  };
  put(preheat_duration(false));
  put(preheat_duration(true));
  put(r.known ? r.reliable : kNaN);
  put(unreliable);

  for (int h : horizons_) {
    const auto at = local_time(tz.to_local(t + h * kMinute));
    put(p ? p->occupancy[static_cast<std::size_t>(at.weekday * 48 + at.minute_of_day / 30)] : kNaN);
    if (p && r.known) {  // propagate the hour-of-day Markov chain minute by minute
      double q = r.occupied ? 1.0 : 0.0;
      for (int m = 0; m < h; ++m) {
        const auto hh = static_cast<std::size_t>(((lt.minute_of_day + m) / 60) % 24);
        q = q * (1 - p->p_leave[hh]) + (1 - q) * p->p_arrive[hh];
      }
      put(q);
    } else {
      put(kNaN);
    }
    put(preheat.days.empty() ? kNaN : preheat_at(preheat, (lt.minute_of_day % 15 + h) / 15));
  }
}

FeatureVector FeatureSet::vector(const HouseTimeline& timeline, const Priors& priors, const std::string& room,
                                 Millis t) const {
  std::vector<double> v(size());
  compute(timeline, priors, room, t, v.data());
  FeatureVector fv{t, room, kFeatureSet, {}};
  for (std::size_t i = 0; i < v.size(); ++i) fv.values.emplace_back(names_[i], v[i]);
  return fv;
}

}  // namespace occupancy::features
