#pragma once
// The live feature service's core. The cleaner's room states and clean readings arrive as they
// are published; a time is used only once the cleaner has settled it (channel `settled`), and
// events are applied in time order, so a minute's features are computed from exactly the
// events up to that minute — as offline extraction (extract.hpp) does for training.
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "occupancy/features/feature_set.hpp"

namespace occupancy::features {

class FeatureStream {
 public:
  FeatureStream(const config::House& house, Priors priors = {});

  void set_priors(Priors priors) { priors_ = std::move(priors); }
  const Priors& priors() const { return priors_; }

  /// History from before a restart (e.g. the archived room transitions), applied at once.
  void restore(const std::vector<RoomState>& states);

  void on_state(const RoomState& s) { queue_.emplace_back(s); }
  void on_reading(const Reading& r) { queue_.emplace_back(r); }

  /// The cleaner settled event time `settled`. Returns, in time order, the feature vectors to
  /// publish: a room's at the time its state changed, and every known room's at each whole
  /// minute up to `settled`. Each names the room's last state change (its trace id).
  std::vector<FeatureVector> settle(Millis settled);

  const HouseTimeline& timeline() const { return timeline_; }
  const FeatureSet& set() const { return set_; }

 private:
  using Event = std::variant<Reading, RoomState>;
  const config::House& home_;
  FeatureSet set_;
  Priors priors_;
  HouseTimeline timeline_;
  std::vector<Event> queue_;
  std::optional<Millis> next_minute_;
  std::map<std::string, std::string, std::less<>> last_trace_;  // room -> its last state change's trace id
};

}  // namespace occupancy::features
