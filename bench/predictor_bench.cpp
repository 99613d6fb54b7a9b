// Predictor latency: one feature vector in, one prediction out, through PredictorCore with a
// trained model (the service's code without MQTT). Goal (predictor issue): p99 <= 1 ms per room.
//   build/bin/occupancy-bench-predictor [--days 60]
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <map>

#include "occupancy/cleaning/clean_report.hpp"
#include "occupancy/evaluation/backtest.hpp"
#include "occupancy/features/feature_stream.hpp"
#include "occupancy/models/predictor_core.hpp"
#include "occupancy/simulation/household.hpp"
#include "occupancy/simulation/simulator.hpp"

using namespace occupancy;

int main(int argc, char** argv) {
  CLI::App app{"Predictor latency per feature vector", "occupancy-bench-predictor"};
  int days = 60;
  app.add_option("--days", days, "simulated days (the model trains on them)")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  const auto home = config::load_config(std::nullopt);
  const auto sim = simulation::simulate(home, simulation::load_household(simulation::default_household_path()), days);
  const auto run = cleaning::clean_history(home, simulation::readings_of(home, sim));
  auto model = std::make_shared<models::TrainedModel>(evaluation::train_on_history(home, run, {}, "bench"));

  // The last day's feature vectors, as the feature service would publish them.
  features::FeatureStream stream(home, model->priors);
  for (const auto& s : run.states) stream.on_state(s);
  for (const auto& r : run.clean) stream.on_reading(r);
  auto vectors = stream.settle(sim.end);
  std::erase_if(vectors, [&](const FeatureVector& fv) { return fv.ts < sim.end - 24 * 3'600'000LL; });

  models::PredictorCore core(home);
  core.use_model(model);
  std::map<std::string, std::vector<double>> micros;
  for (const auto& fv : vectors) {
    const auto t0 = std::chrono::steady_clock::now();
    const auto p = core.predict(fv);
    micros[fv.room].push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
    if (p.occupancy.empty()) return 1;
  }
  double worst_p99 = 0;
  for (auto& [room, v] : micros) {
    std::sort(v.begin(), v.end());
    const double p50 = v[v.size() / 2], p99 = v[v.size() * 99 / 100], max = v.back();
    worst_p99 = std::max(worst_p99, p99);
    fmt::print("{:<16} {:>6} predictions  p50 {:>6.1f} us  p99 {:>6.1f} us  max {:>7.1f} us\n", room, v.size(), p50,
               p99, max);
  }
  fmt::print("worst p99 {:.1f} us: goal 1,000 us {}\n", worst_p99, worst_p99 <= 1000 ? "met" : "NOT met");
  return 0;
}
