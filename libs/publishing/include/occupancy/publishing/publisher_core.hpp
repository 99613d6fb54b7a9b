#pragma once
// What the publisher sends, as a pure function of what it receives: HA discovery per room,
// retained HA states (with deadband and heartbeat), the suite's info, removal of rooms that
// left the config, and a re-publish when Home Assistant comes back online.
#include <rapidjson/document.h>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "occupancy/config/home_config.hpp"
#include "occupancy/contract/topics.hpp"
#include "occupancy/core/types.hpp"
#include "occupancy/publishing/deadband.hpp"
#include "occupancy/publishing/discovery.hpp"

namespace occupancy::publishing {

struct Publication {
  const proto::ChannelSpec* channel;
  contract::Params params;
  rapidjson::Document payload;  // null document = clear the retained message
};

class PublisherCore {
 public:
  PublisherCore(const config::HomeConfig& config, std::string version, Millis started_at);

  /// On (re)connect: info, every room's discovery, then the states we have.
  std::vector<Publication> on_connected();
  /// HA's birth message: discovery first, then states (HA needs the entities before values).
  std::vector<Publication> on_ha_status(std::string_view status);
  /// A new prediction: the room's HA state if it moved enough (and info if the model changed).
  std::vector<Publication> on_prediction(const Prediction& p);
  /// A sensor's gap opened or closed: the room's HA state at once, naming the sensors in a gap
  /// (HA's Sensor problem entity), if the room has a state to carry it.
  std::vector<Publication> on_gap(const Gap& g);
  /// The suite's retained info as the broker holds it (from the previous run): the rooms it
  /// lists that left the config have their discovery and state cleared, so HA removes them.
  std::vector<Publication> on_info_seen(const std::vector<std::string>& rooms);

 private:
  Publication info() const;
  std::vector<Publication> discovery_all() const;
  std::vector<Publication> states_all() const;
  Publication state(const std::string& room, const HaState& s) const;

  const config::HomeConfig& config_;
  std::string version_;
  Millis started_at_;
  DiscoverySettings discovery_;
  Deadband band_;
  std::optional<std::string> model_version_;
  std::map<std::string, HaState> published_;                // last state sent per room
  std::map<std::string, std::set<std::string>> open_gaps_;  // room -> its sensors in a gap
};

}  // namespace occupancy::publishing
