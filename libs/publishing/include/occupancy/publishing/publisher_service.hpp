#pragma once
// The publisher's logic, messages in and a Step out (contract/step.hpp): HA discovery per room,
// retained HA states (with deadband and heartbeat), the suite's info, removal of rooms that
// left the config, and a re-publish when Home Assistant comes back online; the suite's own hub
// device (publishing/hub.hpp) with the dead letters of the last hour; each room's Expected
// occupied thresholds, set from HA and kept retained. It also keeps the latest
// prediction per room for the HTTP API.
#include <rapidjson/document.h>

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "occupancy/config/home_config.hpp"
#include "occupancy/contract/step.hpp"
#include "occupancy/contract/topics.hpp"
#include "occupancy/core/types.hpp"
#include "occupancy/publishing/deadband.hpp"
#include "occupancy/publishing/discovery.hpp"
#include "occupancy/publishing/hub.hpp"
#include "occupancy/publishing/prediction_api.hpp"

namespace occupancy::publishing {

using contract::Publication;
using contract::Step;

class PublisherService {
 public:
  PublisherService(const config::House& house, const config::PublisherSettings& settings, std::string version,
                   Millis started_at);
  PublisherService(const config::HomeConfig& config, std::string version, Millis started_at)
      : PublisherService(config, config.publisher, std::move(version), started_at) {}

  /// On (re)connect: info, the hub's and every room's discovery, then the states we have.
  Step on_connected(Millis now = wall_clock_now());
  /// HA's birth message: discovery first, then states (HA needs the entities before values).
  Step on_ha_status(std::string_view status, Millis now = wall_clock_now());
  /// A service's dead letter: counted for the hub (the last hour), the hub's state published.
  Step on_dead_letter(const std::string& service, const std::string& reason, Millis now);
  /// Time passes: the hub's count when a dead letter leaves the hour.
  Step on_tick(Millis now);
  /// A room's settings as the broker keeps them (retained, from a previous run): they apply
  /// again, and the room's state carries them. Refuses an unknown room.
  Step on_settings_seen(std::string_view room, const RoomSettings& kept);
  /// A change from HA's number entities: applied at once (the room's state re-sent, whatever
  /// the deadband), and kept retained on settings/<room> for the next start.
  Step on_settings_set(std::string_view room, const RoomSettings& change);
  /// The thresholds in force for a room (the config's until HA sets others).
  const RoomSettings& settings_of(const std::string& room) const { return room_settings_.at(room); }
  /// A new prediction (on the topic of `topic_room`): the room's HA state if it moved enough,
  /// and info if the model changed. Refuses (contract::Refusal, unknown_room) a room not in
  /// the config or not the topic's.
  Step on_prediction(const Prediction& p, std::string_view topic_room);
  Step on_prediction(const Prediction& p) { return on_prediction(p, p.room); }
  /// A sensor's gap opened or closed: the room's HA state at once, naming the sensors in a gap
  /// (HA's Sensor problem entity), if the room has a state to carry it.
  Step on_gap(const Gap& g);
  /// The suite's retained info as the broker holds it (from the previous run): the rooms it
  /// lists that left the config have their discovery and state cleared, so HA removes them.
  Step on_info_seen(const std::vector<std::string>& rooms);

  /// The latest prediction per room, read by the HTTP API on its own thread.
  std::shared_ptr<const LatestPredictions> latest() const { return latest_; }

 private:
  Publication info() const;
  void discovery_all(Step& out) const;
  void hub_state(Step& out, Millis now) const;
  void states_all(Step& out) const;
  void state(Step& out, const std::string& room, const HaState& s) const;
  void require_room(const std::string& room) const;
  Step resend_state(const std::string& room);

  const config::House& house_;
  const config::PublisherSettings& settings_;
  std::string version_;
  Millis started_at_;
  DiscoverySettings discovery_;
  Deadband band_;
  std::optional<std::string> model_version_;
  std::map<std::string, HaState> published_;                // last state sent per room
  std::map<std::string, std::set<std::string>> open_gaps_;  // room -> its sensors in a gap
  DeadLetterWindow dead_letters_;
  std::map<std::string, RoomSettings> room_settings_;  // per room, both thresholds always set
  std::shared_ptr<LatestPredictions> latest_ = std::make_shared<LatestPredictions>();
};

}  // namespace occupancy::publishing
