#pragma once
// A simulated Home Assistant: its WebSocket API (auth, subscribe_events state_changed,
// subscribe_entities, get_states, get_config, the area/device/entity registries, ping) and REST API (/api/,
// /api/states, /api/history/period) over simulated events, following HA's documented message shapes. Pure: the
// transport (Beast) is wired in `occupancy sim serve`.
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "occupancy/config/home_config.hpp"
#include "occupancy/http/server.hpp"
#include "occupancy/simulation/simulator.hpp"

namespace occupancy::simulation {

inline constexpr const char* kSimulatedHaVersion = "2025.1.0";

/// HA's time format: "2026-01-05T10:00:00.123000+00:00".
std::string format_ha_time(Millis t);

/// The simulated home's entities and their state at any time.
class HaHome {
 public:
  HaHome(const config::HomeConfig& home, std::vector<SimEvent> events);

  struct State {
    const config::Entity* entity;
    const SimEvent* event;  // the last change at or before the time asked, or null
  };
  std::vector<State> states_at(Millis t) const;
  /// get_states and /api/states: the sensors' states and the other entities HA has (people, ...).
  std::string all_states_json(Millis t) const;
  const config::House& house() const { return home_; }
  /// Changes of one entity in [from, to], preceded by its state at `from`.
  std::vector<const SimEvent*> history(const std::string& entity_id, Millis from, Millis to) const;
  const std::vector<SimEvent>& events() const { return events_; }
  const config::Entity* entity(const std::string& id) const;
  /// A full HA state object for an event of an entity.
  std::string state_json(const config::Entity& e, const SimEvent* ev, bool attributes = true) const;
  std::string context_id(const SimEvent* ev) const;

 private:
  const config::HomeConfig& home_;
  std::vector<SimEvent> events_;
  std::map<std::string, std::vector<size_t>, std::less<>> by_entity_;
};

/// One WebSocket client's session: the protocol state machine.
class HaWebSocketSession {
 public:
  HaWebSocketSession(const HaHome& home, std::string token) : home_(home), token_(std::move(token)) {}

  struct Output {
    std::vector<std::string> messages;
    bool close = false;
  };
  std::string hello() const;  // auth_required
  Output receive(const std::string& text, Millis now);
  /// Messages this session's subscriptions get for a state change (old = previous event).
  std::vector<std::string> on_change(const SimEvent& change, const SimEvent* old);

 private:
  const HaHome& home_;
  std::string token_;
  bool authenticated_ = false;
  long long last_id_ = 0;
  std::vector<long long> state_changed_subscriptions_, entity_subscriptions_;
};

/// REST: /api/, /api/states, /api/history/period/<start>. `now` is the simulated time.
/// Faults the simulated HA can be asked to show (for the fault tests).
struct RestFaults {
  bool bad_history_row = false;  // each history answer carries one malformed row (a time that is not one)
};

http::Response handle_rest(const HaHome& home, const std::string& token, const http::Request& req, Millis now,
                           RestFaults faults = {});

}  // namespace occupancy::simulation
