// `occupancy backtest --history FILE.csv (--config HOME.yaml | --entities entities.csv --tz ZONE)
// [--test-days N] --out DIR`: the model against the baselines on a history's last days.
#include <fmt/format.h>

#include <chrono>
#include <fstream>

#include "history_input.hpp"
#include "job.hpp"
#include "occupancy/cleaning/clean_report.hpp"
#include "occupancy/evaluation/backtest_report.hpp"
#include "occupancy/store/model_registry.hpp"

namespace occupancy::cli {

void add_backtest_command(CLI::App& app, const GlobalOptions& global, int& result) {
  struct Options {
    HistoryOptions in;
    int test_days = 30;
    std::string out, model;
  };
  auto o = std::make_shared<Options>();
  auto* cmd =
      app.add_subcommand("backtest", "Train on a history's beginning and score model and baselines on its last days");
  o->in.add_to(*cmd);
  cmd->add_option("--test-days", o->test_days, "days at the end to test on")
      ->check(CLI::Range(1, 3650))
      ->capture_default_str();
  cmd->add_option("--out", o->out, "folder for report.html and predictions.csv")->required();
  cmd->add_option("--model", o->model,
                  "score this registered version (and its priors) instead of training one (needs the database)");
  cmd->footer("Exit codes: 0 every quality bar met, 1 a bar missed (the report says which), 5 bad rows, 2/3 as usual.");
  cmd->callback([&global, &result, o] {
    result = run_job("backtest", [&] {
      const auto [home, input] = load_history_input(global, o->in);
      fmt::print("cleaning {} readings...\n", input.readings.size());
      std::fflush(stdout);
      const auto run = cleaning::clean_history(home, input.readings);
      evaluation::BacktestOptions options;
      options.test_days = o->test_days;
      std::optional<models::TrainedModel> fixed;
      if (!o->model.empty()) {
        store::Database db(home.database_url);
        const auto files = store::load_model_files(db, o->model);
        if (files.empty()) throw std::runtime_error("model " + o->model + " is not in the registry");
        fixed = models::TrainedModel::from_files(files, features::FeatureSet(home.horizons_min).names());
        options.fixed = &*fixed;
      }
      fmt::print("training and testing (last {} days)...\n", o->test_days);
      std::fflush(stdout);
      const auto r = evaluation::run_backtest(home, run, options);

      const std::filesystem::path dir(o->out);
      std::filesystem::create_directories(dir);
      {
        std::ofstream csv(dir / "predictions.csv");
        evaluation::write_predictions_csv(csv, r);
        std::ofstream html(dir / "report.html");
        evaluation::write_report_html(
            html, r, home.horizons_min,
            "Occupancy backtest: " + std::filesystem::path(o->in.history).filename().string());
        if (!csv || !html) throw std::runtime_error("cannot write to " + dir.string());
      }
      fmt::print("{}", evaluation::format_tables(r, home.horizons_min));
      bool met = false;
      fmt::print("\nQuality bars:\n{}", evaluation::format_bars(r, home.horizons_min, met));
      fmt::print("\n{} predictions -> {}, report -> {} ({:.1f} s)\n", r.predictions.size(),
                 (dir / "predictions.csv").string(), (dir / "report.html").string(), r.total_seconds);
      if (!input.errors.empty()) return kExitData;
      return met ? kExitOk : kExitFailure;
    });
  });
}

}  // namespace occupancy::cli
