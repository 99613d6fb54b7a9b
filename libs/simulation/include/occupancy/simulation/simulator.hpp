#pragma once
// A deterministic, seeded household simulator with ground truth: two adults' routines, guests,
// vacations, a cat, mmWave presence / PIR motion / door sensors, and sensor faults. The same
// home config, household and seed always give the same events, byte for byte.
#include <map>
#include <string>
#include <vector>

#include "occupancy/config/home_config.hpp"
#include "occupancy/core/types.hpp"
#include "occupancy/simulation/household.hpp"

namespace occupancy::simulation {

enum class Cause { person, cat, fault };
const char* to_string(Cause c);

/// One state change as Home Assistant records it, with what caused it.
struct SimEvent {
  Millis ts = 0;
  std::string entity_id;
  SensorState state = SensorState::off;
  Cause cause = Cause::person;
  std::string detail;  // fault kind, or who (person id, guest, cat)
};

struct Interval {
  Millis start = 0, end = 0;
};

/// Somebody (a person id, "guest" or "cat") in a room and zone.
struct Stay {
  std::string who, room, zone;
  Millis start = 0, end = 0;
};

struct Fault {
  std::string entity_id;
  std::string kind;  // unavailable, stuck_on, dropped, duplicate, flicker
  Millis start = 0, end = 0;
};

/// A life change as lived: from `date` (local) on; the rooms whose use it changes.
struct ChangeTruth {
  std::string kind;
  int day = 0;
  std::string date;
  std::vector<std::string> rooms;
};

/// The rooms whose use a life change changes (its ground truth, docs/simulator.md).
std::vector<std::string> affected_rooms(const LifeChange& change);

struct SimResult {
  Millis start = 0, end = 0;
  std::vector<SimEvent> events;                            // ordered by time, then entity
  std::map<std::string, std::vector<Interval>> occupancy;  // room -> true human occupancy
  std::vector<Stay> stays;                                 // humans and the cat
  std::vector<Fault> faults;
  std::vector<std::string> vacation_days;  // local dates, for the record
  std::vector<ChangeTruth> changes;
};

/// Simulates `days` days from the household's start date (local midnight in the home's zone).
/// Throws std::runtime_error if the household needs a room or zone the home config lacks.
SimResult simulate(const config::HomeConfig& home, const Household& household, int days);

/// The events as readings of the home's entities (room, zone, kind from the config), in order.
std::vector<Reading> readings_of(const config::HomeConfig& home, const SimResult& sim);

}  // namespace occupancy::simulation
