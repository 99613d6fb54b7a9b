// occupancy-trainer: answers request/retrain (HA's Retrain now button) by running `occupancy
// train --from-db` as a child process — the daily timer's job, on demand — and replies on
// response/retrain with the version it registered and what became of it. The logic is libs/models'
// RetrainRequests; here only wiring.
#include <filesystem>

#include "occupancy/contract/messages.hpp"
#include "occupancy/contract/topics.hpp"
#include "occupancy/models/retrain_requests.hpp"
#include "occupancy/runtime/child_job.hpp"
#include "occupancy/runtime/service.hpp"
#include "occupancy/store/registry_model_source.hpp"

using namespace occupancy;

// The occupancy tool beside this binary (an install or a build tree), else from PATH.
static std::string occupancy_tool() {
  std::error_code ec;
  const auto beside = std::filesystem::read_symlink("/proc/self/exe", ec).parent_path() / "occupancy";
  return !ec && std::filesystem::exists(beside) ? beside.string() : std::string("occupancy");
}

int main(int argc, char** argv) {
  return runtime::run_service(
      contract::kTrainer, "Retrains from the archive on request (request/retrain)", argc, argv,
      [](runtime::ServiceContext& ctx) {
        ctx.declare(models::RetrainRequests::metric_families());
        auto core = std::make_shared<models::RetrainRequests>(
            std::make_shared<store::RegistryModelSource>(ctx.config.database_url, ctx.config.home));
        auto child = std::make_shared<runtime::ChildJob>();
        ctx.router.on(proto::channel::request, [&ctx, core, child](const runtime::Inbound& in) {
          ctx.apply(
              core->on_request(in.params.at("action"), contract::control_request_from_json(in.doc), wall_clock_now()));
          if (!core->take_start()) return;
          std::vector<std::string> args;
          if (!ctx.config_path.empty()) args = {"--config", ctx.config_path};
          args.insert(args.end(), {"train", "--from-db"});
          child->start(occupancy_tool(), std::move(args));
        });
        ctx.every(std::chrono::seconds(1), [&ctx, core, child] {
          if (const auto code = child->take_exit()) ctx.apply(core->on_finished(*code, wall_clock_now()));
        });
      });
}
