// occupancy-predictor: feature vectors in; retained predictions out. Walking skeleton: the
// persistence baseline (model version baseline-persistence) until trained models exist.
#include <spdlog/spdlog.h>

#include "occupancy/contract/messages.hpp"
#include "occupancy/models/persistence.hpp"
#include "occupancy/runtime/service.hpp"

using namespace occupancy;

int main(int argc, char** argv) {
  return runtime::run_service(
      "predictor", "Predicts room occupancy from feature vectors", argc, argv, [](runtime::ServiceContext& ctx) {
        ctx.router.on(proto::channel::features, [&ctx](const runtime::Inbound& in) {
          const auto fv = contract::features_from_json(in.doc);
          if (ctx.config.find_room(fv.room) == nullptr)
            throw runtime::Refusal("unknown_room", "/room", "room '" + fv.room + "' is not in the home config");
          const auto p = models::predict_persistence(fv, ctx.config.horizons_min);
          if (!p)
            throw runtime::Refusal("missing_feature", "/values/occupied_now", "feature vector has no occupied_now");
          ctx.router.publish(proto::channel::prediction, {{"room", p->room}}, contract::to_json(*p));
        });
        ctx.router.on(proto::channel::model, [](const runtime::Inbound& in) {
          spdlog::info("model {} announced; serving baseline-persistence until model loading exists",
                       in.doc[proto::fields::model::version].GetString());
        });
      });
}
