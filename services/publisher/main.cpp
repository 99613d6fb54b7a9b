// occupancy-publisher: predictions in; Home Assistant states (retained) and the suite's info
// out. Walking skeleton: MQTT discovery and the HTTP API arrive with the publisher issue.
#include <map>

#include "occupancy/contract/json.hpp"
#include "occupancy/contract/messages.hpp"
#include "occupancy/publishing/ha_state.hpp"
#include "occupancy/runtime/service.hpp"

using namespace occupancy;

namespace {

rapidjson::Document info_json(const config::HomeConfig& cfg, Millis started) {
  namespace f = proto::fields::info;
  rapidjson::Document d(rapidjson::kObjectType);
  auto& a = d.GetAllocator();
  rapidjson::Value rooms(rapidjson::kArrayType);
  for (const auto& r : cfg.rooms) rooms.PushBack(contract::json_string(r.id, a), a);
  d.AddMember(rapidjson::StringRef(f::version), rapidjson::StringRef(OCCUPANCY_VERSION), a);
  d.AddMember(rapidjson::StringRef(f::home), contract::json_string(cfg.home, a), a);
  d.AddMember(rapidjson::StringRef(f::rooms), rooms, a);
  d.AddMember(rapidjson::StringRef(f::model_version), rapidjson::Value(), a);
  d.AddMember(rapidjson::StringRef(f::started_at), contract::json_string(format_iso8601(started), a), a);
  return d;
}

}  // namespace

int main(int argc, char** argv) {
  return runtime::run_service(
      "publisher", "Publishes predictions to Home Assistant", argc, argv, [](runtime::ServiceContext& ctx) {
        const Millis started = wall_clock_now();
        auto latest = std::make_shared<std::map<std::string, HaState>>();
        auto publish_state = [&ctx](const std::string& room, const HaState& s) {
          ctx.router.publish(proto::channel::ha_state, {{"room", room}}, contract::to_json(s));
        };
        ctx.on_connected(
            [&ctx, started] { ctx.router.publish(proto::channel::info, {}, info_json(ctx.config, started)); });
        ctx.router.on(proto::channel::prediction, [&ctx, latest, publish_state](const runtime::Inbound& in) {
          const auto p = contract::prediction_from_json(in.doc);
          if (ctx.config.find_room(p.room) == nullptr)
            throw runtime::Refusal("unknown_room", "/room", "room '" + p.room + "' is not in the home config");
          const auto s = publishing::to_ha_state(p);
          (*latest)[p.room] = s;
          publish_state(p.room, s);
        });
        // HA restarted: it lost non-retained state; send everything again.
        ctx.router.on(proto::channel::ha_status, [latest, publish_state](const runtime::Inbound& in) {
          if (std::string_view(in.doc.GetString()) != "online") return;
          for (const auto& [room, s] : *latest) publish_state(room, s);
        });
      });
}
