// `occupancy sim history`: a simulated household's history as an HA export, with truth.
#include <fmt/format.h>

#include <chrono>
#include <iostream>

#include "commands.hpp"
#include "household_options.hpp"
#include "job.hpp"
#include "occupancy/config/home_config.hpp"
#include "occupancy/runtime/exit_codes.hpp"
#include "occupancy/simulation/history_writer.hpp"

namespace occupancy::cli {

void add_sim_command(CLI::App& app, const GlobalOptions& global, int& result) {
  auto* sim = app.add_subcommand("sim", "Household simulator (deterministic, seeded, with ground truth)");
  sim->require_subcommand(1);
  add_sim_serve_command(*sim, global, result);

  struct Options {
    int days = 180;
    std::string out = "history.csv", truth;
    HouseholdOptions household;
  };
  auto opts = std::make_shared<Options>();
  auto* history = sim->add_subcommand("history", "Write simulated history as HA's history CSV, plus truth files");
  history->add_option("--days", opts->days, "days to simulate")->check(CLI::Range(1, 3660));
  history->add_option("--out", opts->out, "history CSV to write")->capture_default_str();
  history->add_option("--truth", opts->truth, "folder for the truth files and entities.csv");
  history->add_option("--start", opts->household.start, "first local day, YYYY-MM-DD (default: the household file's)");
  opts->household.add_to(*history);
  history->callback([&global, &result, opts] {
    result = run_job("sim history", [&] {
      const auto home = config::load_config(global.config());
      const auto household = opts->household.load();
      const auto t0 = std::chrono::steady_clock::now();
      const auto sim = simulation::simulate(home, household, opts->days);
      simulation::write_history_csv(opts->out, sim);
      if (!opts->truth.empty()) {
        simulation::write_truth(opts->truth, sim);
        simulation::write_entities_csv(std::filesystem::path(opts->truth) / "entities.csv", home);
      }
      const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      size_t cat = 0;
      for (const auto& e : sim.events) cat += e.cause == simulation::Cause::cat;
      fmt::print(
          "{} days ({} .. {}), seed {}: {} events ({} by the cat), {} faults, {} vacation days -> {}{} in {:.2f} s\n",
          opts->days, format_iso8601(sim.start), format_iso8601(sim.end), household.seed, sim.events.size(), cat,
          sim.faults.size(), sim.vacation_days.size(), opts->out,
          opts->truth.empty() ? "" : " + truth in " + opts->truth, secs);
      return kExitOk;
    });
  });
}

}  // namespace occupancy::cli
