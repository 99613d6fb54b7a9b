// Throughput of the cleaner's pure core (cat filter, gaps, impossible states, room states):
// simulated history in, decisions out, no I/O. Goal (cleaner issue): >= 50k readings/s.
//   build/bin/occupancy-bench-cleaner [--days 180] [--repeat 5]
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>

#include "occupancy/cleaning/cleaner_core.hpp"
#include "occupancy/config/home_config.hpp"
#include "occupancy/simulation/household.hpp"
#include "occupancy/simulation/simulator.hpp"

using namespace occupancy;

int main(int argc, char** argv) {
  CLI::App app{"Cleaner core throughput on simulated history", "occupancy-bench-cleaner"};
  int days = 180, repeat = 5;
  app.add_option("--days", days, "simulated days")->capture_default_str();
  app.add_option("--repeat", repeat, "runs; the best and the median are reported")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  const auto home = config::load_config(std::nullopt);
  const auto sim = simulation::simulate(home, simulation::load_household(simulation::default_household_path()), days);
  const auto readings = simulation::readings_of(home, sim);
  std::vector<double> rates;
  std::size_t clean = 0;
  for (int i = 0; i < repeat; ++i) {
    cleaning::CleanerCore core(home);
    cleaning::CleanerOutput out;
    clean = 0;
    const auto t0 = std::chrono::steady_clock::now();
    for (const auto& r : readings) {
      core.push(r, out);
      clean += out.clean.size();
      out.clear();
    }
    core.finish(out);
    clean += out.clean.size();
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    rates.push_back(static_cast<double>(readings.size()) / secs);
  }
  std::sort(rates.begin(), rates.end());
  const double median = rates[rates.size() / 2];
  fmt::print(
      "cleaner core: {} readings ({} days, {} clean), best {:.0f} readings/s, median {:.0f} readings/s: goal "
      "50,000 {}\n",
      readings.size(), days, clean, rates.back(), median, median >= 50'000 ? "met" : "NOT met");
  return clean > 0 ? 0 : 1;
}
