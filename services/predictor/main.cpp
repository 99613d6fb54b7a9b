// occupancy-predictor: feature vectors in; retained predictions out. Until trained models are
// loaded from the registry (the predictor issue), it serves the persistence baseline and says so.
#include <spdlog/spdlog.h>

#include <cmath>

#include "occupancy/contract/messages.hpp"
#include "occupancy/models/prediction.hpp"
#include "occupancy/runtime/service.hpp"

using namespace occupancy;

int main(int argc, char** argv) {
  return runtime::run_service(
      "predictor", "Predicts room occupancy from feature vectors", argc, argv, [](runtime::ServiceContext& ctx) {
        auto set = std::make_shared<features::FeatureSet>(ctx.config.horizons_min);
        std::shared_ptr<models::Forecaster> persistence =
            models::make_baseline("persistence", *set, ctx.config.horizons_min);
        ctx.router.on(proto::channel::features, [&ctx, set, persistence](const runtime::Inbound& in) {
          const auto fv = contract::features_from_json(in.doc);
          if (ctx.config.find_room(fv.room) == nullptr)
            throw runtime::Refusal("unknown_room", "/room", "room '" + fv.room + "' is not in the home config");
          const auto row = models::to_row(fv, *set);
          if (std::isnan(row[set->index("occupied_now")]))
            throw runtime::Refusal("missing_feature", "/values/occupied_now", "feature vector has no occupied_now");
          const auto p = models::make_prediction(fv, row, *set, persistence->predict(fv.room, row.data()),
                                                 "baseline-persistence", "persistence");
          ctx.router.publish(proto::channel::prediction, {{"room", p.room}}, contract::to_json(p));
        });
        ctx.router.on(proto::channel::model, [](const runtime::Inbound& in) {
          spdlog::info("model {} announced; serving baseline-persistence until model loading exists",
                       in.doc[proto::fields::model::version].GetString());
        });
      });
}
