#include "occupancy/simulation/simulator.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <stdexcept>

#include "occupancy/core/holidays.hpp"
#include "occupancy/core/timezone.hpp"
#include "rng.hpp"

namespace occupancy::simulation {

const char* to_string(Cause c) {
  switch (c) {
    case Cause::person:
      return "person";
    case Cause::cat:
      return "cat";
    case Cause::fault:
      return "fault";
  }
  return "fault";
}

namespace {

constexpr Millis kSecond = 1000;

struct Place {
  std::string room, zone;  // room empty = away from home
};

struct Move {
  Millis t;
  Place place;
};

struct Day {
  int index;
  Millis local_midnight;  // local millis
  int weekday;            // 0 = Monday
  bool free;              // weekend or public holiday
  std::string date;       // YYYY-MM-DD
};

// ---------------------------------------------------------------- routines -------------

class RoutineBuilder {
 public:
  RoutineBuilder(const TimeZone& tz, const Day& day, std::vector<Move>& out) : tz_(tz), day_(day), out_(out) {}

  /// Adds a move at local minute `m` of the day (may exceed 1440), never before the last.
  double go(double m, const Place& p) {
    Millis t = tz_.from_local(day_.local_midnight + static_cast<Millis>(m * kMinute));
    if (!out_.empty() && t <= out_.back().t) t = out_.back().t + kMinute;
    if (!out_.empty() && out_.back().place.room == p.room && out_.back().place.zone == p.zone) return m;
    out_.push_back({t, p});
    return minute_of(t);
  }
  /// The local minute of the last move (relative to this day's midnight).
  double now() const { return out_.empty() ? 0 : minute_of(out_.back().t); }

 private:
  double minute_of(Millis t) const {
    return static_cast<double>(tz_.to_local(t) - day_.local_midnight) / static_cast<double>(kMinute);
  }
  const TimeZone& tz_;
  const Day& day_;
  std::vector<Move>& out_;
};

struct Places {
  Place bed, bathroom, shower, kitchen, couch, desk, away;
};

Places places_for(const std::string& person) {
  return {{"bedroom", "bed_" + person},
          {"bathroom", "room"},
          {"small_bathroom", "shower"},
          {"living_kitchen", "kitchen"},
          {"living_kitchen", "couch"},
          {"office", "desk_" + person},
          {"", ""}};
}

// The life changes (Household::changes) a person lives on a day.
struct Changes {
  bool new_job = false, guest_room_office = false;
};

Changes changes_of(const Household& h, int person_index, int day) {
  Changes c;
  const int second = h.people.size() > 1 ? 1 : 0;
  for (const auto& change : h.changes) {
    if (day < change.day) continue;
    c.new_job |= change.kind == "new-job" && person_index == 0;
    c.guest_room_office |= change.kind == "guest-room-office" && person_index == second;
  }
  return c;
}

const Place kGuestRoomDesk{"guest_bedroom", "bed"};  // a desk by the guest bed, under its presence sensor

void person_day(const Household& h, const PersonParams& p, const Places& at, int person_index, const Day& day,
                bool vacation_today, bool vacation_yesterday, Changes changes, Rng rng, RoutineBuilder& b) {
  const double j = h.jitter_min;
  if (vacation_today && vacation_yesterday) return;  // away all day
  const bool returning = !vacation_today && vacation_yesterday;
  const bool sick = !day.free && !vacation_today && rng.chance(h.sick_day_probability);
  const bool wfh = changes.guest_room_office ||
                   std::find(p.wfh_weekdays.begin(), p.wfh_weekdays.end(), day.weekday) != p.wfh_weekdays.end();
  const Place& desk = changes.guest_room_office ? kGuestRoomDesk : at.desk;  // where a workday's desk is
  const bool evening_work = changes.new_job && !day.free && !sick && !vacation_today;
  const double wake = (day.free ? p.weekend_wake : p.wake) + rng.jitter(j);

  double t;
  if (returning) {
    t = b.go(std::max(b.now(), 15.5 * 60 + rng.jitter(60)), at.kitchen);
  } else {
    if (rng.chance(h.night_bathroom_probability)) {
      const double nb = rng.uniform(60, std::max(61.0, std::min(300.0, wake - 40)));
      b.go(nb, at.bathroom);
      b.go(nb + rng.uniform(3, 8), at.bed);
    }
    t = b.go(wake, at.bathroom) + rng.uniform(4, 10);
    if (rng.chance(p.shower_probability)) t = b.go(t, at.shower) + rng.uniform(8, 18);
    t = b.go(t, at.kitchen) + rng.uniform(15, 25);
    if (vacation_today) {  // leaving on a trip
      b.go(std::max(t, 10 * 60 + rng.jitter(j)), at.away);
      return;
    }
    if (sick) {
      t = b.go(t, at.bed);
      for (double visit : {11 * 60.0, 13 * 60.0, 16 * 60.0}) {
        const auto& where = visit == 13 * 60.0 ? at.kitchen : at.bathroom;
        t = b.go(std::max(t + 30, visit + rng.jitter(j)), where);
        t = b.go(t + rng.uniform(5, 20), at.bed);
      }
    } else if (!day.free && changes.new_job) {  // mornings on site, afternoons at the home desk
      b.go(std::max(t, p.leave + rng.jitter(j)), at.away);
      t = b.go(std::max(b.now() + 60, 12.75 * 60 + rng.jitter(j / 2)), at.kitchen);
      t = b.go(t + rng.uniform(25, 40), at.desk);
      if (rng.chance(0.7)) {
        t = b.go(std::max(t + 20, 16 * 60 + rng.jitter(j)), at.bathroom);
        t = b.go(t + rng.uniform(3, 7), at.desk);
      }
      t = b.go(std::max(t + 30, 18.25 * 60 + rng.jitter(j / 2)), at.couch);
    } else if (!day.free && wfh) {
      t = b.go(t, desk);
      if (rng.chance(0.7)) {
        t = b.go(std::max(t + 20, 10.5 * 60 + rng.jitter(j)), at.bathroom);
        t = b.go(t + rng.uniform(3, 7), desk);
      }
      t = b.go(std::max(t + 20, 12.5 * 60 + rng.jitter(j / 2)), at.kitchen);
      t = b.go(t + rng.uniform(30, 45), desk);
      if (rng.chance(0.7)) {
        t = b.go(std::max(t + 20, 15 * 60 + rng.jitter(j)), at.bathroom);
        t = b.go(t + rng.uniform(3, 7), desk);
      }
      t = b.go(std::max(t + 30, 17.5 * 60 + rng.jitter(j)), at.couch);
    } else if (!day.free) {
      b.go(std::max(t, p.leave + rng.jitter(j)), at.away);
      t = b.go(std::max(b.now() + 60, p.back + rng.jitter(j)), at.kitchen);
      t = b.go(t + rng.uniform(5, 15), at.couch);
    } else {
      t = b.go(t, at.couch);
      if (rng.chance(h.weekend_outing_probability)) {
        b.go(std::max(t + 15, 11 * 60 + rng.jitter(j)), at.away);
        t = b.go(std::max(b.now() + 60, 13.5 * 60 + rng.jitter(j)), at.kitchen);
      } else {
        t = b.go(std::max(t + 30, 13 * 60 + rng.jitter(j)), at.kitchen);
      }
      t = b.go(t + rng.uniform(30, 50), at.couch);
      if (rng.chance(0.3)) {
        t = b.go(std::max(t + 20, 15 * 60 + rng.jitter(j)), at.desk);
        t = b.go(t + rng.uniform(60, 120), at.couch);
      }
    }
  }

  // Evening: one cooks (alternating days), both eat, couch, bathroom, bed.
  const bool cooks = (day.index + person_index) % 2 == 0;
  const double dinner = std::max(b.now() + 10, 18.75 * 60 + rng.jitter(j));
  if (cooks) b.go(dinner - rng.uniform(30, 50), at.kitchen);
  b.go(dinner, at.kitchen);
  t = b.go(dinner + rng.uniform(25, 40), at.couch);
  const bool out = !sick && rng.chance(h.evening_out_probability);
  if (out) {
    b.go(std::max(t + 10, 19.75 * 60 + rng.jitter(j)), at.away);
    t = b.go(std::max(b.now() + 90, 22.5 * 60 + rng.jitter(j)), at.couch);
  }
  if (evening_work && !out)
    t = b.go(std::max(t + 10, 20 * 60 + rng.jitter(j / 2)), at.desk);  // the new job's evening hours
  double bedtime = (day.free ? p.weekend_bedtime : p.bedtime) + rng.jitter(j);
  if (rng.chance(h.late_night_probability)) bedtime += rng.uniform(60, 120);
  bedtime = std::max(bedtime, b.now() + 20);
  b.go(bedtime - rng.uniform(8, 15), at.bathroom);
  b.go(bedtime, at.bed);
}

// -------------------------------------------------------------- intervals --------------

std::vector<Interval> merge(std::vector<Interval> v, Millis join_gap = 0) {
  std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.start < b.start; });
  std::vector<Interval> out;
  for (const auto& i : v) {
    if (i.end <= i.start) continue;
    if (!out.empty() && i.start <= out.back().end + join_gap)
      out.back().end = std::max(out.back().end, i.end);
    else
      out.push_back(i);
  }
  return out;
}

bool overlaps(const std::vector<Interval>& sorted, Millis a, Millis b) {
  auto it = std::upper_bound(sorted.begin(), sorted.end(), a, [](Millis t, const Interval& i) { return t < i.end; });
  return it != sorted.end() && it->start < b;
}

Cause cause_of(const std::string& who) { return who == "cat" ? Cause::cat : Cause::person; }

// Turns a person's moves into stays. Changing rooms takes a few seconds of walking (nobody is
// seen meanwhile); coming home or leaving passes the front door.
void add_stays(const std::string& who, const std::vector<Move>& moves, Millis end, Rng rng,
               const std::array<double, 2>& walk_s, std::vector<Stay>& stays, std::vector<Millis>& front_door_passes) {
  for (size_t i = 0; i < moves.size(); ++i) {
    const Millis until = i + 1 < moves.size() ? moves[i + 1].t : end;
    const bool here = !moves[i].place.room.empty();
    const bool was_home = i > 0 && !moves[i - 1].place.room.empty();
    const bool first = i == 0 && who != "guest";  // a resident's history starts at home
    if (moves[i].t >= end) break;
    if (!here) {
      if (was_home) front_door_passes.push_back(moves[i].t + static_cast<Millis>(rng.uniform(2, 5) * kSecond));
      continue;
    }
    Millis start = moves[i].t;
    if (was_home && moves[i - 1].place.room != moves[i].place.room)
      start += static_cast<Millis>(rng.uniform(walk_s[0], walk_s[1]) * kSecond);
    if (!was_home && !first) front_door_passes.push_back(start - static_cast<Millis>(rng.uniform(3, 6) * kSecond));
    if (until > start) stays.push_back({who, moves[i].place.room, moves[i].place.zone, start, std::min(until, end)});
  }
}

// ------------------------------------------------------------------ sensors ------------

struct Raw {
  Millis ts;
  SensorState state;
  Cause cause;
  std::string detail;
};

struct Source {
  Millis start, end;
  std::string who, zone;
};

std::vector<Raw> presence_events(const std::vector<Source>& sources, const SensorParams& s, Rng& rng,
                                 const std::string& entity, std::vector<Fault>& faults) {
  struct Span {
    Millis on, off;
    std::string on_who, off_who;
  };
  std::vector<Span> spans;
  for (const auto& src : sources) {
    const Millis on =
        src.start + static_cast<Millis>(rng.uniform(s.presence_on_latency_s[0], s.presence_on_latency_s[1]) * kSecond);
    const Millis off =
        src.end + static_cast<Millis>(rng.uniform(s.presence_off_latency_s[0], s.presence_off_latency_s[1]) * kSecond);
    spans.push_back({on, std::max(off, on + kSecond), src.who, src.who});
  }
  std::sort(spans.begin(), spans.end(), [](const auto& a, const auto& b) { return a.on < b.on; });
  std::vector<Span> merged;
  for (auto& sp : spans) {
    if (!merged.empty() && sp.on <= merged.back().off + 2 * kSecond) {
      if (sp.off > merged.back().off) {
        merged.back().off = sp.off;
        merged.back().off_who = sp.off_who;
      }
    } else {
      merged.push_back(sp);
    }
  }
  std::vector<Raw> out;
  for (const auto& m : merged) {
    out.push_back({m.on, SensorState::on, cause_of(m.on_who), m.on_who});
    const double hours = static_cast<double>(m.off - m.on) / 3.6e6;
    if (hours > 1.0 / 6) {
      for (int k = rng.poisson(hours * s.flicker_per_hour); k > 0; --k) {
        const Millis t =
            m.on + 60 * kSecond + static_cast<Millis>(rng.u01() * static_cast<double>(m.off - m.on - 120 * kSecond));
        const Millis back = t + static_cast<Millis>(rng.uniform(1, 3) * kSecond);
        out.push_back({t, SensorState::off, Cause::fault, "flicker"});
        out.push_back({back, SensorState::on, Cause::fault, "flicker"});
        faults.push_back({entity, "flicker", t, back});
      }
    }
    out.push_back({m.off, SensorState::off, cause_of(m.off_who), m.off_who});
  }
  return out;
}

double motion_mean_minutes(const std::string& zone) {
  if (zone.rfind("bed", 0) == 0) return 90;
  if (zone.rfind("desk", 0) == 0 || zone == "couch") return 15;
  return 2.5;
}

std::vector<Raw> motion_events(const std::vector<Source>& sources, const SensorParams& s, Rng& rng) {
  std::vector<std::pair<Millis, std::string>> pulses;
  for (const auto& src : sources) {
    pulses.emplace_back(src.start + static_cast<Millis>(rng.uniform(0, 2) * kSecond), src.who);
    if (src.who == "cat") continue;  // a cat triggers on arrival, then naps or moves on
    const double mean = motion_mean_minutes(src.zone) * kMinute;
    for (Millis t = src.start + static_cast<Millis>(rng.exponential(mean)); t < src.end - 5 * kSecond;
         t += static_cast<Millis>(rng.exponential(mean)))
      pulses.emplace_back(t, src.who);
    if (src.end - src.start > 10 * kSecond)
      pulses.emplace_back(src.end - static_cast<Millis>(rng.uniform(0, 2) * kSecond), src.who);
  }
  std::sort(pulses.begin(), pulses.end());
  std::vector<Raw> out;
  Millis last_on = -1'000'000'000'000, last_off = last_on;
  for (const auto& [t, who] : pulses) {
    if (t < last_on + static_cast<Millis>(s.motion_cooldown_s * kSecond) || t <= last_off) continue;  // PIR cooldown
    const Millis off = t + static_cast<Millis>(rng.uniform(s.motion_pulse_s[0], s.motion_pulse_s[1]) * kSecond);
    out.push_back({t, SensorState::on, cause_of(who), who});
    out.push_back({off, SensorState::off, cause_of(who), who});
    last_on = t;
    last_off = off;
  }
  return out;
}

// Door contacts: on = open. Rooms whose door stays closed when empty open briefly at each
// entry and exit; the others stand open while empty and close behind whoever is inside.
std::vector<Raw> door_events(const std::vector<Source>& humans, bool closed_when_empty, Millis start,
                             std::vector<Raw>& out) {
  std::vector<std::pair<Millis, int>> edges;
  for (const auto& h : humans) {
    edges.emplace_back(h.start, +1);
    edges.emplace_back(h.end, -1);
  }
  std::sort(edges.begin(), edges.end());
  int inside = 0;
  for (const auto& h : humans) inside += (h.start <= start && h.end > start);
  out.push_back(
      {start, (closed_when_empty || inside > 0) ? SensorState::off : SensorState::on, Cause::person, "initial"});
  inside = 0;
  for (const auto& [t, d] : edges) {
    const int before = inside;
    inside += d;
    if (t <= start) continue;
    if (!closed_when_empty && before == 0 && inside > 0) {
      out.push_back({t + 4 * kSecond, SensorState::off, Cause::person, "closed behind"});
    } else if (!closed_when_empty && before > 0 && inside == 0) {
      out.push_back({t - 2 * kSecond, SensorState::on, Cause::person, "left"});
    } else if (before != inside) {
      out.push_back({t - 2 * kSecond, SensorState::on, Cause::person, "passing"});
      out.push_back({t + 3 * kSecond, SensorState::off, Cause::person, "passing"});
    }
  }
  return out;
}

// Keeps only changes of state, as Home Assistant records them.
std::vector<Raw> changes_only(std::vector<Raw> events, Millis start, Millis end) {
  std::stable_sort(events.begin(), events.end(), [](const Raw& a, const Raw& b) { return a.ts < b.ts; });
  std::vector<Raw> out;
  for (auto& e : events) {
    if (e.ts < start || e.ts >= end) continue;
    if (!out.empty() && out.back().state == e.state) continue;
    if (!out.empty() && e.ts <= out.back().ts) e.ts = out.back().ts + 1;
    out.push_back(std::move(e));
  }
  return out;
}

SensorState state_at(const std::vector<Raw>& events, Millis t) {
  SensorState s = SensorState::off;
  for (const auto& e : events) {
    if (e.ts > t) break;
    s = e.state;
  }
  return s;
}

// ------------------------------------------------------------------- faults ------------

void apply_faults(std::vector<Raw>& events, const config::Entity& e, const FaultParams& f, Rng rng, Millis start,
                  Millis end, std::vector<Fault>& faults) {
  const double days = static_cast<double>(end - start) / (24.0 * 60 * kMinute);
  const auto log_uniform = [&](const std::array<double, 2>& r) {
    return std::exp(rng.uniform(std::log(std::max(r[0], 0.01)), std::log(std::max(r[1], 0.01)))) * kMinute;
  };
  if (e.kind == "presence") {  // stuck on: an off that comes hours late
    for (int k = rng.poisson(days / 60 * f.stuck_on_per_entity_per_60_days); k > 0; --k) {
      for (int attempt = 0; attempt < 20; ++attempt) {
        const auto i = static_cast<size_t>(rng.u01() * static_cast<double>(events.size()));
        if (i == 0 || i >= events.size() || events[i].state != SensorState::off) continue;
        const Millis late = events[i].ts + static_cast<Millis>(log_uniform(f.stuck_on_minutes));
        if (late >= end || (i + 1 < events.size() && events[i + 1].ts <= late)) continue;
        faults.push_back({e.entity_id, "stuck_on", events[i].ts, late});
        events[i] = {late, SensorState::off, Cause::fault, "stuck_on"};
        break;
      }
    }
  }
  for (int k = rng.poisson(days / 30 * f.unavailable_per_entity_per_30_days); k > 0; --k) {
    const Millis ws = start + static_cast<Millis>(rng.u01() * static_cast<double>(end - start));
    const Millis we = std::min(end - 1, ws + static_cast<Millis>(log_uniform(f.unavailable_minutes)));
    if (we <= ws + kSecond) continue;
    const SensorState after = state_at(events, we);
    std::vector<Raw> kept;
    for (auto& ev : events)
      if (ev.ts < ws || ev.ts > we) kept.push_back(std::move(ev));
    kept.push_back({ws, SensorState::unavailable, Cause::fault, "unavailable"});
    kept.push_back({we, after, Cause::fault, "unavailable"});
    std::stable_sort(kept.begin(), kept.end(), [](const Raw& a, const Raw& b) { return a.ts < b.ts; });
    events = std::move(kept);
    faults.push_back({e.entity_id, "unavailable", ws, we});
  }
  std::vector<Raw> out;
  for (size_t i = 0; i < events.size(); ++i) {
    // HA itself marks an entity unavailable: that marker is never lost on the radio.
    const bool ha_marker = events[i].cause == Cause::fault && events[i].detail == "unavailable";
    if (i > 0 && !ha_marker && rng.chance(f.drop_probability)) {
      faults.push_back({e.entity_id, "dropped", events[i].ts, events[i].ts});
      continue;
    }
    out.push_back(events[i]);
    if (i > 0 && rng.chance(f.duplicate_probability)) {
      faults.push_back({e.entity_id, "duplicate", events[i].ts, events[i].ts});
      out.push_back({events[i].ts, events[i].state, Cause::fault, "duplicate"});
    }
  }
  events = std::move(out);
}

}  // namespace

std::vector<std::string> affected_rooms(const LifeChange& change) {
  if (change.kind == "new-job") return {"office", "living_kitchen"};
  if (change.kind == "guest-room-office") return {"guest_bedroom", "office"};
  throw std::invalid_argument("unknown life change '" + change.kind + "'");
}

SimResult simulate(const config::HomeConfig& home, const Household& h, int days) {
  if (days <= 0) throw std::runtime_error("days must be positive");
  const auto tz = TimeZone::load(home.timezone.empty() ? "UTC" : home.timezone);
  const auto start_ms = parse_iso8601(h.start_date + "T00:00:00Z");
  if (!start_ms) throw std::runtime_error("household start_date '" + h.start_date + "' is not YYYY-MM-DD");
  const Rng root(h.seed);

  // Calendar.
  std::vector<Day> calendar;
  for (int d = 0; d <= days; ++d) {
    const Millis lm = *start_ms + static_cast<Millis>(d) * 24 * 60 * kMinute;
    const auto lt = local_time(lm);
    const bool holiday = is_romanian_public_holiday(lt.year, lt.month, lt.day);
    calendar.push_back({d, lm, lt.weekday, lt.weekday >= 5 || holiday, format_iso8601(lm).substr(0, 10)});
  }
  SimResult result;
  result.start = tz.from_local(calendar.front().local_midnight);
  result.end = tz.from_local(calendar[static_cast<size_t>(days)].local_midnight);

  // Places the routines use must exist in the home config.
  auto require = [&](const Place& p) {
    const auto* room = home.find_room(p.room);
    if (room == nullptr || !room->has_zone(p.zone))
      throw std::runtime_error("the household needs zone " + p.room + "/" + p.zone + ", which the home config (" +
                               home.source + ") does not have");
  };
  for (const auto& [id, _] : h.people) {
    const auto at = places_for(id);
    for (const auto* p : {&at.bed, &at.bathroom, &at.shower, &at.kitchen, &at.couch, &at.desk}) require(*p);
  }
  const Place guest_bed{"guest_bedroom", "bed"};
  require(guest_bed);
  require(kGuestRoomDesk);
  for (const auto& c : h.changes)
    result.changes.push_back(
        {c.kind, c.day, calendar[static_cast<size_t>(std::min(c.day, days))].date, affected_rooms(c)});

  // Vacations: both away for several days.
  std::set<int> vacation;
  Rng vr = root.fork("vacations");
  const int trips = static_cast<int>(std::lround(h.vacations * days / 180.0));
  for (int k = 0, attempts = 0; k < trips && attempts < 100; ++attempts) {
    const int len = static_cast<int>(std::lround(vr.uniform(h.vacation_days[0], h.vacation_days[1])));
    if (days < len + 10) break;
    const int first = 5 + static_cast<int>(vr.u01() * (days - len - 8));
    bool clash = false;
    for (int d = first - 7; d < first + len + 7; ++d) clash |= vacation.count(d) > 0;
    if (clash) continue;
    for (int d = first; d < first + len; ++d) vacation.insert(d);
    ++k;
  }
  for (int d : vacation) result.vacation_days.push_back(calendar[static_cast<size_t>(d)].date);

  // People.
  std::vector<Millis> front_door_passes;
  int person_index = 0;
  for (const auto& [id, params] : h.people) {
    std::vector<Move> moves{{result.start, places_for(id).bed}};
    const auto at = places_for(id);
    Rng pr = root.fork("person:" + id);
    for (const auto& day : calendar) {
      if (day.index >= days) break;
      RoutineBuilder b(tz, day, moves);
      person_day(h, params, at, person_index, day, vacation.count(day.index) > 0, vacation.count(day.index - 1) > 0,
                 changes_of(h, person_index, day.index), pr.fork(static_cast<std::uint64_t>(day.index)), b);
    }
    add_stays(id, moves, result.end, pr.fork("walk"), h.walk_s, result.stays, front_door_passes);
    ++person_index;
  }

  // Guests: 1-3 nights in the guest bedroom.
  Rng gr = root.fork("guests");
  for (int d = 0; d < days; ++d) {
    if (vacation.count(d) || !gr.chance(h.guest_visit_probability)) continue;
    const int nights = 1 + static_cast<int>(gr.u01() * 3);
    std::vector<Move> moves;
    for (int n = 0; n <= nights && d + n <= days; ++n) {
      RoutineBuilder b(tz, calendar[static_cast<size_t>(d + n)], moves);
      if (n > 0) {  // the morning after
        const double t = b.go(8 * 60 + gr.jitter(30), {"bathroom", "room"});
        b.go(t + gr.uniform(5, 10), {"living_kitchen", "kitchen"});
        b.go(b.now() + gr.uniform(20, 40), {"", ""});
      }
      if (n < nights) {
        b.go(std::max(b.now() + 60, 19 * 60 + gr.jitter(40)), {"living_kitchen", "couch"});
        b.go(23 * 60 + gr.jitter(40), guest_bed);
      }
    }
    add_stays("guest", moves, result.end, gr.fork(static_cast<std::uint64_t>(d)), h.walk_s, result.stays,
              front_door_passes);
    d += nights;
  }

  // True human occupancy per room.
  for (const auto& r : home.rooms) {
    std::vector<Interval> v;
    for (const auto& s : result.stays)
      if (s.room == r.id) v.push_back({s.start, s.end});
    result.occupancy[r.id] = merge(v);
  }

  // The cat: visits rooms no human is in, and only through open doors.
  Rng cr = root.fork("cat");
  std::vector<const config::Room*> cat_rooms;
  for (const auto& r : home.rooms)
    if (std::find(h.sensors.doors_closed_when_empty.begin(), h.sensors.doors_closed_when_empty.end(), r.id) ==
        h.sensors.doors_closed_when_empty.end())
      cat_rooms.push_back(&r);
  auto free_room = [&](const config::Room* r, Millis a, Millis b) {
    return !overlaps(result.occupancy[r->id], a - 2 * kMinute, b + 2 * kMinute);
  };
  auto zone_or_room = [](const config::Room* r) {
    return r->has_zone("room") ? std::string("room") : r->zones.front().id;
  };
  std::vector<std::pair<std::string, std::string>> nap_pairs;  // exclusive zone pairs, room/zone strings
  for (const auto& g : home.cat_filter.exclusive_zones)
    if (g.size() >= 2) nap_pairs.emplace_back(g[0], g[1]);
  std::vector<Stay> cat;
  std::vector<Interval> cat_busy;
  if (!cat_rooms.empty()) {
    for (int d = 0; d < days; ++d) {
      Rng dr = cr.fork(static_cast<std::uint64_t>(d));
      const Millis day0 = calendar[static_cast<size_t>(d)].local_midnight;
      const int night = dr.poisson(h.cat.night_visits), daytime = dr.poisson(h.cat.day_visits);
      for (int k = 0; k < night + daytime; ++k) {
        const double minute = k < night ? 22 * 60 + dr.u01() * 8 * 60 : 6 * 60 + dr.u01() * 16 * 60;
        const Millis t = tz.from_local(day0 + static_cast<Millis>(minute * kMinute));
        const double kind = dr.u01();
        std::vector<Stay> visit;       // one cat is in one place: visits never overlap
        if (kind < h.cat.hop_share) {  // 2-3 rooms, seconds apart
          const int n = 2 + static_cast<int>(dr.u01() * 2);
          Millis at = t;
          std::set<const config::Room*> used;
          std::vector<Stay> hop;
          for (int i = 0; i < n; ++i) {
            const auto* r = dr.pick(cat_rooms);
            if (used.count(r) || !free_room(r, at, at + 10 * kSecond)) continue;
            used.insert(r);
            const Millis dur = static_cast<Millis>(dr.uniform(2, 5) * kSecond);
            hop.push_back({"cat", r->id, zone_or_room(r), at, at + dur});
            if (dr.chance(0.3)) {
              const auto& z = dr.pick(r->zones);
              hop.push_back(
                  {"cat", r->id, z.id, at + kSecond, at + kSecond + static_cast<Millis>(dr.uniform(2, 5) * kSecond)});
            }
            at += dur + static_cast<Millis>(dr.uniform(1, 4) * kSecond);
          }
          if (used.size() >= 2) visit = hop;
        } else if (kind < h.cat.hop_share + h.cat.nap_share) {  // a nap on a bed, desk or the couch
          const Millis nap = static_cast<Millis>(dr.uniform(h.cat.nap_minutes[0], h.cat.nap_minutes[1]) * kMinute);
          std::vector<std::pair<std::string, std::string>> options = nap_pairs;
          if (home.find_room("living_kitchen") && home.find_room("living_kitchen")->has_zone("couch"))
            options.emplace_back("living_kitchen/couch", "");
          if (options.empty()) continue;
          const auto& [a, b] = dr.pick(options);
          const auto room_id = a.substr(0, a.find('/'));
          const auto* r = home.find_room(room_id);
          if (!r || std::find(cat_rooms.begin(), cat_rooms.end(), r) == cat_rooms.end() || !free_room(r, t, t + nap))
            continue;
          visit.push_back({"cat", room_id, zone_or_room(r), t, t + 3 * kSecond});
          if (b.empty()) {
            visit.push_back({"cat", room_id, a.substr(a.find('/') + 1), t + 2 * kSecond, t + nap});
          } else {  // walks across both sides, settles on the second
            const Millis cross = t + static_cast<Millis>(dr.uniform(2, 6) * kSecond);
            visit.push_back({"cat", room_id, a.substr(a.find('/') + 1), t + kSecond, cross});
            visit.push_back({"cat", room_id, b.substr(b.find('/') + 1),
                             cross - static_cast<Millis>(dr.uniform(0, 2) * kSecond), t + nap});
          }
        } else {  // a short visit
          const auto* r = dr.pick(cat_rooms);
          const Millis dur = static_cast<Millis>(dr.uniform(5, 30) * kSecond);
          if (!free_room(r, t, t + dur)) continue;
          visit.push_back({"cat", r->id, zone_or_room(r), t, t + dur});
          if (dr.chance(0.5)) visit.push_back({"cat", r->id, dr.pick(r->zones).id, t + kSecond, t + dur});
        }
        if (visit.empty()) continue;
        Interval span{visit.front().start, visit.front().end};
        for (const auto& v : visit) span = {std::min(span.start, v.start), std::max(span.end, v.end)};
        if (overlaps(merge(cat_busy), span.start - kMinute, span.end + kMinute)) continue;
        cat_busy.push_back(span);
        cat.insert(cat.end(), visit.begin(), visit.end());
      }
    }
  }
  result.stays.insert(result.stays.end(), cat.begin(), cat.end());
  std::sort(result.stays.begin(), result.stays.end(),
            [](const Stay& a, const Stay& b) { return std::tie(a.start, a.who) < std::tie(b.start, b.who); });

  // Sensors, then faults, entity by entity.
  for (const auto& e : home.entities) {
    Rng er = root.fork("entity:" + e.entity_id);
    std::vector<Source> sources, humans;
    for (const auto& s : result.stays) {
      if (s.room != e.room) continue;
      if (s.who != "cat") humans.push_back({s.start, s.end, s.who, s.zone});
      if (e.kind == "presence" && e.zone != "room" && s.zone != e.zone) continue;
      sources.push_back({s.start, s.end, s.who, s.zone});
    }
    std::vector<Raw> raw;
    if (e.kind == "presence") {
      raw = presence_events(sources, h.sensors, er, e.entity_id, result.faults);
    } else if (e.kind == "motion") {
      raw = motion_events(sources, h.sensors, er);
    } else if (e.kind == "door" && e.room + "/" + e.zone == h.sensors.front_door) {
      for (const Millis p : front_door_passes) {
        raw.push_back({p, SensorState::on, Cause::person, "front door"});
        raw.push_back(
            {p + static_cast<Millis>(er.uniform(2, 6) * kSecond), SensorState::off, Cause::person, "front door"});
      }
    } else if (e.kind == "door") {
      const bool closed = std::find(h.sensors.doors_closed_when_empty.begin(), h.sensors.doors_closed_when_empty.end(),
                                    e.room) != h.sensors.doors_closed_when_empty.end();
      door_events(humans, closed, result.start, raw);
    } else {  // light: on while people are in the room
      for (const auto& s : merge([&] {
             std::vector<Interval> v;
             for (const auto& hs : humans) v.push_back({hs.start, hs.end});
             return v;
           }()))
        raw.push_back({s.start, SensorState::on, Cause::person, "light"}),
            raw.push_back({s.end, SensorState::off, Cause::person, "light"});
    }
    // HA's history starts with each entity's state at the start of the period.
    std::vector<Raw> initial{
        {result.start, state_at(changes_only(raw, 0, result.end), result.start), Cause::person, "initial"}};
    raw.insert(raw.begin(), initial.begin(), initial.end());
    auto events = changes_only(std::move(raw), result.start, result.end);
    apply_faults(events, e, h.faults, er.fork("faults"), result.start, result.end, result.faults);
    for (auto& ev : events) result.events.push_back({ev.ts, e.entity_id, ev.state, ev.cause, std::move(ev.detail)});
  }
  std::stable_sort(result.events.begin(), result.events.end(), [](const SimEvent& a, const SimEvent& b) {
    return std::tie(a.ts, a.entity_id) < std::tie(b.ts, b.entity_id);
  });
  std::sort(result.faults.begin(), result.faults.end(), [](const Fault& a, const Fault& b) {
    return std::tie(a.start, a.entity_id) < std::tie(b.start, b.entity_id);
  });
  return result;
}

std::vector<Reading> readings_of(const config::HomeConfig& home, const SimResult& sim) {
  std::vector<Reading> out;
  out.reserve(sim.events.size());
  for (const auto& e : sim.events) {
    const auto* entity = home.find_entity(e.entity_id);
    out.push_back({e.ts, e.entity_id, entity->room, entity->zone, entity->kind, e.state});
  }
  return out;
}

}  // namespace occupancy::simulation
