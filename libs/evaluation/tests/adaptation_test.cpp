// The live loop replayed offline: daily versions, the shadow's verdicts, and scores that see a
// changed routine.
#include "occupancy/evaluation/adaptation.hpp"

#include <catch2/catch.hpp>

#include "occupancy/simulation/household.hpp"
#include "occupancy/simulation/simulator.hpp"
#include "unit_helpers.hpp"

using namespace occupancy;

TEST_CASE("adaptation replay: three policies on a guest room that becomes an office", "[evaluation]") {
  const auto& home = testing::default_home();
  auto household = simulation::load_household(simulation::default_household_path());
  household.changes.push_back(simulation::parse_life_change("guest-room-office@14"));  // a Monday
  const int days = 20;
  const auto sim = simulation::simulate(home, household, days);
  REQUIRE(sim.changes.size() == 1);
  const auto run = cleaning::clean_history(home, simulation::readings_of(home, sim));

  evaluation::AdaptationOptions o;
  o.start = sim.start;
  o.first_day = 10;
  o.days = days;
  o.every_min = 15;
  o.gate_fold_days = 3;
  o.rooms = sim.changes.front().rooms;
  o.train.train.xgb.max_rounds = 40;  // small boosters: this checks the loop, not the model's quality
  o.train.train_every = o.train.valid_every = 10 * kMinute;
  std::vector<std::string> lines;
  o.progress = [&lines](const std::string& line) { lines.push_back(line); };
  const auto r = evaluation::evaluate_adaptation(home, run, o);

  REQUIRE(r.dates.size() == 10);
  CHECK(lines.size() == 10);
  CHECK(r.trainings == 10);  // the first version, then one each day
  for (std::size_t i = 0; i < r.dates.size(); ++i) {
    INFO(r.dates[i]);
    const auto version = "day0" + std::to_string(10 + i);
    CHECK(r.days.at("never")[i].serving == "day010");
    CHECK(r.days.at("immediate")[i].serving == version);
    CHECK(r.days.at("immediate")[i].all.at(120).n > 0);
  }
  // The shadow policy: yesterday's candidate is never cut short; every one gets a verdict.
  std::string shadow_log;
  for (const auto& d : r.days.at("shadow")) shadow_log += d.events + "\n";
  INFO(shadow_log);
  CHECK_THAT(r.days.at("shadow")[1].events, Catch::Contains("day011 in shadow") || Catch::Contains("refused"));
  CHECK_THAT(shadow_log, !Catch::Contains("superseded"));
  CHECK_THAT(shadow_log, Catch::Contains("promoted") || Catch::Contains("retired"));
  for (std::size_t i = 1; i < r.dates.size(); ++i)
    if (r.days.at("shadow")[i].events.find("promoted") != std::string::npos)
      CHECK(r.days.at("shadow")[i].serving != r.days.at("shadow")[i - 1].serving);

  // The change is real for a model that never learns again, and retraining learns it.
  const int change = 14 - o.first_day;
  const double before = r.mean("never", 120, true, 0, change), after = r.mean("never", 120, true, change + 2, 10);
  CHECK(after > 1.5 * before);
  CHECK(r.mean("immediate", 120, true, change + 2, 10) < after);
  const auto rec = evaluation::recovery(r, "never", 120, 14);
  CHECK(rec.weeks.size() == 1);
  CHECK(rec.weeks.front() == Approx(r.mean("never", 120, true, change, 10)));

  const auto html = evaluation::adaptation_html(r, "guest room", 14);
  CHECK_THAT(html, Catch::Contains("<svg") && Catch::Contains("<polyline") && Catch::Contains("change"));
  CHECK(html.find("src=") == std::string::npos);  // self-contained: nothing to fetch
  CHECK(html.find("href=") == std::string::npos);
}
