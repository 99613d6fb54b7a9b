// occupancy-publisher: predictions and sensor gaps in; Home Assistant discovery, retained HA
// states and the suite's info out; the read-only prediction API on its HTTP port. Logic: libs/publishing.
#include "occupancy/contract/messages.hpp"
#include "occupancy/publishing/prediction_api.hpp"
#include "occupancy/publishing/publisher_core.hpp"
#include "occupancy/runtime/service.hpp"

using namespace occupancy;

int main(int argc, char** argv) {
  return runtime::run_service(
      "publisher", "Publishes predictions to Home Assistant", argc, argv, [](runtime::ServiceContext& ctx) {
        auto core = std::make_shared<publishing::PublisherCore>(ctx.config, OCCUPANCY_VERSION, wall_clock_now());
        auto latest = std::make_shared<publishing::LatestPredictions>();
        auto send = [&ctx](std::vector<publishing::Publication> out) {
          for (auto& p : out) {
            if (p.payload.IsNull())
              ctx.router.clear_retained(*p.channel, p.params);
            else
              ctx.router.publish(*p.channel, p.params, p.payload);
          }
        };
        ctx.on_connected([core, send] { send(core->on_connected()); });
        ctx.router.on(proto::channel::prediction, [&ctx, core, latest, send](const runtime::Inbound& in) {
          const auto p = contract::prediction_from_json(in.doc);
          ctx.require_room(p.room);
          if (in.params.at("room") != p.room)
            throw runtime::Refusal(
                "unknown_room", "/room",
                "the topic names room '" + in.params.at("room") + "' but the payload '" + p.room + "'");
          latest->put(p);
          send(core->on_prediction(p));
        });
        ctx.router.on(proto::channel::gap, [&ctx, core, send](const runtime::Inbound& in) {
          const auto g = contract::gap_from_json(in.doc);
          ctx.require_room(g.room);
          send(core->on_gap(g));
        });
        ctx.router.on(proto::channel::ha_status,
                      [core, send](const runtime::Inbound& in) { send(core->on_ha_status(in.doc.GetString())); });
        // Our own retained info comes back on subscribe: rooms that left the config are removed.
        ctx.router.on(proto::channel::info, [core, send](const runtime::Inbound& in) {
          std::vector<std::string> rooms;
          for (const auto& r : in.doc[proto::fields::info::rooms].GetArray()) rooms.emplace_back(r.GetString());
          send(core->on_info_seen(rooms));
        });
        ctx.route("/api/v1/", [&ctx, latest](const http::Request& req) {
          return publishing::handle_prediction_api(ctx.config, *latest, req);
        });
      });
}
