// occupancy-feature: the cleaner's room states and clean readings in; feature vectors (set v1,
// libs/features, the code training uses) out, for every room at each settled minute and for a
// room whenever its state changes. Priors come with the active model version; on a restart,
// the room history is restored from the archived transitions.
#include <spdlog/spdlog.h>

#include "occupancy/contract/messages.hpp"
#include "occupancy/features/feature_stream.hpp"
#include "occupancy/runtime/service.hpp"
#include "occupancy/store/clean_archive.hpp"
#include "occupancy/store/model_registry.hpp"

using namespace occupancy;

namespace {

// The priors stored with a model version; nullopt (and a log line) if they cannot be had.
std::optional<features::Priors> priors_of(const config::HomeConfig& cfg, const std::optional<std::string>& version) {
  try {
    store::Database db(cfg.database_url);
    if (const auto served = store::model_to_serve(db, cfg.home, version))
      for (const auto& f : served->files)
        if (f.room.empty() && f.target == "priors") return features::Priors::from_json(f.data);
  } catch (const std::exception& e) {
    spdlog::error("priors of model {} not loaded: {}", version.value_or("(active)"), e.what());
  }
  return std::nullopt;
}

}  // namespace

int main(int argc, char** argv) {
  return runtime::run_service(
      "feature", "Computes feature vectors from room states", argc, argv, [](runtime::ServiceContext& ctx) {
        auto stream = std::make_shared<features::FeatureStream>(ctx.config);
        if (ctx.config.feature.registry) {
          try {
            store::Database db(ctx.config.database_url);
            const auto history = store::load_room_transitions(db, ctx.config.home, features::kKeepDays);
            stream->restore(history);
            spdlog::info("restored {} room transitions from the archive", history.size());
          } catch (const std::exception& e) {
            spdlog::warn("no history restored (starting empty): {}", e.what());
          }
          if (auto priors = priors_of(ctx.config, std::nullopt)) stream->set_priors(std::move(*priors));
        }
        ctx.router.on(proto::channel::state, [&ctx, stream](const runtime::Inbound& in) {
          const RoomState s = contract::room_state_from_json(in.doc);
          ctx.require_room(s.room);
          stream->on_state(s);
        });
        ctx.router.on(proto::channel::clean, [&ctx, stream](const runtime::Inbound& in) {
          const Reading r = contract::reading_from_json(in.doc);
          ctx.require_room(r.room);  // a room we do not know must not count as activity in the house
          stream->on_reading(r);
        });
        ctx.router.on(proto::channel::settled, [&ctx, stream](const runtime::Inbound& in) {
          for (const auto& fv : stream->settle(contract::clock_from_json(in.doc)))
            ctx.router.publish(proto::channel::features, {{"room", fv.room}}, contract::to_json(fv));
        });
        ctx.router.on(proto::channel::gap, [](const runtime::Inbound&) {});  // reliability comes with room states
        ctx.router.on(proto::channel::model, [&ctx, stream](const runtime::Inbound& in) {
          const std::string version = contract::model_announcement_from_json(in.doc).version;
          if (!ctx.config.feature.registry) return;
          if (auto priors = priors_of(ctx.config, version)) {
            stream->set_priors(std::move(*priors));
            spdlog::info("priors of model {} in use", version);
          }
        });
      });
}
