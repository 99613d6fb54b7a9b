// occupancy-ingestor: the only process that talks to Home Assistant. State changes of the
// configured entities become raw readings; the clock ticks every minute of event time.
#include <spdlog/spdlog.h>

#include "ha_link.hpp"
#include "occupancy/contract/messages.hpp"
#include "occupancy/ingest/ingest_core.hpp"
#include "occupancy/runtime/service.hpp"
#include "occupancy/runtime/service_archive.hpp"
#include "occupancy/store/raw_archive.hpp"

using namespace occupancy;

int main(int argc, char** argv) {
  return runtime::run_service(
      "ingestor", "Reads Home Assistant and publishes raw readings and the clock", argc, argv,
      [](runtime::ServiceContext& ctx) {
        auto core = std::make_shared<ingest::IngestCore>(ctx.config.entities, ctx.config.event_time_guard());
        // Every published reading is archived too (what `train --from-db` learns from): HA keeps
        // only days of history, the archive keeps them all.
        std::shared_ptr<store::ArchiveWriter<store::RawBatch>> archive;
        if (ctx.config.ingestor.archive)
          archive = runtime::start_archive<store::RawBatch>(
              ctx, [](store::Database& db, const std::string& home, const store::RawBatch& b) {
                store::archive_raw_readings(db, home, b.readings);
              });
        auto publish = [&ctx, archive](const std::vector<ingest::Output>& out) {
          store::RawBatch published;
          for (const auto& o : out) {
            if (const auto* r = std::get_if<Reading>(&o)) {
              if (ctx.router.publish(proto::channel::raw, {{"room", r->room}, {"zone", r->zone}},
                                     contract::to_json(*r)))
                published.readings.push_back(*r);
            } else {
              ctx.router.publish(proto::channel::clock, {}, contract::clock_json(std::get<ingest::ClockTick>(o).ts));
            }
          }
          if (archive) archive->add(std::move(published));
        };
        if (ctx.config.ingestor.ha_url.empty()) {
          spdlog::warn("no Home Assistant configured (ingestor.ha_url / OCCUPANCY_HA_URL): publishing the clock only");
          ctx.every(std::chrono::seconds(1), [core, publish] { publish(core->advance_to(wall_clock_now())); });
          return;
        }
        auto link = std::make_shared<ingestor::HaLink>(ctx.config);
        link->start();
        ctx.metrics.declare("occupancy_ingest_skipped_total", "counter",
                            "HA state changes not published, by reason (duplicate, unconfigured entity, malformed, "
                            "event time, bad history row).");
        ctx.metrics.declare("occupancy_ha_connected", "gauge", "1 while the Home Assistant WebSocket is up.");
        ctx.every(std::chrono::milliseconds(100), [&ctx, link, core, publish] {
          for (const auto& item : link->take()) {
            if (const auto* c = std::get_if<ingest::StateChange>(&item))
              publish(core->on_change(*c));
            else if (auto* current = std::get_if<ingestor::CurrentStates>(&item))
              publish(core->on_current_states(std::move(current->states)));
            else
              publish(core->advance_to(std::get<ingestor::WallMark>(item).now));
          }
          for (const auto& r : core->take_refused())  // a time outside the bounds: named on the dead-letter topic
            ctx.router.dead_letter("ha/" + r.change.entity_id, ingest::state_change_json(r.change),
                                   {"event_time", "/last_changed", r.reason});
          auto& m = ctx.metrics;
          m.set("occupancy_ingest_skipped_total", {{"reason", "duplicate"}}, static_cast<double>(core->duplicates()));
          m.set("occupancy_ingest_skipped_total", {{"reason", "unconfigured_entity"}},
                static_cast<double>(core->ignored()));
          m.set("occupancy_ingest_skipped_total", {{"reason", "malformed"}}, static_cast<double>(link->malformed()));
          m.set("occupancy_ingest_skipped_total", {{"reason", "event_time"}}, static_cast<double>(core->refused()));
          m.set("occupancy_ingest_skipped_total", {{"reason", "bad_history_row"}},
                static_cast<double>(link->bad_history_rows()));
          m.set("occupancy_ha_connected", {}, link->connected() ? 1 : 0);
        });
      });
}
