// `occupancy backtest --history FILE.csv (--config HOME.yaml | --entities entities.csv --tz ZONE)
// [--test-days N] --out DIR`: what a version would serve against the baselines on a history's
// last days. `occupancy backtest --homes DIR... --out DIR`: the same for every recorded home
// (history.csv, entities.csv, SOURCE.md naming the zone), then one summary table.
#include <fmt/format.h>

#include <chrono>
#include <fstream>

#include "history_input.hpp"
#include "job.hpp"
#include "occupancy/cleaning/clean_report.hpp"
#include "occupancy/core/time.hpp"
#include "occupancy/evaluation/backtest_report.hpp"
#include "occupancy/evaluation/home_summary.hpp"
#include "occupancy/history/recorded_home.hpp"
#include "occupancy/store/model_registry.hpp"

namespace occupancy::cli {
namespace {

void write_outputs(const std::filesystem::path& dir, const evaluation::BacktestResult& r,
                   const std::vector<int>& horizons, const std::string& title) {
  std::filesystem::create_directories(dir);
  std::ofstream csv(dir / "predictions.csv");
  evaluation::write_predictions_csv(csv, r);
  std::ofstream html(dir / "report.html");
  evaluation::write_report_html(html, r, horizons, title);
  if (!csv || !html) throw std::runtime_error("cannot write to " + dir.string());
}

}  // namespace

void add_backtest_command(CLI::App& app, const GlobalOptions& global, int& result) {
  struct Options {
    HistoryOptions in;
    int test_days = 0;
    std::string out, model;
    std::vector<std::string> homes;
    bool no_choice = false;
    int prior_folds = evaluation::ServedTrainOptions{}.prior_folds;
    double half_life_days = 0, prior_half_life_days = 0;
  };
  auto o = std::make_shared<Options>();
  auto* cmd =
      app.add_subcommand("backtest", "Train on a history's beginning and score model and baselines on its last days");
  o->in.add_to(*cmd, false);
  cmd->add_option("--test-days", o->test_days, "days at the end to test on (default 30; with --homes a third, 3-10)")
      ->check(CLI::Range(1, 3650));
  cmd->add_option("--out", o->out, "folder for report.html and predictions.csv")->required();
  cmd->add_option("--model", o->model,
                  "score this registered version (and its priors) instead of training one (needs the database)");
  cmd->add_option("--homes", o->homes,
                  "recorded homes' folders (history.csv, entities.csv, SOURCE.md): one summary table over all")
      ->check(CLI::ExistingDirectory)
      ->excludes("--model");
  cmd->add_flag("--boosters-only", o->no_choice,
                "serve the boosters in every room (no choice on validation days; for comparison)");
  cmd->add_option("--prior-folds", o->prior_folds,
                  "training rows see priors learned without their own fold of days (1: priors from all days)")
      ->check(CLI::Range(1, 20))
      ->capture_default_str();
  cmd->add_option("--half-life-days", o->half_life_days, "training rows weigh 2^(-age/half-life) (0: alike)")
      ->check(CLI::Range(0.0, 3650.0));
  cmd->add_option("--prior-half-life-days", o->prior_half_life_days,
                  "priors weigh each minute 2^(-age/half-life) (0: alike)")
      ->check(CLI::Range(0.0, 3650.0));
  cmd->footer("Exit codes: 0 every quality bar met, 1 a bar missed (the report says which), 5 bad rows, 2/3 as usual.");
  cmd->callback([&global, &result, o] {
    result = run_job("backtest", [&]() -> int {
      evaluation::BacktestOptions options;
      options.train.choose = !o->no_choice;
      options.train.prior_folds = o->prior_folds;
      options.train.train.half_life_days = o->half_life_days;
      if (o->half_life_days > 0) options.train.half_life_choices.clear();  // as given, not chosen
      options.train.prior_half_life_days = o->prior_half_life_days;
      if (!o->homes.empty()) {
        std::vector<evaluation::HomeSummary> summaries;
        for (const auto& folder : o->homes) {
          const auto recorded = history::read_recorded_home(folder, o->in.tz);
          HistoryOptions in = o->in;
          in.history = recorded.history.string();
          in.entities = recorded.entities.string();
          in.tz = recorded.tz;
          const auto [home, input] = load_history_input(global, in);
          const auto run = cleaning::clean_history(home, input.readings);
          const double days =
              run.clean.empty() ? 0 : static_cast<double>(run.clean.back().ts - run.clean.front().ts) / kDay;
          options.test_days = o->test_days > 0 ? o->test_days : evaluation::recorded_home_test_days(days);
          fmt::print("{}: {} readings, zone {}, testing the last {} days...\n", recorded.name, input.readings.size(),
                     recorded.tz, options.test_days);
          std::fflush(stdout);
          const auto r = evaluation::run_backtest(home, run, options);
          fmt::print("{}: training half-life chosen on the held-out days: {}\n", recorded.name,
                     r.serving.half_life_days > 0 ? fmt::format("{} days", r.serving.half_life_days) : "none");
          fmt::print("{}: {}", recorded.name, evaluation::format_vacant_within(r));
          write_outputs(std::filesystem::path(o->out) / recorded.name, r, home.horizons_min,
                        "Occupancy backtest: " + recorded.name);
          summaries.push_back(evaluation::summarize(recorded.name, options.test_days, r, home.horizons_min));
        }
        const auto table = evaluation::format_summary(summaries);
        fmt::print("\n{}", table);
        std::ofstream md(std::filesystem::path(o->out) / "summary.md");
        md << table;
        if (!md) throw std::runtime_error("cannot write " + o->out + "/summary.md");
        return evaluation::goals_met(summaries) ? kExitOk : kExitFailure;
      }

      if (o->in.history.empty()) throw config::ConfigError("command line", "--history", "give --history or --homes");
      const auto [home, input] = load_history_input(global, o->in);
      fmt::print("cleaning {} readings...\n", input.readings.size());
      std::fflush(stdout);
      const auto run = cleaning::clean_history(home, input.readings);
      options.test_days = o->test_days > 0 ? o->test_days : 30;
      std::optional<models::TrainedModel> fixed;
      if (!o->model.empty()) {
        store::Database db(home.database_url);
        const auto files = store::load_model_files(db, o->model);
        if (files.empty()) throw std::runtime_error("model " + o->model + " is not in the registry");
        fixed = models::TrainedModel::from_files(files, features::FeatureSet(home.horizons_min).names());
        options.fixed = &*fixed;
      }
      fmt::print("training and testing (last {} days)...\n", options.test_days);
      std::fflush(stdout);
      const auto r = evaluation::run_backtest(home, run, options);

      const std::filesystem::path dir(o->out);
      write_outputs(dir, r, home.horizons_min,
                    "Occupancy backtest: " + std::filesystem::path(o->in.history).filename().string());
      fmt::print("{}", evaluation::format_tables(r, home.horizons_min));
      fmt::print("\n{}", evaluation::format_vacant_within(r));
      fmt::print("\n{}",
                 evaluation::format_summary({evaluation::summarize(std::filesystem::path(o->in.history).stem().string(),
                                                                   options.test_days, r, home.horizons_min)}));
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
