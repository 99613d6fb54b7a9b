#include "occupancy/features/priors.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "occupancy/core/time.hpp"

namespace occupancy::features {
namespace {

template <std::size_t N>
void write_array(rapidjson::Writer<rapidjson::StringBuffer>& w, const char* key, const std::array<double, N>& a) {
  w.Key(key);
  w.StartArray();
  for (double v : a) w.Double(v);
  w.EndArray();
}

template <std::size_t N>
void read_array(const rapidjson::Value& room, const char* key, std::array<double, N>& a) {
  if (!room.IsObject()) throw std::runtime_error("priors: a room's entry is not an object");
  if (!room.HasMember(key) || !room[key].IsArray() || room[key].Size() != N)
    throw std::runtime_error(std::string("priors: '") + key + "' must be an array of " + std::to_string(N) +
                             " numbers");
  for (rapidjson::SizeType i = 0; i < N; ++i) {
    if (!room[key][i].IsNumber()) throw std::runtime_error(std::string("priors: '") + key + "' holds a non-number");
    a[i] = room[key][i].GetDouble();
  }
}

}  // namespace

int week_slot(Millis utc, const TimeZone& tz) {
  const auto lt = local_time(tz.to_local(utc));
  return lt.weekday * 48 + lt.minute_of_day / 30;
}

std::string Priors::to_json() const {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  for (const auto& [room, p] : rooms) {
    w.Key(room.c_str());
    w.StartObject();
    write_array(w, "occupancy", p.occupancy);
    write_array(w, "stay_minutes", p.stay_minutes);
    write_array(w, "remaining_occupied", p.remaining_occupied);
    write_array(w, "remaining_vacant", p.remaining_vacant);
    write_array(w, "p_arrive", p.p_arrive);
    write_array(w, "p_leave", p.p_leave);
    w.EndObject();
  }
  w.EndObject();
  return buf.GetString();
}

Priors Priors::from_json(const std::string& text) {
  rapidjson::Document d;
  d.Parse<rapidjson::kParseFullPrecisionFlag>(text.c_str());  // doubles round-trip exactly
  if (d.HasParseError() || !d.IsObject()) throw std::runtime_error("priors: not a JSON object");
  Priors p;
  for (const auto& m : d.GetObject()) {
    RoomPriors r;
    read_array(m.value, "occupancy", r.occupancy);
    read_array(m.value, "stay_minutes", r.stay_minutes);
    read_array(m.value, "remaining_occupied", r.remaining_occupied);
    read_array(m.value, "remaining_vacant", r.remaining_vacant);
    read_array(m.value, "p_arrive", r.p_arrive);
    read_array(m.value, "p_leave", r.p_leave);
    p.rooms.emplace(m.name.GetString(), r);
  }
  return p;
}

Priors learn_priors(const std::map<std::string, std::vector<RoomState>>& states, Millis start, Millis end,
                    const TimeZone& tz, Excluded excluded, double half_life_days) {
  // A minute's weight in the shares and rates: 2^(-age / half-life), age counted from `end`.
  const auto weight_at = [&](Millis m) {
    return half_life_days > 0 ? std::exp2(-static_cast<double>(end - m) / (half_life_days * 24 * 60 * kMinute)) : 1.0;
  };
  Priors out;
  for (const auto& [room, changes] : states) {
    RoomPriors p;
    std::array<double, kWeekSlots> occupied_min{}, reliable_min{};
    std::array<double, 24> occ_min{}, vac_min{}, arrivals{}, departures{};
    std::array<std::vector<double>, 24> stays;
    std::vector<double> all_stays;
    // Walk minute by minute: the state in force at each minute start.
    std::size_t i = 0;
    bool prev_known = false, prev_occ = false;
    Millis stay_start = -1;
    int stay_hour = 0;
    for (Millis m = start; m < end; m += kMinute) {
      while (i + 1 < changes.size() && changes[i + 1].ts <= m) ++i;
      if (changes.empty() || changes[i].ts > m) continue;
      const auto& s = changes[i];
      const auto lt = local_time(tz.to_local(m));
      const int slot = lt.weekday * 48 + lt.minute_of_day / 30, hour = lt.minute_of_day / 60;
      if (!s.reliable || excluded.contains(m)) {
        prev_known = false;
        stay_start = -1;
        continue;
      }
      const double w = weight_at(m);
      reliable_min[slot] += w;
      occupied_min[slot] += s.occupied ? w : 0;
      (s.occupied ? occ_min : vac_min)[hour] += w;
      if (prev_known && s.occupied != prev_occ) {
        if (s.occupied) {
          arrivals[hour] += w;
          stay_start = m;
          stay_hour = hour;
        } else {
          departures[hour] += w;
          if (stay_start >= 0) {
            const double minutes = static_cast<double>(m - stay_start) / kMinute;
            stays[stay_hour].push_back(minutes);
            all_stays.push_back(minutes);
          }
          stay_start = -1;
        }
      }
      prev_known = true;
      prev_occ = s.occupied;
    }
    const auto median = [](std::vector<double> v) {
      if (v.empty()) return 0.0;
      std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
      return v[v.size() / 2];
    };
    const double overall = all_stays.empty() ? 30.0 : median(all_stays);
    for (int s = 0; s < kWeekSlots; ++s) p.occupancy[s] = reliable_min[s] > 0 ? occupied_min[s] / reliable_min[s] : 0;
    // Time left in the current state, by half hour of the week: from reliable stretches whose
    // end was seen, sampled every 5 minutes.
    std::array<std::vector<double>, kWeekSlots> left_occ, left_vac;
    for (std::size_t a = 0; a < changes.size();) {
      std::size_t b = a + 1;
      while (b < changes.size() && changes[b].occupied == changes[a].occupied &&
             changes[b].reliable == changes[a].reliable)
        ++b;
      const Millis seg_start = std::max(start, changes[a].ts);
      const Millis seg_end = b < changes.size() ? changes[b].ts : end;
      const bool seen = b < changes.size() && changes[b].reliable && seg_end < end;
      if (changes[a].reliable && seen)
        for (Millis m = seg_start; m < std::min(seg_end, end); m += 5 * kMinute)
          if (!excluded.contains(m) && !excluded.contains(seg_end))
            (changes[a].occupied ? left_occ : left_vac)[static_cast<std::size_t>(week_slot(m, tz))].push_back(
                static_cast<double>(seg_end - m) / kMinute);
      a = b;
    }
    for (int s = 0; s < kWeekSlots; ++s) {
      p.remaining_occupied[static_cast<std::size_t>(s)] = median(left_occ[static_cast<std::size_t>(s)]);
      p.remaining_vacant[static_cast<std::size_t>(s)] = median(left_vac[static_cast<std::size_t>(s)]);
    }
    for (int h = 0; h < 24; ++h) {
      p.stay_minutes[h] = stays[h].size() >= 3 ? median(stays[h]) : overall;
      p.p_arrive[h] = vac_min[h] > 0 ? arrivals[h] / vac_min[h] : 0;
      p.p_leave[h] = occ_min[h] > 0 ? departures[h] / occ_min[h] : 1.0 / overall;
    }
    out.rooms.emplace(room, p);
  }
  return out;
}

}  // namespace occupancy::features
