// Statistical sanity of 180 simulated days of the default household.
#include "occupancy/simulation/simulator.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <set>
#include <sstream>

#include "occupancy/core/holidays.hpp"
#include "occupancy/core/timezone.hpp"
#include "occupancy/simulation/history_writer.hpp"
#include "unit_helpers.hpp"

using namespace occupancy;
using namespace occupancy::simulation;

namespace {

const config::HomeConfig& home() { return testing::default_home(); }

const SimResult& sim180() {
  static const auto r = simulate(home(), load_household(default_household_path()), 180);
  return r;
}

bool occupied(const std::vector<Interval>& v, Millis t) {
  for (const auto& i : v)
    if (i.start <= t && t < i.end) return true;
  return false;
}

// Share of sampled minutes occupied, over days selected by `pick`, local minutes [from, to).
template <class Pick>
double share(const std::string& room, int from, int to, Pick pick) {
  const auto tz = TimeZone::load(home().timezone);
  const auto& r = sim180();
  const auto& v = r.occupancy.at(room);
  int yes = 0, all = 0;
  for (Millis day = tz.to_local(r.start); day < tz.to_local(r.end) - 24 * 60 * kMinute; day += 24 * 60 * kMinute) {
    const auto lt = local_time(day);
    if (!pick(lt)) continue;
    for (int m = from; m < to; m += 5) {
      yes += occupied(v, tz.from_local(day + m * kMinute));
      ++all;
    }
  }
  REQUIRE(all > 0);
  return static_cast<double>(yes) / all;
}

bool on_vacation(const LocalTime& lt) {
  char date[11];
  std::snprintf(date, sizeof date, "%04d-%02d-%02d", lt.year, lt.month, lt.day);
  for (const auto& d : sim180().vacation_days)
    if (d == date) return true;
  return false;
}

}  // namespace

TEST_CASE("the same seed gives the same history, another seed another", "[simulation]") {
  auto h = load_household(default_household_path());
  const auto a = simulate(home(), h, 7), b = simulate(home(), h, 7);
  REQUIRE(a.events.size() == b.events.size());
  for (size_t i = 0; i < a.events.size(); ++i) {
    CHECK(a.events[i].ts == b.events[i].ts);
    CHECK(a.events[i].entity_id == b.events[i].entity_id);
  }
  h.seed = 2;
  const auto c = simulate(home(), h, 7);
  CHECK((c.events.size() != a.events.size() || c.events[10].ts != a.events[10].ts));
}

TEST_CASE("the bedroom is occupied for most of 01:00-05:00 on weekdays", "[simulation]") {
  const double s = share("bedroom", 60, 300, [](const LocalTime& lt) { return lt.weekday < 5 && !on_vacation(lt); });
  CHECK(s > 0.9);
}

TEST_CASE("work-from-home days fill the office on weekdays, not at weekends", "[simulation]") {
  const double weekday = share("office", 10 * 60, 16 * 60, [](const LocalTime& lt) {
    return lt.weekday < 5 && !on_vacation(lt) && !is_romanian_public_holiday(lt.year, lt.month, lt.day);
  });
  const double weekend = share("office", 10 * 60, 16 * 60, [](const LocalTime& lt) { return lt.weekday >= 5; });
  CHECK(weekday > 0.6);
  CHECK(weekend < 0.25);
}

TEST_CASE("Romanian public holidays are lived like weekends", "[simulation]") {
  // Nobody gets up at the working-day time (06:40 ± 20 min) on a weekday holiday.
  const double holiday_mornings = share("bathroom", 6 * 60 + 15, 7 * 60 + 30, [](const LocalTime& lt) {
    return lt.weekday < 5 && is_romanian_public_holiday(lt.year, lt.month, lt.day);
  });
  const double workday_mornings = share("bathroom", 6 * 60 + 15, 7 * 60 + 30, [](const LocalTime& lt) {
    return lt.weekday < 5 && !on_vacation(lt) && !is_romanian_public_holiday(lt.year, lt.month, lt.day);
  });
  CHECK(holiday_mornings < 0.05);
  CHECK(workday_mornings > 0.1);
}

TEST_CASE("guests sleep in the guest bedroom on fewer than 10% of nights, but some", "[simulation]") {
  const double nights = share("guest_bedroom", 3 * 60, 3 * 60 + 1, [](const LocalTime&) { return true; });
  CHECK(nights < 0.10);
  CHECK(nights > 0.01);
}

TEST_CASE("vacations empty the whole home for several days", "[simulation]") {
  const auto& r = sim180();
  CHECK(r.vacation_days.size() >= 10);
  const double home_at_noon = share("living_kitchen", 0, 24 * 60, [](const LocalTime& lt) { return on_vacation(lt); });
  CHECK(home_at_noon < 0.2);  // only the departure morning
}

TEST_CASE("the cat causes a measurable share of events, nearly none inside sustained human presence", "[simulation]") {
  const auto& r = sim180();
  std::map<std::string, const config::Entity*> entity;
  for (const auto& e : home().entities) entity[e.entity_id] = &e;
  size_t cat = 0, inside = 0;
  for (const auto& e : r.events) {
    if (e.cause != Cause::cat) continue;
    ++cat;
    const auto& occ = r.occupancy.at(entity[e.entity_id]->room);
    // Sustained: a human was in the room two minutes before and two minutes after.
    if (occupied(occ, e.ts - 2 * kMinute) && occupied(occ, e.ts + 2 * kMinute)) ++inside;
  }
  INFO("cat events " << cat << " of " << r.events.size() << ", inside human presence " << inside);
  CHECK(static_cast<double>(cat) / static_cast<double>(r.events.size()) > 0.03);
  CHECK(static_cast<double>(inside) / static_cast<double>(cat) < 0.01);
  // Cat naps trigger both sides of the bed within seconds.
  bool both_beds = false;
  for (size_t i = 0; i + 1 < r.events.size() && !both_beds; ++i) {
    const auto& a = r.events[i];
    if (a.cause != Cause::cat || a.state != SensorState::on || a.entity_id.find("bed_anca") == std::string::npos)
      continue;
    for (size_t k = i + 1; k < r.events.size() && r.events[k].ts < a.ts + 10000; ++k)
      both_beds |= r.events[k].entity_id.find("bed_vladimir") != std::string::npos && r.events[k].cause == Cause::cat;
  }
  CHECK(both_beds);
}

TEST_CASE("every kind of sensor fault appears in the truth and in the events", "[simulation]") {
  const auto& r = sim180();
  std::map<std::string, int> kinds;
  for (const auto& f : r.faults) ++kinds[f.kind];
  for (const char* k : {"unavailable", "stuck_on", "dropped", "duplicate", "flicker"}) {
    INFO(k);
    CHECK(kinds[k] > 0);
  }
  int unavailable_rows = 0;
  for (const auto& e : r.events) unavailable_rows += e.state == SensorState::unavailable;
  CHECK(unavailable_rows == kinds["unavailable"]);
  for (const auto& f : r.faults)
    if (f.kind == "unavailable") CHECK(f.end > f.start);
}

TEST_CASE("the history CSV is HA's format: grouped by entity, time-ordered within, UTC", "[simulation]") {
  SimResult small = simulate(home(), load_household(default_household_path()), 3);
  const auto path = std::filesystem::temp_directory_path() / "occupancy-sim-test.csv";
  write_history_csv(path, small);
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  CHECK(line == "entity_id,state,last_changed");
  std::set<std::string> finished;
  std::string current, last_ts;
  size_t rows = 0;
  while (std::getline(in, line)) {
    ++rows;
    std::stringstream ss(line);
    std::string entity, state, ts;
    std::getline(ss, entity, ',');
    std::getline(ss, state, ',');
    std::getline(ss, ts, ',');
    CHECK((state == "on" || state == "off" || state == "unavailable"));
    REQUIRE(parse_iso8601(ts));
    CHECK(ts.back() == 'Z');
    if (entity != current) {
      CHECK(finished.count(entity) == 0);  // each entity's rows are contiguous
      finished.insert(current);
      current = entity;
    } else {
      CHECK(ts >= last_ts);
    }
    last_ts = ts;
  }
  CHECK(rows == small.events.size());
  std::filesystem::remove(path);
}

TEST_CASE("a household that needs a zone the home lacks is refused by name", "[simulation]") {
  auto h = load_household(default_household_path());
  h.people["bob"] = h.people.begin()->second;
  CHECK_THROWS_WITH(simulate(home(), h, 1), Catch::Contains("bedroom/bed_bob"));
}

namespace {

// Share of weekday minutes (every 5) in local [from, to) that `room` is occupied, over days
// [first, last) of `r`, vacations and holidays left out.
double weekday_share(const SimResult& r, const std::string& room, int first, int last, int from, int to) {
  const auto tz = TimeZone::load(home().timezone);
  const Millis day0 = tz.to_local(r.start);
  int yes = 0, all = 0;
  for (int d = first; d < last; ++d) {
    const Millis day = day0 + d * 24 * 60 * kMinute;
    const auto lt = local_time(day);
    char date[11];
    std::snprintf(date, sizeof date, "%04d-%02d-%02d", lt.year, lt.month, lt.day);
    if (lt.weekday >= 5 || is_romanian_public_holiday(lt.year, lt.month, lt.day) ||
        std::find(r.vacation_days.begin(), r.vacation_days.end(), date) != r.vacation_days.end())
      continue;
    for (int m = from; m < to; m += 5) {
      yes += occupied(r.occupancy.at(room), tz.from_local(day + m * kMinute));
      ++all;
    }
  }
  REQUIRE(all > 0);
  return static_cast<double>(yes) / all;
}

}  // namespace

TEST_CASE("life changes: the same days before, the changed routine from the chosen day on", "[simulation]") {
  auto h = load_household(default_household_path());
  const auto before = simulate(home(), h, 70);
  h.changes.push_back(parse_life_change("new-job@35"));
  const auto job = simulate(home(), h, 70);
  h.changes = {parse_life_change("guest-room-office@35")};
  const auto guest = simulate(home(), h, 70);

  for (const auto* changed : {&job, &guest}) {  // identical lives up to the change
    std::vector<Stay> a, b;
    const Millis cut = before.start + 34 * 24 * 60 * kMinute;
    for (const auto& s : before.stays)
      if (s.end < cut && s.who != "cat") a.push_back(s);
    for (const auto& s : changed->stays)
      if (s.end < cut && s.who != "cat") b.push_back(s);
    REQUIRE(a.size() == b.size());
    for (std::size_t i = 0; i < a.size(); ++i) CHECK((a[i].start == b[i].start && a[i].room == b[i].room));
  }
  REQUIRE(job.changes.size() == 1);
  CHECK(job.changes[0].date == "2026-02-09");
  CHECK(job.changes[0].rooms == std::vector<std::string>{"office", "living_kitchen"});
  // new-job: the office empties on weekday mornings and fills in the afternoons and evenings.
  CHECK(weekday_share(job, "office", 0, 35, 8 * 60, 12 * 60) > 0.75);
  CHECK(weekday_share(job, "office", 35, 70, 8 * 60, 12 * 60) < 0.55);
  CHECK(weekday_share(job, "office", 0, 35, 20 * 60, 22 * 60) < 0.05);
  CHECK(weekday_share(job, "office", 35, 70, 20 * 60, 22 * 60) > 0.7);
  CHECK(weekday_share(job, "office", 35, 70, 14 * 60, 18 * 60) > 0.85);
  // guest-room-office: the guest bedroom, empty on weekdays, becomes a daily office.
  CHECK(weekday_share(guest, "guest_bedroom", 0, 35, 10 * 60, 16 * 60) < 0.05);
  CHECK(weekday_share(guest, "guest_bedroom", 35, 70, 10 * 60, 16 * 60) > 0.75);
}

TEST_CASE("a life change is KIND@DAY, and anything else is refused by name", "[simulation]") {
  const auto c = parse_life_change("guest-room-office@7");
  CHECK(c.kind == "guest-room-office");
  CHECK(c.day == 7);
  CHECK_THROWS_WITH(parse_life_change("new-job"), Catch::Contains("expected KIND@DAY"));
  CHECK_THROWS_WITH(parse_life_change("baby@3"), Catch::Contains("unknown kind 'baby'") && Catch::Contains("new-job"));
  CHECK_THROWS_WITH(parse_life_change("new-job@x"), Catch::Contains("day 'x'"));
  CHECK_THROWS_WITH(parse_life_change("new-job@-2"), Catch::Contains("day '-2'"));
  CHECK_THROWS_WITH(parse_life_change("new-job@6o"), Catch::Contains("day '6o'"));
  CHECK_THROWS_WITH(parse_household("changes: [\"new-job@x\"]\npeople: {a: {}}\n", "h.yaml"),
                    Catch::Contains("h.yaml: key 'changes'"));
}
