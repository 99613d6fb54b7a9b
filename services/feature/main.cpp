// occupancy-feature: room states, clean readings, gaps and clock in; one feature vector per
// room out, at every clock minute and on every room-state change.
#include <map>

#include "occupancy/contract/messages.hpp"
#include "occupancy/features/skeleton_features.hpp"
#include "occupancy/runtime/service.hpp"

using namespace occupancy;

int main(int argc, char** argv) {
  return runtime::run_service(
      "feature", "Computes feature vectors from room states", argc, argv, [](runtime::ServiceContext& ctx) {
        auto states = std::make_shared<std::map<std::string, RoomState>>();
        auto publish = [&ctx](const RoomState& s, Millis at) {
          ctx.router.publish(proto::channel::features, {{"room", s.room}},
                             contract::to_json(features::skeleton_features(s, at)));
        };
        ctx.router.on(proto::channel::state, [&ctx, states, publish](const runtime::Inbound& in) {
          RoomState s = contract::room_state_from_json(in.doc);
          if (ctx.config.find_room(s.room) == nullptr)
            throw runtime::Refusal("unknown_room", "/room", "room '" + s.room + "' is not in the home config");
          (*states)[s.room] = s;
          publish(s, s.ts);
        });
        ctx.router.on(proto::channel::clock, [states, publish](const runtime::Inbound& in) {
          const Millis at = contract::clock_from_json(in.doc);
          for (const auto& [room, s] : *states) publish(s, std::max(at, s.ts));
        });
        ctx.router.on(proto::channel::clean, [](const runtime::Inbound&) {});  // zone activity features will use these
        ctx.router.on(proto::channel::gap, [](const runtime::Inbound&) {});    // gap flags will use these
      });
}
