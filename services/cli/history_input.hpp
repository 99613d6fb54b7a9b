#pragma once
// The input shared by `clean`, `backtest` and `train --history`: an HA history export with
// either the home config or, for a user with nothing but the export, entities.csv + a zone.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <string>

#include "commands.hpp"
#include "occupancy/cleaning/cat_filter.hpp"
#include "occupancy/config/home_config.hpp"
#include "occupancy/history/csv_history.hpp"
#include "occupancy/history/home_from_entities.hpp"

namespace occupancy::cli {

struct HistoryOptions {
  std::string history, entities, tz;
  size_t show_errors = 20;

  void add_to(CLI::App& cmd, bool history_required = true) {
    auto* h =
        cmd.add_option("--history", history, "HA history CSV (entity_id,state,last_changed)")->check(CLI::ExistingFile);
    if (history_required) h->required();
    auto* e = cmd.add_option("--entities", entities,
                             "entities.csv (entity_id,room,zone,kind) instead of the home config; needs --tz")
                  ->check(CLI::ExistingFile);
    cmd.add_option("--tz", tz, "the home's IANA time zone, with --entities")->needs(e);
  }
};

struct HistoryInput {
  config::HomeConfig home;
  history::ImportResult input;
};

inline HistoryInput load_history_input(const GlobalOptions& global, const HistoryOptions& o) {
  if (!o.entities.empty() && o.tz.empty())
    throw config::ConfigError("command line", "--tz",
                              "--entities needs the home's time zone, e.g. --tz Europe/Bucharest");
  HistoryInput in{o.entities.empty()
                      ? config::load_config(global.config())
                      : history::home_from_entities(history::read_entities_csv(o.entities), o.tz, o.entities),
                  {}};
  if (!o.entities.empty())  // what an entity list could not decide, said once
    for (const auto& line : cleaning::cat_rules(in.home)) fmt::print("{}\n", line);
  in.input = history::read_history_csv(o.history, history::entities_from_config(in.home));
  for (size_t i = 0; i < in.input.errors.size() && i < o.show_errors; ++i)
    fmt::print(stderr, "{}: line {}: {}\n", o.history, in.input.errors[i].line, in.input.errors[i].reason);
  if (in.input.errors.size() > o.show_errors)
    fmt::print(stderr, "... and {} more bad rows\n", in.input.errors.size() - o.show_errors);
  return in;
}

}  // namespace occupancy::cli
