// `occupancy ha preview`: what Home Assistant will be sent — the hub's and every room's discovery
// config, example room states, and example payloads of the other topics the hub's entities read
// — as JSON, for operators and for the template test (tests/ha_templates).
#include <fmt/format.h>

#include "commands.hpp"
#include "job.hpp"
#include "occupancy/contract/json.hpp"
#include "occupancy/contract/messages.hpp"
#include "occupancy/publishing/ha_state.hpp"
#include "occupancy/publishing/publisher_service.hpp"

namespace occupancy::cli {
namespace {

// States that exercise every template branch: occupied, vacant, durations absent, extremes.
std::vector<HaState> example_states() {
  std::vector<HaState> out;
  Prediction p;
  p.ts = wall_clock_now();
  p.model_version = "example";
  p.occupied_now = true;
  p.occupancy = {{15, 0.97}, {120, 0.31}};
  p.minutes_to_vacancy = 42.4;
  out.push_back(publishing::to_ha_state(p));
  p.occupied_now = false;
  p.occupancy = {{15, 0.0}, {120, 1.0}};
  p.minutes_to_vacancy.reset();
  p.minutes_to_next_occupancy = 95;
  p.fallback = "time-of-week";
  out.push_back(publishing::to_ha_state(p));
  p.fallback = "markov (15 min)";  // a trained version serving a baseline at one horizon
  out.push_back(publishing::to_ha_state(p));
  p.minutes_to_next_occupancy.reset();
  p.occupancy = {{15, 0.5}, {120, 0.499}};
  out.push_back(publishing::to_ha_state(p));
  p.reliable = false;  // a sensor in a gap: the Sensor problem entity names it
  p.trace_id = "019b9c06679456bdcf1f";
  out.push_back(publishing::to_ha_state(p));
  out.back().problem_entities = {"binary_sensor.example_presence"};
  out.push_back(out.front());  // thresholds set in HA (number entities): 97 % at 15 min is below 98
  out.back().threshold_15_pct = 98;
  out.back().threshold_120_pct = 30;
  return out;
}

// What the hub's entities read, per state topic: the model announcement (with and without a
// candidate) and the hub's state (no dead letter yet, then some).
std::string example_payloads(const config::HomeConfig& cfg) {
  const auto topic = [&](const proto::ChannelSpec& c) { return contract::format_topic(c, {{"home", cfg.home}}); };
  contract::ModelAnnouncement m;
  m.version = "m20261130T120000";
  m.feature_set = "v3";
  m.activated_at = format_iso8601(wall_clock_now() - 3 * 24 * 60 * kMinute);
  std::string models = contract::to_json(contract::to_json(m));
  m.candidate = "m20261201T030000";
  m.reason = "registered m20261201T030000 as the candidate: in shadow for 24 h";
  models += "," + contract::to_json(contract::to_json(m));
  publishing::DeadLetterWindow letters;
  std::string hubs = contract::to_json(publishing::hub_state_json(letters, wall_clock_now()));
  letters.add({"cleaner", "parse: not JSON", wall_clock_now()});
  hubs += "," + contract::to_json(publishing::hub_state_json(letters, wall_clock_now()));
  return fmt::format(R"({{"{}":[{}],"{}":[{}]}})", topic(proto::channel::model), models, topic(proto::channel::hub),
                     hubs);
}

}  // namespace

void add_ha_command(CLI::App& app, const GlobalOptions& global, int& result) {
  auto* ha = app.add_subcommand("ha", "Home Assistant integration");
  ha->require_subcommand(1);
  ha->add_subcommand("preview", "Print the discovery configs and example states HA will receive, as JSON")
      ->callback([&] {
        result = run_job("ha preview", [&] {
          const auto cfg = config::load_config(global.config());
          publishing::PublisherService core(cfg, OCCUPANCY_VERSION, wall_clock_now());
          std::string out = "{\"discovery\":[";
          bool first = true;
          for (const auto& p : core.on_connected().publications) {
            if (p.channel != &proto::channel::ha_discovery) continue;
            contract::Params params{{"discovery_prefix", cfg.discovery_prefix}};
            for (const auto& [k, v] : p.params) params[k] = v;
            out += fmt::format("{}{{\"topic\":\"{}\",\"payload\":{}}}", first ? "" : ",",
                               contract::format_topic(*p.channel, params), contract::to_json(p.payload));
            first = false;
          }
          out += "],\"example_states\":[";
          first = true;
          for (const auto& s : example_states()) {
            out += (first ? "" : ",") + contract::to_json(contract::to_json(s));
            first = false;
          }
          fmt::print("{}],\"example_payloads\":{}}}\n", out, example_payloads(cfg));
          return kExitOk;
        });
      });
}

}  // namespace occupancy::cli
