#pragma once
// The simulated household's options, shared by `sim history`, `evaluate cleaner` and
// `evaluate adaptation`: the household file, a seed, --set overrides and life changes.
#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "occupancy/simulation/household.hpp"

namespace occupancy::cli {

struct HouseholdOptions {
  std::optional<std::uint64_t> seed;
  std::string household, start;
  std::vector<std::string> overrides, changes;

  void add_to(CLI::App& cmd) {
    cmd.add_option("--seed", seed, "random seed (default: the household file's)");
    cmd.add_option("--household", household, "household parameters (default config/household.yaml)");
    cmd.add_option("--set", overrides, "override a household parameter, e.g. --set cat.night_visits=0");
    cmd.add_option("--change", changes, "a life change from a day on: new-job@60, guest-room-office@60")
        ->check([](const std::string& text) {
          try {
            simulation::parse_life_change(text);
            return std::string();
          } catch (const std::exception& e) {
            return std::string(e.what());
          }
        });
  }

  simulation::Household load() const {
    auto all = overrides;
    if (seed) all.push_back("seed=" + std::to_string(*seed));
    if (!start.empty()) all.push_back("start_date=\"" + start + "\"");
    auto h = simulation::load_household(
        household.empty() ? simulation::default_household_path() : std::filesystem::path(household), all);
    for (const auto& c : changes) h.changes.push_back(simulation::parse_life_change(c));
    return h;
  }
};

}  // namespace occupancy::cli
