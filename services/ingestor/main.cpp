// occupancy-ingestor: the only process that talks to Home Assistant. State changes of the
// configured entities become raw readings; the clock ticks every minute of event time. The
// logic is libs/ingest's IngestorService (and HaSession, run over a socket by ha_link).
#include <spdlog/spdlog.h>

#include "ha_link.hpp"
#include "occupancy/ingest/ingestor_service.hpp"
#include "occupancy/runtime/service.hpp"
#include "occupancy/runtime/service_archive.hpp"
#include "occupancy/store/raw_archive.hpp"

using namespace occupancy;

int main(int argc, char** argv) {
  return runtime::run_service(
      "ingestor", "Reads Home Assistant and publishes raw readings and the clock", argc, argv,
      [](runtime::ServiceContext& ctx) {
        ctx.declare(ingest::IngestorService::metric_families());
        auto core = std::make_shared<ingest::IngestorService>(ctx.config);
        if (ctx.config.ingestor.archive)
          runtime::start_archive<store::RawBatch>(
              ctx, [](store::Database& db, const std::string& home, const store::RawBatch& b) {
                store::archive_raw_readings(db, home, b.readings);
              });
        if (ctx.config.ingestor.ha_url.empty()) {
          spdlog::warn("no Home Assistant configured (ingestor.ha_url / OCCUPANCY_HA_URL): publishing the clock only");
          ctx.every(std::chrono::seconds(1), [&ctx, core] { ctx.apply(core->on_wall_clock(wall_clock_now())); });
          return;
        }
        auto link = std::make_shared<ingestor::HaLink>(ctx.config);
        link->start();
        ctx.every(std::chrono::milliseconds(100), [&ctx, link, core] {
          for (auto& item : link->take()) ctx.apply(core->on_item(std::move(item)));
          ctx.apply(core->on_metrics_tick(link->stats()));
        });
      });
}
