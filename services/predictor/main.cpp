// occupancy-predictor: feature vectors in; retained predictions out, from the active model
// version (loaded from the registry, hot-reloaded on occupancy/<home>/model) or, where it has
// no model for a room, from the best baseline, named in the payload. Predictions are archived
// and, once they mature, scored on /metrics.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>

#include "occupancy/contract/messages.hpp"
#include "occupancy/models/predictor_core.hpp"
#include "occupancy/runtime/service.hpp"
#include "occupancy/runtime/service_archive.hpp"
#include "occupancy/store/model_registry.hpp"
#include "occupancy/store/prediction_archive.hpp"

using namespace occupancy;

namespace {

using Archive = store::ArchiveWriter<store::PredictionBatch>;

struct Loaded {
  std::shared_ptr<const models::TrainedModel> model;
  std::optional<Millis> created_at;  // in the registry
};

// Loads `version` (or the active one); throws with the reason if it cannot be used.
Loaded load_model(const config::HomeConfig& cfg, const features::FeatureSet& set,
                  const std::optional<std::string>& version) {
  store::Database db(cfg.database_url);
  const auto served = store::model_to_serve(db, cfg.home, version);
  if (!served) return {};
  return {std::make_shared<models::TrainedModel>(models::TrainedModel::from_files(served->files, set.names())),
          parse_iso8601(served->record.created_at)};
}

void declare_metrics(runtime::Metrics& m) {
  m.declare("occupancy_model_loads_total", "counter", "Model versions loaded, by result (ok, refused).");
  m.declare("occupancy_model_info", "gauge", "The model version serving (1), by version.");
  m.declare("occupancy_model_created_timestamp_seconds", "gauge",
            "When the serving model version was trained (registered), by version.");
  m.declare("occupancy_last_prediction_timestamp_seconds", "gauge",
            "Wall-clock time of the last prediction published.");
  m.declare("occupancy_prediction_accuracy_ratio", "gauge",
            "Rolling accuracy of matured predictions, by room and horizon.");
  m.declare("occupancy_prediction_brier", "gauge", "Rolling Brier score of matured predictions, by room and horizon.");
  m.declare("occupancy_prediction_matured", "gauge", "Matured predictions in the rolling window, by room and horizon.");
  m.declare("occupancy_shadow_matured_seconds", "gauge",
            "Live time the candidate in shadow has matured (its distinct minutes).");
  m.declare("occupancy_shadow_brier", "gauge", "Mean Brier over the shadow's matured pairs, by version and role.");
  m.declare("occupancy_drift", "gauge", "1 while the active version drifts in the room (the baseline serves it).");
  m.declare("occupancy_rollbacks_total", "counter", "Automatic rollbacks to the previous version after drift.");
  m.declare("occupancy_shadow_decisions_total", "counter", "Shadow evaluations ended, by verdict (promote, retire).");
}

}  // namespace

int main(int argc, char** argv) {
  return runtime::run_service(
      "predictor", "Predicts room occupancy from feature vectors", argc, argv, [](runtime::ServiceContext& ctx) {
        declare_metrics(ctx.metrics);
        auto core = std::make_shared<models::PredictorCore>(ctx.config);
        auto install = [&ctx, core](const std::optional<std::string>& version) {
          try {
            auto loaded = load_model(ctx.config, core->set(), version);
            if (!loaded.model) return;
            const std::string previous = core->model() ? core->model()->version : "baselines";
            if (core->model()) {
              ctx.metrics.set("occupancy_model_info", {{"version", previous}}, 0);
              ctx.metrics.forget("occupancy_model_created_timestamp_seconds", {{"version", previous}});
            }
            core->use_model(std::move(loaded.model));
            ctx.metrics.set("occupancy_model_info", {{"version", core->model()->version}}, 1);
            if (loaded.created_at)
              ctx.metrics.set("occupancy_model_created_timestamp_seconds", {{"version", core->model()->version}},
                              static_cast<double>(*loaded.created_at) / 1000);
            ctx.metrics.add("occupancy_model_loads_total", {{"result", "ok"}});
            spdlog::info("model {} serving (was {})", core->model()->version, previous);
          } catch (const std::exception& e) {
            ctx.metrics.add("occupancy_model_loads_total", {{"result", "refused"}});
            spdlog::error("model {} refused, {} keeps serving: {}", version.value_or("(active)"),
                          core->model() ? core->model()->version : "the baselines", e.what());
          }
        };
        // The candidate in shadow (none: nullopt), with the pairs its shadow has already matured.
        auto install_candidate = [&ctx, core]() {
          try {
            store::Database db(ctx.config.database_url);
            const auto shadow = store::shadow_model(db, ctx.config.home);
            const std::string current = core->shadow() ? core->shadow()->candidate() : "";
            if ((shadow ? shadow->version : "") == current) return;  // unchanged
            if (!shadow) {
              core->use_candidate(nullptr, "", 0);
              spdlog::info("shadow of {} ended", current);
              return;
            }
            auto model = std::make_shared<models::TrainedModel>(
                models::TrainedModel::from_files(store::load_model_files(db, shadow->version), core->set().names()));
            auto restored = store::load_shadow_pairs(db, ctx.config.home, shadow->version);
            const auto minutes = static_cast<std::size_t>(std::llround(ctx.config.predictor.shadow_hours * 60));
            core->use_candidate(std::move(model), shadow->version, minutes, std::move(restored));
            spdlog::info("{} predicts in shadow beside {} ({} of {} live minutes matured)", shadow->version,
                         core->model() ? core->model()->version : "the baselines", core->shadow()->matured_minutes(),
                         minutes);
          } catch (const std::exception& e) {
            spdlog::error("the candidate in shadow cannot be loaded (no shadow evaluation): {}", e.what());
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
        if (ctx.config.predictor.registry) install_candidate();  // after the spool's replay: its pairs count

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
          ctx.metrics.set("occupancy_last_prediction_timestamp_seconds", {},
                          static_cast<double>(wall_clock_now()) / 1000);
          if (!archive) return;
          store::PredictionBatch batch{{p}, core->matured(), {}};
          if (const auto& shadow = core->shadow_prediction()) batch.shadow.push_back(*shadow);
          archive->add(std::move(batch));
        });
        ctx.router.on(proto::channel::model, [&ctx, core, install, install_candidate](const runtime::Inbound& in) {
          const auto announced = contract::model_announcement_from_json(in.doc);
          if (!ctx.config.predictor.registry) {
            spdlog::warn("model {} announced, but predictor.registry is off: baselines keep serving",
                         announced.version);
            return;
          }
          if (!core->model() || core->model()->version != announced.version) install(announced.version);
          install_candidate();
        });
        // The shadow's verdict, once its live minutes have matured: promoted (active now) or
        // retired, recorded in the registry with the figures and announced.
        if (ctx.config.predictor.registry)
          ctx.every(std::chrono::seconds(30), [&ctx, core, install] {
            const auto* shadow = core->shadow();
            if (!shadow) return;
            const auto s = shadow->overall();
            ctx.metrics.set("occupancy_shadow_matured_seconds", {},
                            60.0 * static_cast<double>(shadow->matured_minutes()));
            ctx.metrics.set("occupancy_shadow_brier", {{"version", shadow->candidate()}, {"role", "candidate"}},
                            s.candidate);
            ctx.metrics.set("occupancy_shadow_brier",
                            {{"version", core->model() ? core->model()->version : "baselines"}, {"role", "active"}},
                            s.active);
            const auto decision = shadow->decide();
            if (decision.verdict == models::ShadowEvaluation::Verdict::wait) return;
            const bool promote = decision.verdict == models::ShadowEvaluation::Verdict::promote;
            store::Database db(ctx.config.database_url);  // a failure is retried on the next tick
            store::decide_shadow(db, ctx.config.home, shadow->candidate(), promote, decision.reason);
            const auto active = store::active_model(db, ctx.config.home);
            const std::string candidate = shadow->candidate();
            core->use_candidate(nullptr, "", 0);
            if (promote) install(candidate);  // active in the registry now: loaded as any active version
            spdlog::info("{}", decision.reason);
            ctx.metrics.add("occupancy_shadow_decisions_total", {{"verdict", promote ? "promote" : "retire"}});
            if (active)
              ctx.router.publish(
                  proto::channel::model, {},
                  contract::to_json(contract::ModelAnnouncement{active->version, active->feature_set,
                                                                active->activated_at, std::nullopt, decision.reason}));
          });
        // Drift: roll back to the previous version when it did better live; otherwise the
        // baseline keeps serving the drifting rooms (the core already does) until a new version.
        ctx.every(std::chrono::seconds(5), [&ctx, core, install] {
          const auto rooms = core->drift().take_new_drifts();
          if (rooms.empty() || !core->model() || !ctx.config.predictor.registry) return;
          const std::string current = core->model()->version;
          store::Database db(ctx.config.database_url);
          const auto previous = store::previous_model(db, ctx.config.home);
          const auto choice = models::choose_rollback(
              current, rooms, ctx.config.predictor.drift_margin,
              previous ? std::optional(previous->version) : std::nullopt,
              store::live_brier(db, ctx.config.home, current),
              previous ? store::live_brier(db, ctx.config.home, previous->version) : std::nullopt);
          spdlog::warn("{}", choice.reason);
          if (!choice.roll_back) return;
          const auto record = store::activate_model(db, ctx.config.home, previous->version);
          install(record.version);
          ctx.metrics.add("occupancy_rollbacks_total", {});
          const auto shadow = store::shadow_model(db, ctx.config.home);
          ctx.router.publish(proto::channel::model, {},
                             contract::to_json(contract::ModelAnnouncement{
                                 record.version, record.feature_set, record.activated_at,
                                 shadow ? std::optional(shadow->version) : std::nullopt, choice.reason}));
        });
        ctx.every(std::chrono::seconds(5), [&ctx, core] {
          auto& m = ctx.metrics;
          for (const auto& room : ctx.config.rooms)
            m.set("occupancy_drift", {{"room", room.id}}, core->drift().drifting(room.id) ? 1 : 0);
          for (const auto& [key, r] : core->scores().all()) {
            const runtime::Labels l{{"room", key.first}, {"horizon_min", std::to_string(key.second)}};
            m.set("occupancy_prediction_accuracy_ratio", l, r.accuracy);
            m.set("occupancy_prediction_brier", l, r.brier);
            m.set("occupancy_prediction_matured", l, static_cast<double>(r.n));
          }
        });
      });
}
