#include "occupancy/features/feature_service.hpp"

#include <fmt/format.h>

#include "occupancy/contract/refusal.hpp"

namespace occupancy::features {

using contract::LogLine;
using contract::Step;

FeatureService::FeatureService(const config::House& house, std::shared_ptr<ModelSource> registry)
    : house_(house), registry_(std::move(registry)), stream_(house) {}

Step FeatureService::start(const std::vector<RoomState>& history) {
  Step step;
  stream_.restore(history);
  step.log(LogLine::Level::info, fmt::format("restored {} room transitions from the archive", history.size()));
  use_priors_of(std::nullopt, step);
  return step;
}

// The priors stored with `version` (or the active version); a failure is logged and the
// priors in use stay.
void FeatureService::use_priors_of(const std::optional<std::string>& version, Step& step) {
  if (registry_ == nullptr) return;
  const std::string name = version.value_or("(active)");
  try {
    if (const auto served = registry_->to_serve(version))
      for (const auto& f : served->files)
        if (f.room.empty() && f.target == "priors") {
          stream_.set_priors(Priors::from_json(f.data));
          step.log(LogLine::Level::info, fmt::format("priors of model {} in use", served->version));
          return;
        }
  } catch (const std::exception& e) {
    step.log(LogLine::Level::error, fmt::format("priors of model {} not loaded: {}", name, e.what()));
  }
}

void FeatureService::require_room(const std::string& room) const {
  if (house_.find_room(room) == nullptr)
    throw contract::Refusal("unknown_room", "/room", "room '" + room + "' is not in the home config");
}

Step FeatureService::on_state(const RoomState& s, std::string_view topic_room) {
  require_room(s.room);
  contract::require_topic_room(topic_room, s.room);
  stream_.on_state(s);
  return {};
}

Step FeatureService::on_reading(const Reading& r) {
  require_room(r.room);  // a room we do not know must not count as activity in the house
  stream_.on_reading(r);
  return {};
}

Step FeatureService::on_settled(Millis settled) {
  Step step;
  for (const auto& fv : stream_.settle(settled))
    step.publish(proto::channel::features, {{"room", fv.room}}, contract::to_json(fv));
  return step;
}

Step FeatureService::on_model(const contract::ModelAnnouncement& m) {
  Step step;
  use_priors_of(m.version, step);
  return step;
}

}  // namespace occupancy::features
