// occupancy-predictor: feature vectors in; retained predictions out, from the active model
// version (loaded from the registry, hot-reloaded on occupancy/<home>/model) or, where it has
// no model for a room, from the best baseline, named in the payload. Predictions are archived
// and, once they mature, scored on /metrics. Promote and rollback requests (HA's hub buttons) are
// answered on response/<action>. The logic is libs/models' PredictorService.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "occupancy/contract/messages.hpp"
#include "occupancy/models/predictor_service.hpp"
#include "occupancy/runtime/service.hpp"
#include "occupancy/runtime/service_archive.hpp"
#include "occupancy/store/prediction_archive.hpp"
#include "occupancy/store/registry_model_source.hpp"

using namespace occupancy;

int main(int argc, char** argv) {
  return runtime::run_service(
      "predictor", "Predicts room occupancy from feature vectors", argc, argv, [](runtime::ServiceContext& ctx) {
        ctx.declare(models::PredictorService::metric_families());
        std::shared_ptr<ModelSource> registry;
        if (ctx.config.predictor.registry)
          registry = std::make_shared<store::RegistryModelSource>(ctx.config.database_url, ctx.config.home);
        auto core = std::make_shared<models::PredictorService>(ctx.config, registry);
        ctx.apply(core->install(std::nullopt));
        if (ctx.config.predictor.archive) {
          const auto archive = runtime::start_archive<store::PredictionBatch>(ctx, store::archive_predictions);
          // Predictions a previous run made whose outcome was still pending: scored as they mature,
          // from the archive (once what that run spooled is in), not lost with its memory.
          try {
            archive->flush(std::chrono::seconds(5));
            store::Database db(ctx.config.database_url);
            const int longest = *std::max_element(ctx.config.horizons_min.begin(), ctx.config.horizons_min.end());
            ctx.apply(core->restore_pending(store::load_pending_predictions(db, ctx.config.home, longest)));
          } catch (const std::exception& e) {
            spdlog::warn("pending predictions not restored from the archive: {}", e.what());
          }
        }
        ctx.apply(core->install_candidate());  // after the spool's replay: its pairs count

        ctx.router.on(proto::channel::features, [&ctx, core](const runtime::Inbound& in) {
          ctx.apply(core->on_features(contract::features_from_json(in.doc), in.params.at("room"), wall_clock_now()));
        });
        ctx.router.on(proto::channel::model, [&ctx, core](const runtime::Inbound& in) {
          ctx.apply(core->on_model(contract::model_announcement_from_json(in.doc)));
        });
        // HA's hub buttons: promote the candidate, roll back; answered on response/<action>.
        ctx.router.on(proto::channel::request, [&ctx, core](const runtime::Inbound& in) {
          ctx.apply(core->on_request(in.params.at("action"), contract::control_request_from_json(in.doc)));
        });
        ctx.every(std::chrono::seconds(30), [&ctx, core] { ctx.apply(core->on_shadow_tick()); });
        ctx.every(std::chrono::seconds(5), [&ctx, core] { ctx.apply(core->on_drift_tick()); });
        ctx.every(std::chrono::seconds(5), [&ctx, core] { ctx.apply(core->on_metrics_tick()); });
      });
}
