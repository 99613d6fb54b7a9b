// occupancy-publisher: predictions, sensor gaps, dead letters and HA's settings in; Home Assistant discovery
// (rooms and the hub), retained HA states, the hub's state and the suite's info out; the read-only prediction API on
// its HTTP port. Logic: libs/publishing's PublisherService.
#include "occupancy/contract/messages.hpp"
#include "occupancy/publishing/prediction_api.hpp"
#include "occupancy/publishing/publisher_service.hpp"
#include "occupancy/runtime/service.hpp"

using namespace occupancy;

int main(int argc, char** argv) {
  return runtime::run_service(
      "publisher", "Publishes predictions to Home Assistant", argc, argv, [](runtime::ServiceContext& ctx) {
        auto core = std::make_shared<publishing::PublisherService>(ctx.config, OCCUPANCY_VERSION, wall_clock_now());
        ctx.on_connected([&ctx, core] { ctx.apply(core->on_connected()); });
        ctx.router.on(proto::channel::prediction, [&ctx, core](const runtime::Inbound& in) {
          ctx.apply(core->on_prediction(contract::prediction_from_json(in.doc), in.params.at("room")));
        });
        ctx.router.on(proto::channel::gap, [&ctx, core](const runtime::Inbound& in) {
          ctx.apply(core->on_gap(contract::gap_from_json(in.doc)));
        });
        // Every service's dead letters, for the hub device's count of the last hour.
        ctx.router.on(proto::channel::dlq, [&ctx, core](const runtime::Inbound& in) {
          ctx.apply(
              core->on_dead_letter(in.params.at("service"), contract::dead_letter_reason(in.doc), wall_clock_now()));
        });
        ctx.every(std::chrono::seconds(30), [&ctx, core] { ctx.apply(core->on_tick(wall_clock_now())); });
        // Each room's thresholds: kept retained (read back at start), changed by HA's number entities.
        ctx.router.on(proto::channel::settings, [&ctx, core](const runtime::Inbound& in) {
          ctx.apply(core->on_settings_seen(in.params.at("room"), contract::room_settings_from_json(in.doc)));
        });
        ctx.router.on(proto::channel::settings_set, [&ctx, core](const runtime::Inbound& in) {
          ctx.apply(core->on_settings_set(in.params.at("room"), contract::room_settings_from_json(in.doc)));
        });
        ctx.router.on(proto::channel::ha_status,
                      [&ctx, core](const runtime::Inbound& in) { ctx.apply(core->on_ha_status(in.doc.GetString())); });
        // Our own retained info comes back on subscribe: rooms that left the config are removed.
        ctx.router.on(proto::channel::info, [&ctx, core](const runtime::Inbound& in) {
          ctx.apply(core->on_info_seen(contract::info_rooms_from_json(in.doc)));
        });
        ctx.route("/api/v1/", [&ctx, latest = core->latest()](const http::Request& req) {
          return publishing::handle_prediction_api(ctx.config, *latest, req);
        });
      });
}
