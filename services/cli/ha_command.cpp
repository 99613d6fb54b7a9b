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

// P at the first horizon, another at the rest (the config's horizons).
std::map<int, double> at_horizons(const std::vector<int>& horizons, double first, double rest) {
  std::map<int, double> out;
  for (const int h : horizons) out[h] = out.empty() ? first : rest;
  return out;
}

// States that exercise every template branch: occupied, vacant, durations absent, extremes, a
// horizon missing, thresholds set in HA.
std::vector<HaState> example_states(const config::House& house) {
  const auto& hs = house.horizons_min;
  std::vector<HaState> out;
  Prediction p;
  p.ts = wall_clock_now();
  p.model_version = "example";
  p.occupied_now = true;
  p.occupancy = at_horizons(hs, 0.97, 0.31);
  p.vacant_within = at_horizons(house.vacant_within_min, 0.12, 0.64);
  p.minutes_to_vacancy = 42.4;
  p.live_accuracy = at_horizons(hs, 0.9312, 0.8805);  // how the forecasts did live
  p.live_brier = at_horizons(hs, 0.05127, 0.0833);
  p.live_matured = at_horizons(hs, 96, 96);
  out.push_back(publishing::to_ha_state(p));
  p.live_accuracy.clear();
  p.live_brier.clear();
  p.live_matured.clear();
  p.occupied_now = false;
  p.occupancy = at_horizons(hs, 0.0, 1.0);
  p.vacant_within = at_horizons(house.vacant_within_min, 1.0, 1.0);
  p.minutes_to_vacancy.reset();
  p.minutes_to_next_occupancy = 95;
  p.fallback = "time-of-week";
  out.push_back(publishing::to_ha_state(p));
  p.fallback = "markov (15 min)";  // a trained version serving a baseline at one horizon
  out.push_back(publishing::to_ha_state(p));
  p.minutes_to_next_occupancy.reset();
  p.vacant_within.clear();  // no duration forecast served
  p.occupancy = at_horizons(hs, 0.5, 0.499);
  out.push_back(publishing::to_ha_state(p));
  p.reliable = false;  // a sensor in a gap: the Sensor problem entity names it
  p.trace_id = "019b9c06679456bdcf1f";
  p.occupancy.erase(p.occupancy.begin());  // a horizon the model does not serve: unknown in HA
  out.push_back(publishing::to_ha_state(p));
  out.back().problem_entities = {"binary_sensor.example_presence"};
  out.push_back(out.front());  // thresholds set in HA (number entities): 97 % at the first is below 98
  out.back().threshold_pct = at_horizons(hs, 98, 30);
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
          for (const auto& s : example_states(cfg)) {
            out += (first ? "" : ",") + contract::to_json(contract::to_json(s));
            first = false;
          }
          fmt::print("{}],\"example_payloads\":{}}}\n", out, example_payloads(cfg));
          return kExitOk;
        });
      });
}

}  // namespace occupancy::cli
