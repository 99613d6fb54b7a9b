// `occupancy trace ID`: one sensor change, from the HA entity to the HA state it moved, as the
// archives recorded it (libs/store/trace_lookup), with the MQTT topic of every hop so an operator
// can watch the next one live (docs/operations.md, Tracing).
#include <fmt/format.h>

#include "commands.hpp"
#include "job.hpp"
#include "occupancy/cleaning/room_state_machine.hpp"
#include "occupancy/contract/topics.hpp"
#include "occupancy/core/trace_id.hpp"
#include "occupancy/proto/contract.hpp"
#include "occupancy/runtime/logging.hpp"
#include "occupancy/store/trace_lookup.hpp"

namespace occupancy::cli {
namespace {

std::string topic(const proto::ChannelSpec& channel, const config::HomeConfig& home, contract::Params params) {
  params["home"] = home.home;
  return contract::format_topic(channel, params);
}

std::string probabilities(const std::map<int, double>& p) {
  std::string out;
  for (const auto& [h, q] : p) out += fmt::format("{}P({} min) {:.2f}", out.empty() ? "" : ", ", h, q);
  return out;
}

int print_trace(const config::HomeConfig& home, const std::string& id) {
  store::Database db(home.database_url);
  const auto t = store::lookup_trace(db, home.home, id);
  fmt::print("trace {}  event time {}\n", t.id, format_iso8601(t.at));
  if (t.raw) {
    const auto& r = *t.raw;
    fmt::print("  ingestor   reading   {} -> {} ({} {}/{})\n", r.entity_id, to_string(r.state), r.kind, r.room, r.zone);
    fmt::print("                       {}\n", topic(proto::channel::raw, home, {{"room", r.room}, {"zone", r.zone}}));
    if (t.clean)
      fmt::print("  cleaner    accepted  {}\n",
                 topic(proto::channel::clean, home, {{"room", r.room}, {"zone", r.zone}}));
    else
      fmt::print("  cleaner    not accepted: rejected (the reason is on {} and in the cleaner's log), or still held\n",
                 topic(proto::channel::rejected, home, {{"room", r.room}, {"zone", r.zone}}));
  } else if (const auto rule = cleaning::explain_rule_trace(id, home)) {
    fmt::print("  cleaner    cause     {}\n", *rule);
  } else {
    fmt::print("  ingestor   no archived reading has this id (archive off, older than the archive, or another home)\n");
  }
  for (const auto& s : t.states) {
    fmt::print("  cleaner    state     {} {} at {} (since {}){}{}\n", s.room, s.occupied ? "occupied" : "vacant",
               format_iso8601(s.ts), format_iso8601(s.since),
               s.active_zones.empty() ? "" : fmt::format(", zones {}", fmt::join(s.active_zones, " ")),
               s.reliable ? "" : ", unreliable (a sensor in a gap)");
    fmt::print("                       {}\n", topic(proto::channel::state, home, {{"room", s.room}}));
  }
  if (t.found() && t.states.empty())
    fmt::print("  cleaner    moved no room's state (the room already was so, or the reading was not accepted)\n");
  for (const auto& f : t.forecasts) {
    fmt::print("  predictor  forecast  {} at {}: {} (model {}{})\n", f.room, format_iso8601(f.first),
               probabilities(f.first_occupancy), f.model_version, f.fallback ? ", fallback " + *f.fallback : "");
    fmt::print("                       named by {} forecast minute(s) up to {}\n", f.minutes, format_iso8601(f.last));
    fmt::print("                       {}\n", topic(proto::channel::prediction, home, {{"room", f.room}}));
    fmt::print("  publisher  HA state  {} (trace_id in the payload while it is the room's latest change)\n",
               topic(proto::channel::ha_state, home, {{"room", f.room}}));
  }
  if (!t.states.empty() && t.forecasts.empty())
    fmt::print("  predictor  no archived forecast names it yet (predictor archive off, or not settled yet)\n");
  fmt::print("logs: at debug level every service logs each hop with trace_id {}\n", t.id);
  return t.found() ? kExitOk : kExitData;
}

}  // namespace

void add_trace_command(CLI::App& app, const GlobalOptions& global, int& result) {
  auto* cmd = app.add_subcommand(
      "trace", "Follow one sensor change (its trace id, from any message or log line) to the HA state it moved");
  auto id = std::make_shared<std::string>();
  cmd->add_option("id", *id, "the trace id: 20 hex digits, in every raw, clean, state, prediction and HA message")
      ->required()
      ->check([](const std::string& s) { return is_trace_id(s) ? "" : "a trace id is 20 lower-case hex digits"; });
  cmd->callback([&global, &result, id] {
    result = run_job("trace", [&] {
      const auto home = config::load_config(global.config());
      runtime::setup_logging("occupancy", home.logging);
      return print_trace(home, *id);
    });
  });
}

}  // namespace occupancy::cli
