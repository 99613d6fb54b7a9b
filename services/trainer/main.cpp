// occupancy-trainer: answers request/retrain (HA's Retrain now button) by running `occupancy
// train --from-db` as a child process — the daily timer's job, on demand — and replies on
// response/retrain with the version it registered and what became of it. The logic is libs/models'
// RetrainRequests; here only the child and the registry's answer afterwards.
#include <spdlog/spdlog.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <thread>

#include "occupancy/contract/messages.hpp"
#include "occupancy/models/retrain_requests.hpp"
#include "occupancy/runtime/child_process.hpp"
#include "occupancy/runtime/service.hpp"
#include "occupancy/store/model_registry.hpp"

using namespace occupancy;

namespace {

// The occupancy tool beside this binary (an install or a build tree), else from PATH.
std::string occupancy_tool() {
  std::error_code ec;
  const auto beside = std::filesystem::read_symlink("/proc/self/exe", ec).parent_path() / "occupancy";
  return !ec && std::filesystem::exists(beside) ? beside.string() : std::string("occupancy");
}

struct Registry {
  std::optional<std::string> newest, active;
  std::optional<models::RetrainRequests::Registered> newest_record;
};

Registry read_registry(const config::HomeConfig& cfg) {
  store::Database db(cfg.database_url);
  Registry r;
  const auto versions = store::list_models(db, cfg.home);  // newest first
  const auto shadow = store::shadow_model(db, cfg.home);
  if (!versions.empty()) {
    const auto& v = versions.front();
    r.newest = v.version;
    r.newest_record = {v.version, v.status, shadow && shadow->version == v.version};
  }
  if (const auto a = store::active_model(db, cfg.home)) r.active = a->version;
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  return runtime::run_service(
      "trainer", "Retrains from the archive on request (request/retrain)", argc, argv, [](runtime::ServiceContext& ctx) {
        ctx.declare(models::RetrainRequests::metric_families());
        auto core = std::make_shared<models::RetrainRequests>();
        // The child's exit code once it ended (-1 while none has), and the newest version before it.
        auto exit_code = std::make_shared<std::atomic<int>>(-1);
        auto newest_before = std::make_shared<std::optional<std::string>>();
        ctx.router.on(proto::channel::request, [&ctx, core, exit_code, newest_before](const runtime::Inbound& in) {
          ctx.apply(core->on_request(in.params.at("action"), contract::control_request_from_json(in.doc),
                                     wall_clock_now()));
          if (!core->take_start()) return;
          try {
            *newest_before = read_registry(ctx.config).newest;
          } catch (const std::exception& e) {
            spdlog::warn("the registry before retraining: {}", e.what());  // the child will say it too
          }
          std::vector<std::string> args;
          if (!ctx.config_path.empty()) args = {"--config", ctx.config_path};
          args.insert(args.end(), {"train", "--from-db"});
          exit_code->store(-1);
          // Detached: a stop while it runs ends the service; systemd stops the child with it.
          std::thread([exit_code, args, tool = occupancy_tool()] { exit_code->store(runtime::run_tool(tool, args)); })
              .detach();
        });
        ctx.every(std::chrono::seconds(1), [&ctx, core, exit_code, newest_before] {
          if (!core->running() || exit_code->load() < 0) return;
          Registry after;
          try {
            after = read_registry(ctx.config);
          } catch (const std::exception& e) {
            spdlog::warn("the registry after retraining: {}", e.what());
          }
          ctx.apply(core->on_finished(exit_code->exchange(-1), *newest_before, after.newest_record, after.active,
                                      wall_clock_now()));
        });
      });
}
