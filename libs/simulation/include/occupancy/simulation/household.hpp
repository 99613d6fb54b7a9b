#pragma once
// Parameters of the simulated household (config/household.yaml). Loading is strict: an
// unknown key or a wrong value is an error naming the key.
#include <array>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace occupancy::simulation {

struct PersonParams {
  int wake = 400, weekend_wake = 510, bedtime = 1360, weekend_bedtime = 1430;  // local minutes
  std::vector<int> wfh_weekdays;                                               // 0 = Monday
  int leave = 490, back = 1060;
  double shower_probability = 0.8;
};

struct CatParams {
  double night_visits = 8, day_visits = 3, hop_share = 0.4, nap_share = 0.3;
  std::array<double, 2> nap_minutes{5, 40};
};

struct SensorParams {
  std::array<double, 2> presence_on_latency_s{1, 3}, presence_off_latency_s{10, 30};
  double flicker_per_hour = 0.02;
  std::array<double, 2> motion_pulse_s{1, 3};
  double motion_cooldown_s = 30;
  std::vector<std::string> doors_closed_when_empty;
  std::string front_door = "living_kitchen/entrance";  // room/zone of the door humans use to come and go
};

struct FaultParams {
  double unavailable_per_entity_per_30_days = 1.0;
  std::array<double, 2> unavailable_minutes{3, 180};
  double stuck_on_per_entity_per_60_days = 0.5;
  std::array<double, 2> stuck_on_minutes{60, 240};
  double drop_probability = 0.001, duplicate_probability = 0.002;
};

/// A change of routine from a chosen day on (docs/simulator.md, "Life changes"):
/// - new-job: the first person (by id) leaves every weekday morning and works at their office
///   desk in the afternoon and again in the evening, instead of mornings on work-from-home days;
/// - guest-room-office: the second person (the first if alone) works from home every weekday,
///   in the guest bedroom instead of the office.
struct LifeChange {
  std::string kind;
  int day = 0;  // the first simulated day (0 = start_date) lived the new way
};

/// "new-job@60" -> {new-job, 60}. Throws std::invalid_argument naming what is wrong.
LifeChange parse_life_change(const std::string& text);
const std::vector<std::string>& life_change_kinds();

struct Household {
  std::uint64_t seed = 1;
  std::string start_date = "2026-01-05";
  double jitter_min = 20;
  std::map<std::string, PersonParams> people;  // ordered by id: deterministic
  double night_bathroom_probability = 0.3, late_night_probability = 0.06, sick_day_probability = 0.015;
  double weekend_outing_probability = 0.5, evening_out_probability = 0.15;
  int vacations = 2;
  std::array<double, 2> vacation_days{5, 10};
  double guest_visit_probability = 0.03;
  std::array<double, 2> walk_s{5, 12};  // seconds to walk between rooms (moves are not teleports)
  CatParams cat;
  SensorParams sensors;
  FaultParams faults;
  std::vector<LifeChange> changes;  // YAML key `changes: ["new-job@60"]`, or --change
};

/// Parses household YAML, after applying `overrides` ("cat.night_visits=0", ...).
/// Throws std::runtime_error naming `source` and the key on any problem.
Household parse_household(const std::string& yaml_text, const std::string& source,
                          const std::vector<std::string>& overrides = {});
Household load_household(const std::filesystem::path& path, const std::vector<std::string>& overrides = {});

/// The project's config/household.yaml.
std::filesystem::path default_household_path();

}  // namespace occupancy::simulation
