// occupancy-feature: room states, clean readings, gaps and clock in; one feature vector per
// room out, at every clock minute and on every room-state change. The features are
// libs/features (feature set v1), the same code training uses.
#include <map>

#include "occupancy/contract/messages.hpp"
#include "occupancy/features/feature_set.hpp"
#include "occupancy/runtime/service.hpp"

using namespace occupancy;

int main(int argc, char** argv) {
  return runtime::run_service(
      "feature", "Computes feature vectors from room states", argc, argv, [](runtime::ServiceContext& ctx) {
        auto timeline = std::make_shared<features::HouseTimeline>(ctx.config);
        auto feature_set = std::make_shared<features::FeatureSet>(ctx.config.horizons_min);
        auto priors = std::make_shared<features::Priors>();  // learned priors arrive with trained models
        auto publish = [&ctx, timeline, feature_set, priors](const std::string& room, Millis at) {
          ctx.router.publish(proto::channel::features, {{"room", room}},
                             contract::to_json(feature_set->vector(*timeline, *priors, room, at)));
        };
        ctx.router.on(proto::channel::state, [&ctx, timeline, publish](const runtime::Inbound& in) {
          const RoomState s = contract::room_state_from_json(in.doc);
          if (ctx.config.find_room(s.room) == nullptr)
            throw runtime::Refusal("unknown_room", "/room", "room '" + s.room + "' is not in the home config");
          timeline->on_state(s);
          publish(s.room, std::max(s.ts, timeline->now()));
        });
        ctx.router.on(proto::channel::clock, [timeline, publish](const runtime::Inbound& in) {
          const Millis at = contract::clock_from_json(in.doc);
          timeline->advance(at);
          for (const auto& [room, r] : timeline->rooms())
            if (r.known) publish(room, timeline->now());
        });
        ctx.router.on(proto::channel::clean, [timeline](const runtime::Inbound& in) {
          timeline->on_reading(contract::reading_from_json(in.doc));
        });
        ctx.router.on(proto::channel::gap, [](const runtime::Inbound&) {});  // reliability comes with room states
      });
}
