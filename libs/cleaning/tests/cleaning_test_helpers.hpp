#pragma once
// Hand-made reading sequences for the cleaner's tests: times in seconds from a fixed night.
#include <algorithm>
#include <string>
#include <vector>

#include "occupancy/cleaning/clean_report.hpp"
#include "occupancy/config/home_config.hpp"
#include "unit_helpers.hpp"

namespace occupancy::testing {

inline const Millis kT0 = *parse_iso8601("2026-01-06T00:00:00Z");  // 02:00 in Bucharest: night

/// A reading of a configured entity at kT0 + seconds.
inline Reading at(double seconds, const std::string& entity, SensorState state,
                  const config::HomeConfig& home = default_home()) {
  const auto* e = home.find_entity(entity);
  REQUIRE(e != nullptr);
  return {kT0 + static_cast<Millis>(seconds * 1000), e->entity_id, e->room, e->zone, e->kind, state};
}

inline Reading on(double s, const std::string& e, const config::HomeConfig& h = default_home()) {
  return at(s, e, SensorState::on, h);
}
inline Reading off(double s, const std::string& e, const config::HomeConfig& h = default_home()) {
  return at(s, e, SensorState::off, h);
}

/// "clean", a rejection reason, or "missing" for the reading at kT0 + seconds.
inline std::string verdict(const cleaning::CleanRun& run, const std::string& entity, double seconds) {
  const Millis ts = kT0 + static_cast<Millis>(seconds * 1000);
  std::string found = "missing";
  for (const auto& r : run.clean)
    if (r.entity_id == entity && r.ts == ts) found = "clean";
  for (const auto& r : run.rejected)
    if (r.reading.entity_id == entity && r.reading.ts == ts) found = r.reason;
  return found;
}

inline std::string detail(const cleaning::CleanRun& run, const std::string& entity, double seconds) {
  const Millis ts = kT0 + static_cast<Millis>(seconds * 1000);
  for (const auto& r : run.rejected)
    if (r.reading.entity_id == entity && r.reading.ts == ts) return r.detail;
  return {};
}

// Entities of the shipped home, by role.
inline const std::string kBedAnca = "binary_sensor.bedroom_bed_anca_presence";
inline const std::string kBedVlad = "binary_sensor.bedroom_bed_vladimir_presence";
inline const std::string kBedroomMotion = "binary_sensor.bedroom_motion";
inline const std::string kBathPresence = "binary_sensor.bathroom_presence";
inline const std::string kBathMotion = "binary_sensor.bathroom_motion";
inline const std::string kBathDoor = "binary_sensor.bathroom_door";
inline const std::string kShower = "binary_sensor.small_bathroom_shower_presence";
inline const std::string kDeskAnca = "binary_sensor.office_desk_anca_presence";
inline const std::string kDeskVlad = "binary_sensor.office_desk_vladimir_presence";
inline const std::string kOfficeMotion = "binary_sensor.office_motion";
inline const std::string kCouch = "binary_sensor.living_kitchen_couch_presence";
inline const std::string kKitchen = "binary_sensor.living_kitchen_kitchen_presence";
inline const std::string kLivingMotion = "binary_sensor.living_kitchen_motion";
inline const std::string kFrontDoor = "binary_sensor.front_door";

/// HA's initial state of every entity at t=0: `on` for those listed, off for the rest.
inline std::vector<Reading> initial_states(const std::vector<std::string>& on_now) {
  std::vector<Reading> out;
  for (const auto& e : default_home().entities)
    out.push_back(
        at(0, e.entity_id,
           std::find(on_now.begin(), on_now.end(), e.entity_id) != on_now.end() ? SensorState::on : SensorState::off));
  return out;
}

/// Anca asleep since t=0 (warms up the path rule), Vladimir in the bathroom from t=0: HA's
/// initial states, which are never the cat's.
inline std::vector<Reading> quiet_night() { return initial_states({kBedAnca, kBathPresence}); }

/// Vladimir leaves the bathroom at `t`: motion on his way out, presence off later.
inline std::vector<Reading> leaves_bathroom(double t) {
  return {on(t, kBathMotion), off(t + 2, kBathMotion), off(t + 20, kBathPresence)};
}

/// The offline core over readings sorted by time (as a history export would give them).
inline cleaning::CleanRun clean(std::vector<Reading> readings, const config::HomeConfig& home = default_home()) {
  std::stable_sort(readings.begin(), readings.end(), [](const Reading& a, const Reading& b) { return a.ts < b.ts; });
  return cleaning::clean_history(home, readings);
}

inline std::vector<Reading> operator+(std::vector<Reading> a, const std::vector<Reading>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace occupancy::testing
