// The cat filter on a real HA export with nothing but entities.csv and a zone, as a user with
// an export would run it: a cat's impossible hops and motion in a house everyone has left are
// injected into real recordings (../shared/data), and must be rejected while every real reading
// around them keeps its verdict.
#include <catch2/catch.hpp>
#include <fstream>

#include "occupancy/cleaning/clean_report.hpp"
#include "occupancy/history/csv_history.hpp"
#include "occupancy/history/home_from_entities.hpp"
#include "occupancy/history/recorded_home.hpp"

std::filesystem::path shared_data();

using namespace occupancy;

namespace {

struct Export {
  config::HomeConfig home;
  std::vector<Reading> readings;
  std::vector<std::pair<Millis, std::string>> labels;  // (start, activity), in time order
};

Export load(const std::string& name) {
  const auto recorded = history::read_recorded_home(shared_data() / name);
  const auto entities = history::read_entities_csv(recorded.entities);
  Export e{history::home_from_entities(entities, recorded.tz, "entities.csv"),
           history::read_history_csv(recorded.history, entities).readings,
           {}};
  std::ifstream in(shared_data() / name / "activities.csv");
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    const auto comma = line.find(',');
    e.labels.emplace_back(*parse_iso8601(line.substr(0, comma)), line.substr(comma + 1));
  }
  std::sort(e.labels.begin(), e.labels.end());
  return e;
}

Reading reading_of(const config::HomeConfig& home, const std::string& entity, Millis ts, SensorState state) {
  for (const auto& e : home.entities)
    if (e.entity_id == entity) return {ts, e.entity_id, e.room, e.zone, e.kind, state};
  FAIL("no entity " << entity);
  return {};
}

// The longest stretch labelled `activity` (until the next label), as [start, end).
std::pair<Millis, Millis> longest(const Export& e, const std::string& activity) {
  std::pair<Millis, Millis> best{0, 0};
  for (std::size_t i = 0; i + 1 < e.labels.size(); ++i)
    if (e.labels[i].second == activity && e.labels[i + 1].first - e.labels[i].first > best.second - best.first)
      best = {e.labels[i].first, e.labels[i + 1].first};
  REQUIRE(best.second > best.first);
  return best;
}

// The export with `added` in time order (as HA's recorder would have stored them).
std::vector<Reading> with_added(std::vector<Reading> readings, const std::vector<Reading>& added) {
  readings.insert(readings.end(), added.begin(), added.end());
  std::stable_sort(readings.begin(), readings.end(), [](const Reading& a, const Reading& b) { return a.ts < b.ts; });
  return readings;
}

bool injected(const Reading& r, const std::vector<Reading>& added) {
  return std::find(added.begin(), added.end(), r) != added.end();
}

// Cleans with and without `added`; every added reading must be rejected as the cat with a
// detail containing `why`, and the real readings must come out exactly as without them.
void check_rejected_and_rest_kept(const Export& e, const std::vector<Reading>& added, const std::string& why) {
  const auto base = cleaning::clean_history(e.home, e.readings);
  const auto run = cleaning::clean_history(e.home, with_added(e.readings, added));

  std::size_t rejected = 0;
  for (const auto& r : run.rejected)
    if (injected(r.reading, added)) {
      INFO(r.reading.entity_id << " " << format_iso8601(r.reading.ts) << ": " << r.detail);
      CHECK(r.reason == "cat");
      CHECK_THAT(r.detail, Catch::Contains(why));
      ++rejected;
    }
  CHECK(rejected == added.size());
  CHECK(run.clean == base.clean);    // every real reading keeps its verdict
  CHECK(run.states == base.states);  // and no room changes because of the cat
}

}  // namespace

TEST_CASE("with only entities.csv, a cat's night-time hops through several rooms are rejected", "[cleaning][data]") {
  for (const auto& [name, sleep, hops] :
       {std::tuple{"casas-al-smarthome", "Sleep",
                   std::vector<std::string>{"binary_sensor.kitchen_motion", "binary_sensor.living_room_motion",
                                            "binary_sensor.work_area_motion", "binary_sensor.bathroom_motion"}},
        std::tuple{
            "ordonez-house-b", "Sleeping",
            std::vector<std::string>{"binary_sensor.kitchen_door_motion", "binary_sensor.living_room_door_motion",
                                     "binary_sensor.bathroom_basin_motion"}}}) {
    INFO(name);
    const auto e = load(name);
    const auto [from, to] = longest(e, sleep);
    const Millis t = from + (to - from) / 2;  // the middle of the longest night
    std::vector<Reading> cat;
    for (std::size_t i = 0; i < hops.size(); ++i) {  // one room a second, each sensor on for 1.5 s
      const Millis at = t + static_cast<Millis>(i) * 1'000;
      cat.push_back(reading_of(e.home, hops[i], at, SensorState::on));
      cat.push_back(reading_of(e.home, hops[i], at + 1'500, SensorState::off));
    }
    check_rejected_and_rest_kept(e, cat, "rooms that fast");
  }
}

TEST_CASE("with only entities.csv, motion in a house everyone left is rejected and the next arrival kept",
          "[cleaning][data]") {
  const auto e = load("casas-al-smarthome");
  // The longest time out: from a Leave_Home label to the next Enter_Home one.
  std::pair<Millis, Millis> out{0, 0};
  for (std::size_t i = 0; i < e.labels.size(); ++i) {
    if (e.labels[i].second != "Leave_Home") continue;
    for (std::size_t j = i + 1; j < e.labels.size(); ++j)
      if (e.labels[j].second == "Enter_Home") {
        if (e.labels[j].first - e.labels[i].first > out.second - out.first)
          out = {e.labels[i].first, e.labels[j].first};
        break;
      }
  }
  REQUIRE(out.second - out.first > 90 * 60'000);
  const Millis t = out.first + 45 * 60'000;
  const std::vector<Reading> pet{reading_of(e.home, "binary_sensor.kitchen_motion", t, SensorState::on),
                                 reading_of(e.home, "binary_sensor.kitchen_motion", t + 1'200, SensorState::off)};
  check_rejected_and_rest_kept(e, pet, "the house is empty");

  // The arrival that ends the absence: its door and the motion after it are clean.
  const auto run = cleaning::clean_history(e.home, with_added(e.readings, pet));
  const auto arrival = std::count_if(run.clean.begin(), run.clean.end(), [&](const Reading& r) {
    return r.ts >= out.second && r.ts < out.second + 5 * 60'000 && r.kind == "motion" && r.state == SensorState::on;
  });
  CHECK(arrival > 0);
}
