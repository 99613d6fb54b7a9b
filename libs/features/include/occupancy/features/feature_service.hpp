#pragma once
// The feature service's logic, messages in and a Step out (contract/step.hpp): room states and
// clean readings feed the FeatureStream; at each settled time it publishes the feature vectors
// due. Priors come with the model version serving (from the ModelSource, if the registry is
// on); on a restart, the room history is restored from the archived transitions.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "occupancy/config/home_config.hpp"
#include "occupancy/contract/messages.hpp"
#include "occupancy/contract/step.hpp"
#include "occupancy/core/model_source.hpp"
#include "occupancy/features/feature_stream.hpp"

namespace occupancy::features {

class FeatureService {
 public:
  /// `registry` may be null (feature.registry off: no priors, the time-of-week features are 0).
  FeatureService(const config::House& house, std::shared_ptr<ModelSource> registry);

  /// At start: the archived room history, then the active version's priors.
  contract::Step start(const std::vector<RoomState>& history);
  /// Refuse (contract::Refusal, unknown_room) a room the config does not have.
  contract::Step on_state(const RoomState& s, std::string_view topic_room);
  contract::Step on_state(const RoomState& s) { return on_state(s, s.room); }
  contract::Step on_reading(const Reading& r);
  /// Event time is settled up to `settled`: the vectors due, one per room and minute.
  contract::Step on_settled(Millis settled);
  /// A model version was announced: its priors from now on.
  contract::Step on_model(const contract::ModelAnnouncement& m);

  const FeatureStream& stream() const { return stream_; }

 private:
  void use_priors_of(const std::optional<std::string>& version, contract::Step& step);
  void require_room(const std::string& room) const;

  const config::House& house_;
  std::shared_ptr<ModelSource> registry_;
  FeatureStream stream_;
};

}  // namespace occupancy::features
