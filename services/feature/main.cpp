// occupancy-feature: the cleaner's room states and clean readings in; feature vectors (set v1,
// libs/features, the code training uses) out, for every room at each settled minute and for a
// room whenever its state changes. The logic is libs/features' FeatureService.
#include <spdlog/spdlog.h>

#include "occupancy/contract/messages.hpp"
#include "occupancy/features/feature_service.hpp"
#include "occupancy/runtime/service.hpp"
#include "occupancy/store/clean_archive.hpp"
#include "occupancy/store/registry_model_source.hpp"

using namespace occupancy;

int main(int argc, char** argv) {
  return runtime::run_service(
      "feature", "Computes feature vectors from room states", argc, argv, [](runtime::ServiceContext& ctx) {
        std::shared_ptr<ModelSource> registry;
        if (ctx.config.feature.registry)
          registry = std::make_shared<store::RegistryModelSource>(ctx.config.database_url, ctx.config.home);
        auto core = std::make_shared<features::FeatureService>(ctx.config, registry);
        if (registry) {
          std::vector<RoomState> history;
          try {
            store::Database db(ctx.config.database_url);
            history = store::load_room_transitions(db, ctx.config.home, features::kKeepDays);
          } catch (const std::exception& e) {
            spdlog::warn("no history restored (starting empty): {}", e.what());
          }
          ctx.apply(core->start(history));
        }
        ctx.router.on(proto::channel::state, [&ctx, core](const runtime::Inbound& in) {
          ctx.apply(core->on_state(contract::room_state_from_json(in.doc), in.params.at("room")));
        });
        ctx.router.on(proto::channel::clean, [&ctx, core](const runtime::Inbound& in) {
          ctx.apply(core->on_reading(contract::reading_from_json(in.doc)));
        });
        ctx.router.on(proto::channel::settled, [&ctx, core](const runtime::Inbound& in) {
          ctx.apply(core->on_settled(contract::clock_from_json(in.doc)));
        });
        ctx.router.on(proto::channel::gap, [](const runtime::Inbound&) {});  // reliability comes with room states
        ctx.router.on(proto::channel::model, [&ctx, core](const runtime::Inbound& in) {
          ctx.apply(core->on_model(contract::model_announcement_from_json(in.doc)));
        });
      });
}
