// occupancy-cleaner: raw readings in; clean readings, rejections (with the reason), sensor gaps
// and room states out. The decisions are libs/cleaning's CleanerCore; this file only wires it
// to MQTT, the clock, /metrics and the PostgreSQL archive.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <memory>

#include "occupancy/cleaning/cleaner_core.hpp"
#include "occupancy/cleaning/settled_announcer.hpp"
#include "occupancy/contract/messages.hpp"
#include "occupancy/runtime/service.hpp"
#include "occupancy/runtime/service_archive.hpp"
#include "occupancy/store/clean_archive.hpp"

using namespace occupancy;

namespace {

using Archive = store::ArchiveWriter<store::CleanBatch>;

void declare_metrics(runtime::Metrics& m) {
  m.declare("occupancy_cleaner_readings_total", "counter",
            "Readings decided, by verdict (clean or a rejection reason) and room.");
  m.declare("occupancy_cleaner_gaps_open", "gauge", "Sensors currently in a gap.");
  m.declare("occupancy_cleaner_held", "gauge", "Readings held for the cat filter's context window.");
}

}  // namespace

int main(int argc, char** argv) {
  return runtime::run_service(
      "cleaner", "Filters raw readings and derives room occupancy", argc, argv, [](runtime::ServiceContext& ctx) {
        declare_metrics(ctx.metrics);
        auto core = std::make_shared<cleaning::CleanerCore>(ctx.config);
        auto out = std::make_shared<cleaning::CleanerOutput>();
        std::shared_ptr<Archive> archive;
        if (ctx.config.cleaner.archive) archive = runtime::start_archive<store::CleanBatch>(ctx, store::archive_clean);

        // After a restart: the rooms as the archive last knew them (published, not archived again),
        // once what the last run spooled is in.
        if (archive) {
          try {
            if (!archive->flush(std::chrono::seconds(5)))
              spdlog::warn("the archive's spool is not replayed yet: room states restored from what is archived");
            store::Database db(ctx.config.database_url);
            const auto last = store::latest_clean_readings(db, ctx.config.home);
            core->restore(last, *out);
            ctx.on_connected([&ctx, restored = std::make_shared<std::vector<RoomState>>(out->states)] {
              for (const auto& s : *restored)  // once, on the first connection
                ctx.router.publish(proto::channel::state, {{"room", s.room}}, contract::to_json(s));
              restored->clear();
            });
            spdlog::info(
                "restored {} sensors' last clean readings: {} rooms occupied", last.size(),
                std::count_if(out->states.begin(), out->states.end(), [](const auto& s) { return s.occupied; }));
          } catch (const std::exception& e) {
            spdlog::warn("room states not restored from the archive (rooms start vacant): {}", e.what());
          }
          out->clear();
        }

        // Publishes what a step produced, archives it, counts it; then how far event time is
        // settled (when it crossed a minute, or something was published), for the feature service.
        auto announcer = std::make_shared<cleaning::SettledAnnouncer>();
        auto emit = [&ctx, core, out, archive, announcer] {
          auto& m = ctx.metrics;
          const bool produced = !out->clean.empty() || !out->states.empty();
          for (const auto& r : out->clean)
            ctx.router.publish(proto::channel::clean, {{"room", r.room}, {"zone", r.zone}}, contract::to_json(r));
          for (const auto& rej : out->rejected) {
            ctx.router.publish(proto::channel::rejected, {{"room", rej.reading.room}, {"zone", rej.reading.zone}},
                               contract::to_json(rej));
            m.add("occupancy_cleaner_readings_total", {{"verdict", rej.reason}, {"room", rej.reading.room}});
            spdlog::debug("rejected {} {} at {}: {} ({})", rej.reading.entity_id, to_string(rej.reading.state),
                          format_iso8601(rej.reading.ts), rej.reason, rej.detail);
          }
          for (const auto& g : out->gaps) {
            ctx.router.publish(proto::channel::gap, {{"entity_id", g.entity_id}}, contract::to_json(g));
            spdlog::info("gap {} {} ({}) from {}{}", g.end ? "closed" : "opened", g.entity_id, g.cause,
                         format_iso8601(g.start), g.end ? " to " + format_iso8601(*g.end) : "");
          }
          for (const auto& s : out->states)
            ctx.router.publish(proto::channel::state, {{"room", s.room}}, contract::to_json(s));
          for (const auto& r : out->clean)
            m.add("occupancy_cleaner_readings_total", {{"verdict", "clean"}, {"room", r.room}});
          if (archive) archive->add(store::CleanBatch{out->clean, out->states, out->gaps});
          out->clear();
          if (const auto settled = announcer->after_step(core->settled(), produced))
            ctx.router.publish(proto::channel::settled, {}, contract::clock_json(*settled));
        };

        ctx.router.on(proto::channel::raw, [&ctx, core, out, emit](const runtime::Inbound& in) {
          const Reading r = contract::reading_from_json(in.doc);
          const auto* entity = ctx.config.find_entity(r.entity_id);
          if (entity == nullptr)
            throw runtime::Refusal("unknown_entity", "/entity_id",
                                   "entity '" + r.entity_id + "' is not in the home config");
          if (entity->room != r.room || entity->zone != r.zone || in.params.at("room") != r.room ||
              in.params.at("zone") != r.zone)
            throw runtime::Refusal("unknown_room", "/room",
                                   "reading says " + r.room + "/" + r.zone + " but the config maps " + r.entity_id +
                                       " to " + entity->room + "/" + entity->zone);
          core->push(r, *out);
          emit();
        });
        ctx.router.on(proto::channel::clock, [core, out, emit](const runtime::Inbound& in) {
          core->advance(contract::clock_from_json(in.doc), *out);
          emit();
        });
        // Live, held readings are released by the wall clock too, not only at the next minute tick.
        if (ctx.config.ingestor.wall_clock)
          ctx.every(std::chrono::milliseconds(100), [core, out, emit] {
            core->advance(wall_clock_now(), *out);
            emit();
          });
        ctx.every(std::chrono::seconds(1), [&ctx, core] {
          auto& m = ctx.metrics;
          m.set("occupancy_cleaner_gaps_open", {}, static_cast<double>(core->open_gaps().size()));
          m.set("occupancy_cleaner_held", {}, static_cast<double>(core->held()));
        });
      });
}
