// occupancy-cleaner: raw readings in; clean readings, rejections (with the reason), sensor gaps
// and room states out. The logic is libs/cleaning's CleanerService; this file only wires it
// to MQTT, the clock, /metrics and the PostgreSQL archive.
#include <spdlog/spdlog.h>

#include <memory>

#include "occupancy/cleaning/cleaner_service.hpp"
#include "occupancy/contract/messages.hpp"
#include "occupancy/runtime/service.hpp"
#include "occupancy/runtime/service_archive.hpp"
#include "occupancy/store/clean_archive.hpp"

using namespace occupancy;

int main(int argc, char** argv) {
  return runtime::run_service(
      "cleaner", "Filters raw readings and derives room occupancy", argc, argv, [](runtime::ServiceContext& ctx) {
        ctx.declare(cleaning::CleanerService::metric_families());
        auto core = std::make_shared<cleaning::CleanerService>(ctx.config);
        if (ctx.config.cleaner.archive) {
          const auto archive = runtime::start_archive<store::CleanBatch>(ctx, store::archive_clean);
          // After a restart: the rooms as the archive last knew them, once what the last run
          // spooled is in; published on the first connection.
          try {
            if (!archive->flush(std::chrono::seconds(5)))
              spdlog::warn("the archive's spool is not replayed yet: room states restored from what is archived");
            store::Database db(ctx.config.database_url);
            auto restored =
                std::make_shared<contract::Step>(core->restore(store::latest_clean_readings(db, ctx.config.home)));
            ctx.on_connected([&ctx, restored] { ctx.apply(std::exchange(*restored, {})); });
          } catch (const std::exception& e) {
            spdlog::warn("room states not restored from the archive (rooms start vacant): {}", e.what());
          }
        }
        ctx.router.on(proto::channel::raw, [&ctx, core](const runtime::Inbound& in) {
          ctx.apply(core->on_raw(contract::reading_from_json(in.doc), in.params));
        });
        ctx.router.on(proto::channel::clock, [&ctx, core](const runtime::Inbound& in) {
          ctx.apply(core->on_clock(contract::clock_from_json(in.doc)));
        });
        // Live, held readings are released by the wall clock too, not only at the next minute tick.
        if (ctx.config.ingestor.wall_clock)
          ctx.every(std::chrono::milliseconds(100), [&ctx, core] { ctx.apply(core->on_clock(wall_clock_now())); });
        ctx.every(std::chrono::seconds(1), [&ctx, core] { ctx.apply(core->on_metrics_tick()); });
      });
}
