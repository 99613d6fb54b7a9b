#include "occupancy/features/feature_set.hpp"

#include <catch2/catch.hpp>
#include <cmath>

#include "occupancy/cleaning/clean_report.hpp"
#include "occupancy/features/extract.hpp"
#include "occupancy/simulation/household.hpp"
#include "occupancy/simulation/simulator.hpp"
#include "unit_helpers.hpp"

using namespace occupancy;
using namespace occupancy::testing;

namespace {

struct Week {
  cleaning::CleanRun run;
  Millis start, end;
};

const Week& simulated_week() {
  static const Week w = [] {
    const auto sim =
        simulation::simulate(default_home(), simulation::load_household(simulation::default_household_path()), 7);
    return Week{cleaning::clean_history(default_home(), simulation::readings_of(default_home(), sim)), sim.start,
                sim.end};
  }();
  return w;
}

std::vector<Millis> every(Millis from, Millis to, Millis step) {
  std::vector<Millis> v;
  for (Millis t = from; t < to; t += step) v.push_back(t);
  return v;
}

bool same(double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; }

}  // namespace

TEST_CASE("features at t do not change when the future changes (no leakage)", "[features]") {
  const auto& w = simulated_week();
  const features::FeatureSet set(default_home().horizons_min);
  std::map<std::string, std::vector<RoomState>> by_room;
  for (const auto& s : w.run.states) by_room[s.room].push_back(s);
  const auto priors = features::learn_priors(by_room, w.start, w.start + 4 * 24 * 60 * kMinute,
                                             TimeZone::load(default_home().timezone));
  const Millis cut = w.start + 5 * 24 * 60 * kMinute + 13 * 60 * kMinute;

  // Another future: after the cut every room state is flipped and every reading dropped.
  auto states = w.run.states;
  for (auto& s : states)
    if (s.ts > cut) s.occupied = !s.occupied;
  std::vector<Reading> clean;
  for (const auto& r : w.run.clean)
    if (r.ts <= cut) clean.push_back(r);

  const auto times = every(w.start + 60 * kMinute, w.end, 7 * kMinute);
  const auto a = features::extract_features(set, default_home(), priors, w.run.states, w.run.clean, times);
  const auto b = features::extract_features(set, default_home(), priors, states, clean, times);
  REQUIRE(a.rows() == b.rows());
  std::size_t compared = 0, differ_after = 0;
  for (std::size_t i = 0; i < a.rows(); ++i)
    for (std::size_t k = 0; k < a.width; ++k) {
      if (a.times[i] <= cut) {
        INFO(a.rooms[i] << " " << format_iso8601(a.times[i]) << " " << set.names()[k]);
        REQUIRE(same(a.row(i)[k], b.row(i)[k]));
        ++compared;
      } else {
        differ_after += !same(a.row(i)[k], b.row(i)[k]);
      }
    }
  CHECK(compared > 100'000);
  CHECK(differ_after > 1000);  // the check can fail: the futures do differ
}

TEST_CASE("features say what the timeline saw", "[features]") {
  const auto& home = default_home();
  features::HouseTimeline timeline(home);
  const features::FeatureSet set(home.horizons_min);
  const Millis t0 = *parse_iso8601("2026-01-13T08:00:00Z");  // Tuesday 10:00 in Bucharest
  timeline.on_state({t0, "office", false, {}, t0, true});
  timeline.on_state({t0 + 10 * kMinute, "office", true, {"desk_anca"}, t0 + 10 * kMinute, true});
  timeline.on_state({t0, "bathroom", false, {}, t0, false});
  timeline.advance(t0 + 40 * kMinute);
  const auto fv = set.vector(timeline, {}, "office", t0 + 40 * kMinute);
  const auto value = [&](const std::string& name) { return fv.values[set.index(name)].second; };
  CHECK(fv.feature_set == std::string("v1"));
  CHECK(value("occupied_now") == 1.0);
  CHECK(value("minutes_in_state") == Approx(30));
  CHECK(value("occ_share_60") == Approx(0.5));
  CHECK(value("occ_share_15") == Approx(1.0));
  CHECK(value("active_zones") == 1.0);
  CHECK(value("is_work_hours") == 1.0);
  CHECK(value("is_free_day") == 0.0);
  CHECK(value("minute_of_day") == 10 * 60 + 40);
  CHECK(value("rooms_unreliable") == 1.0);
  CHECK(value("last_transition_into_room") == 1.0);
  CHECK(std::isnan(value("prior_occ_15")));  // no priors: missing, not zero
  CHECK_THROWS_AS(set.index("no_such_feature"), std::out_of_range);
}

TEST_CASE("priors learn the week's rhythm and survive JSON", "[features]") {
  const auto& w = simulated_week();
  std::map<std::string, std::vector<RoomState>> by_room;
  for (const auto& s : w.run.states) by_room[s.room].push_back(s);
  const auto tz = TimeZone::load(default_home().timezone);
  const auto priors = features::learn_priors(by_room, w.start, w.end, tz);
  const auto& bedroom = priors.rooms.at("bedroom");
  // 03:00 on a Wednesday the bedroom is occupied; 14:00 it mostly is not.
  CHECK(bedroom.occupancy[2 * 48 + 6] > 0.9);
  CHECK(bedroom.occupancy[2 * 48 + 28] < 0.5);
  const auto back = features::Priors::from_json(priors.to_json());
  CHECK(back.rooms.at("bedroom").occupancy == bedroom.occupancy);
  CHECK(back.rooms.at("office").p_leave == priors.rooms.at("office").p_leave);
  CHECK_THROWS(features::Priors::from_json(R"({"bedroom":{"occupancy":[1,2]}})"));
}

TEST_CASE("priors with a half-life let recent weeks outweigh older ones", "[features]") {
  // Office occupied on Monday 09:00-10:00 in the last of four weeks only (a new routine).
  const auto tz = TimeZone::load(default_home().timezone);
  const Millis monday = tz.from_local(*parse_iso8601("2026-01-05T00:00:00Z"));
  const Millis week = 7 * 24 * 60 * kMinute;
  std::map<std::string, std::vector<RoomState>> by_room;
  auto& office = by_room["office"];
  const auto state = [](Millis ts, bool occupied) { return RoomState{ts, "office", occupied, {}, ts, true}; };
  office.push_back(state(monday, false));
  office.push_back(state(monday + 3 * week + 9 * 60 * kMinute, true));
  office.push_back(state(monday + 3 * week + 10 * 60 * kMinute, false));
  const Millis end = monday + 4 * week;
  const int slot = 18;  // Monday 09:00-09:30
  const auto plain = features::learn_priors(by_room, monday, end, tz);
  const auto recent = features::learn_priors(by_room, monday, end, tz, {}, 7);
  CHECK(plain.rooms.at("office").occupancy[slot] == Approx(0.25));
  // Weights 2^-3.x, 2^-2.x, 2^-1.x, 2^-0.x: the last week holds more than half of them.
  CHECK(recent.rooms.at("office").occupancy[slot] > 0.5);
  CHECK(recent.rooms.at("office").occupancy[slot] < 0.6);
  CHECK(recent.rooms.at("office").p_arrive[9] > plain.rooms.at("office").p_arrive[9]);
}
