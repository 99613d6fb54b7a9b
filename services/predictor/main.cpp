// occupancy-predictor: feature vectors in; retained predictions out, from the active model
// version (loaded from the registry, hot-reloaded on occupancy/<home>/model) or, where it has
// no model for a room, from the best baseline, named in the payload. Predictions are archived
// and, once they mature, scored on /metrics.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "occupancy/contract/messages.hpp"
#include "occupancy/models/predictor_core.hpp"
#include "occupancy/runtime/service.hpp"
#include "occupancy/runtime/service_archive.hpp"
#include "occupancy/store/model_registry.hpp"
#include "occupancy/store/prediction_archive.hpp"

using namespace occupancy;

namespace {

using Archive = store::ArchiveWriter<store::PredictionBatch>;

// Loads `version` (or the active one); throws with the reason if it cannot be used.
std::shared_ptr<const models::TrainedModel> load_model(const config::HomeConfig& cfg, const features::FeatureSet& set,
                                                       const std::optional<std::string>& version) {
  store::Database db(cfg.database_url);
  const auto served = store::model_to_serve(db, cfg.home, version);
  if (!served) return nullptr;
  return std::make_shared<models::TrainedModel>(models::TrainedModel::from_files(served->files, set.names()));
}

void declare_metrics(runtime::Metrics& m) {
  m.declare("occupancy_model_loads_total", "counter", "Model versions loaded, by result (ok, refused).");
  m.declare("occupancy_model_info", "gauge", "The model version serving (1), by version.");
  m.declare("occupancy_prediction_accuracy", "gauge", "Rolling accuracy of matured predictions, by room and horizon.");
  m.declare("occupancy_prediction_brier", "gauge", "Rolling Brier score of matured predictions, by room and horizon.");
  m.declare("occupancy_prediction_matured", "gauge", "Matured predictions in the rolling window, by room and horizon.");
}

}  // namespace

int main(int argc, char** argv) {
  return runtime::run_service(
      "predictor", "Predicts room occupancy from feature vectors", argc, argv, [](runtime::ServiceContext& ctx) {
        declare_metrics(ctx.metrics);
        auto core = std::make_shared<models::PredictorCore>(ctx.config);
        auto install = [&ctx, core](const std::optional<std::string>& version) {
          try {
            auto model = load_model(ctx.config, core->set(), version);
            if (!model) return;
            const std::string previous = core->model() ? core->model()->version : "baselines";
            if (core->model()) ctx.metrics.set("occupancy_model_info", {{"version", previous}}, 0);
            core->use_model(std::move(model));
            ctx.metrics.set("occupancy_model_info", {{"version", core->model()->version}}, 1);
            ctx.metrics.add("occupancy_model_loads_total", {{"result", "ok"}});
            spdlog::info("model {} serving (was {})", core->model()->version, previous);
          } catch (const std::exception& e) {
            ctx.metrics.add("occupancy_model_loads_total", {{"result", "refused"}});
            spdlog::error("model {} refused, {} keeps serving: {}", version.value_or("(active)"),
                          core->model() ? core->model()->version : "the baselines", e.what());
          }
        };
        if (ctx.config.predictor.registry) install(std::nullopt);
        std::shared_ptr<Archive> archive;
        if (ctx.config.predictor.archive) {
          archive = runtime::start_archive<store::PredictionBatch>(ctx, store::archive_predictions);
          // Predictions a previous run made whose outcome was still pending: scored as they mature,
          // from the archive (once what that run spooled is in), not lost with its memory.
          try {
            archive->flush(std::chrono::seconds(5));
            store::Database db(ctx.config.database_url);
            const int longest = *std::max_element(ctx.config.horizons_min.begin(), ctx.config.horizons_min.end());
            const auto pending = store::load_pending_predictions(db, ctx.config.home, longest);
            core->restore_pending(pending);
            spdlog::info("{} archived predictions still waiting for their outcome", pending.size());
          } catch (const std::exception& e) {
            spdlog::warn("pending predictions not restored from the archive: {}", e.what());
          }
        }

        ctx.router.on(proto::channel::features, [&ctx, core, archive](const runtime::Inbound& in) {
          const auto fv = contract::features_from_json(in.doc);
          ctx.require_room(fv.room);
          Prediction p;
          try {
            p = core->predict(fv);
          } catch (const std::invalid_argument& e) {
            throw runtime::Refusal("missing_feature", "/values/occupied_now", e.what());
          }
          ctx.router.publish(proto::channel::prediction, {{"room", p.room}}, contract::to_json(p));
          if (archive) archive->add(store::PredictionBatch{{p}, core->matured()});
        });
        ctx.router.on(proto::channel::model, [&ctx, core, install](const runtime::Inbound& in) {
          const std::string version = contract::model_announcement_from_json(in.doc).version;
          if (core->model() && core->model()->version == version) return;
          if (!ctx.config.predictor.registry) {
            spdlog::warn("model {} announced, but predictor.registry is off: baselines keep serving", version);
            return;
          }
          install(version);
        });
        ctx.every(std::chrono::seconds(5), [&ctx, core] {
          auto& m = ctx.metrics;
          for (const auto& [key, r] : core->scores().all()) {
            const runtime::Labels l{{"room", key.first}, {"horizon_min", std::to_string(key.second)}};
            m.set("occupancy_prediction_accuracy", l, r.accuracy);
            m.set("occupancy_prediction_brier", l, r.brier);
            m.set("occupancy_prediction_matured", l, static_cast<double>(r.n));
          }
        });
      });
}
