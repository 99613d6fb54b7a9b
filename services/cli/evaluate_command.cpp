// `occupancy evaluate cleaner`: the cat filter and gap detector scored on simulated truth.
#include <fmt/format.h>

#include <chrono>

#include "commands.hpp"
#include "job.hpp"
#include "occupancy/evaluation/cleaner_evaluation.hpp"
#include "occupancy/simulation/household.hpp"

namespace occupancy::cli {

void add_evaluate_command(CLI::App& app, const GlobalOptions& global, int& result) {
  auto* evaluate = app.add_subcommand("evaluate", "Score a pipeline stage against the simulator's ground truth");
  evaluate->require_subcommand(1);
  struct Options {
    int days = 180;
    std::optional<std::uint64_t> seed;
    std::string household;
    std::vector<std::string> overrides;
    bool examples = false;
  };
  auto opts = std::make_shared<Options>();
  auto* cleaner = evaluate->add_subcommand("cleaner", "Cat-filter precision/recall, human rejects, gap recall");
  cleaner->add_option("--days", opts->days, "days to simulate")->check(CLI::Range(1, 3660))->capture_default_str();
  cleaner->add_option("--seed", opts->seed, "random seed (default: the household file's)");
  cleaner->add_option("--household", opts->household, "household parameters (default config/household.yaml)");
  cleaner->add_option("--set", opts->overrides, "override a household parameter, e.g. --set cat.night_visits=20");
  cleaner->add_flag("--examples", opts->examples, "list missed cat readings and false alarms");
  cleaner->callback([&global, &result, opts] {
    result = run_job("evaluate cleaner", [&] {
      const auto home = config::load_config(
          global.config_path.empty() ? std::nullopt : std::optional<std::filesystem::path>(global.config_path));
      auto overrides = opts->overrides;
      if (opts->seed) overrides.push_back("seed=" + std::to_string(*opts->seed));
      const auto household = simulation::load_household(
          opts->household.empty() ? simulation::default_household_path() : std::filesystem::path(opts->household),
          overrides);
      const auto t0 = std::chrono::steady_clock::now();
      const auto sim = simulation::simulate(home, household, opts->days);
      const auto score = evaluation::evaluate_cleaner(home, sim);
      const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      fmt::print("cleaner on {} simulated days, seed {} ({:.1f} s)\n{}", opts->days, household.seed, secs,
                 evaluation::format_score(score));
      if (opts->examples) {
        for (const auto& m : score.missed) fmt::print("missed: {}\n", m);
        for (const auto& f : score.false_alarms) fmt::print("false alarm: {}\n", f);
      }
      const bool pass = score.precision() >= 0.95 && score.recall() >= 0.95 && score.human_rejected_share() <= 0.01 &&
                        score.gap_recall() >= 1.0;
      fmt::print("bars (precision, recall >= 0.95; human rejects <= 1%; gap recall 1.0): {}\n",
                 pass ? "met" : "NOT met");
      return pass ? kExitOk : kExitFailure;
    });
  });
}

}  // namespace occupancy::cli
