// occupancy-cleaner: raw readings in; clean readings and room states out. Walking skeleton:
// readings of configured entities pass through unchanged and presence zones drive the room
// state; the cat filter and gap detector arrive with the cleaner issue.
#include "occupancy/cleaning/presence_room_state.hpp"
#include "occupancy/contract/messages.hpp"
#include "occupancy/runtime/service.hpp"

using namespace occupancy;

int main(int argc, char** argv) {
  return runtime::run_service(
      "cleaner", "Filters raw readings and derives room occupancy", argc, argv, [](runtime::ServiceContext& ctx) {
        auto rooms = std::make_shared<cleaning::PresenceRoomState>(ctx.config);
        ctx.router.on(proto::channel::raw, [&ctx, rooms](const runtime::Inbound& in) {
          const Reading r = contract::reading_from_json(in.doc);
          const auto* entity = ctx.config.find_entity(r.entity_id);
          if (entity == nullptr)
            throw runtime::Refusal("unknown_entity", "/entity_id",
                                   "entity '" + r.entity_id + "' is not in the home config");
          if (entity->room != r.room || entity->zone != r.zone || in.params.at("room") != r.room ||
              in.params.at("zone") != r.zone)
            throw runtime::Refusal("unknown_room", "/room",
                                   "reading says " + r.room + "/" + r.zone + " but the config maps " + r.entity_id +
                                       " to " + entity->room + "/" + entity->zone);
          ctx.router.publish(proto::channel::clean, {{"room", r.room}, {"zone", r.zone}}, in.doc);
          if (auto state = rooms->apply(r))
            ctx.router.publish(proto::channel::state, {{"room", r.room}}, contract::to_json(*state));
        });
        ctx.router.on(proto::channel::clock, [](const runtime::Inbound&) {});  // gap detection will follow event time
      });
}
