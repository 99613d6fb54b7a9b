#pragma once
// The values that flow between the services, as plain C++ (their JSON form is in
// libs/contract/messages.hpp, taken from the contract's schemas).
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "occupancy/core/time.hpp"

namespace occupancy {

enum class SensorState { on, off, unavailable };

const char* to_string(SensorState s);
std::optional<SensorState> sensor_state_from(std::string_view s);

struct Reading {
  Millis ts = 0;
  std::string entity_id, room, zone, kind;
  SensorState state = SensorState::off;
  std::string trace_id{};  // set by the ingestor (trace_id.hpp); empty in offline histories
  bool operator==(const Reading&) const = default;
};

/// A reading the cleaner did not accept. reason: cat | duplicate | out_of_order | impossible.
struct Rejection {
  Reading reading;
  std::string reason;
  std::string detail;  // why, in words an operator can act on
  bool operator==(const Rejection&) const = default;
};

/// A stretch of time in which a sensor's readings cannot be trusted.
/// cause: unavailable | silent | contradicted. No end while the gap is still open.
struct Gap {
  std::string entity_id, room, zone;
  Millis start = 0;
  std::optional<Millis> end;
  std::string cause;
  bool operator==(const Gap&) const = default;
};

struct RoomState {
  Millis ts = 0;
  std::string room;
  bool occupied = false;
  std::vector<std::string> active_zones;  // sorted
  Millis since = 0;
  bool reliable = true;
  std::string trace_id{};  // the change that moved the room here: a reading's, or the cleaner's rule's
  bool operator==(const RoomState&) const = default;
};

struct FeatureVector {
  Millis ts = 0;
  std::string room;
  std::string feature_set;
  std::vector<std::pair<std::string, double>> values;  // in the feature set's order
  std::string trace_id{};                              // the room's last state change (RoomState::trace_id)
};

struct Prediction {
  Millis ts = 0;
  std::string room;
  bool occupied_now = false;
  bool reliable = true;
  std::map<int, double> occupancy;      // horizon (min) -> P(occupied at that moment)
  std::map<int, double> vacant_within;  // occupied rooms: horizon (min) -> P(vacant within)
  std::optional<double> minutes_to_vacancy;
  std::optional<double> minutes_to_next_occupancy;
  std::string model_version;
  std::optional<std::string> fallback;
  bool drift = false;      // the version did worse than the baseline here lately: the baseline serves
  std::string trace_id{};  // the room state change this forecast follows
  // How the room's forecasts did on live data: horizon -> over its last matured predictions
  // (accuracy at 0.5, Brier, how many); empty until one matured.
  std::map<int, double> live_accuracy{}, live_brier{}, live_matured{};
};

/// One file of a trained model version, as the registry stores it and the model loads it.
struct ModelFile {
  std::string room, target, format;  // e.g. office, occupied_15, ubj; room empty for manifest, priors
  std::string data;                  // bytes
};

/// What became of a prediction once its horizon passed: was the room occupied then?
struct PredictionOutcome {
  std::string room;
  Millis made_at = 0;  // the prediction's ts
  int horizon_min = 0;
  bool occupied = false;
};

/// One minute, room and horizon that two versions forecast (the active one and a candidate in
/// shadow), with the outcome it met: what shadow evaluation scores.
struct MaturedPair {
  std::string room;
  int horizon_min = 0;
  Millis made_at = 0;
  double active = 0, candidate = 0;
  bool outcome = false;
};

/// What Home Assistant shows: percentages 0-100 and minutes. Maps are keyed by minutes: the
/// room's horizons, the home's vacant_within_min.
struct HaState {
  Millis ts = 0;
  bool occupied_now = false;
  std::map<int, double> occupancy_pct;      // horizon -> P(occupied then), %
  std::map<int, double> vacant_within_pct;  // k -> P(vacant within k min), %: 100 when vacant now
  std::optional<double> minutes_to_vacancy;
  std::optional<double> minutes_to_next_occupancy;
  std::string model_version;
  std::optional<std::string> fallback;
  bool drift = false;
  std::string trace_id{};
  bool reliable = true;                         // no sensor of the room in a gap when forecast
  std::vector<std::string> problem_entities{};  // the room's sensors in a gap now (sorted)
  std::map<int, double> threshold_pct{};        // horizon -> the room's Expected occupied threshold, % (set in HA)
  std::map<int, double> live_accuracy_pct{}, live_brier{}, live_matured{};  // Prediction's live scores
};

/// A room's settings, as HA's number entities set them (a change may give only some horizons).
struct RoomSettings {
  std::map<int, double> threshold_pct;  // horizon -> Expected occupied turns on at this P(occupied), %
  bool operator==(const RoomSettings&) const = default;
};

}  // namespace occupancy
