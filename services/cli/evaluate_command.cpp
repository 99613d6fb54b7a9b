// `occupancy evaluate cleaner`: the cat filter and gap detector scored on simulated truth.
// `occupancy evaluate adaptation`: the live loop replayed day by day on a simulated household
// whose routine changes, under three retraining policies (evaluation/adaptation.hpp).
#include <fmt/format.h>

#include <chrono>
#include <fstream>
#include <set>

#include "commands.hpp"
#include "household_options.hpp"
#include "job.hpp"
#include "occupancy/cleaning/clean_report.hpp"
#include "occupancy/evaluation/adaptation.hpp"
#include "occupancy/evaluation/cleaner_evaluation.hpp"
#include "occupancy/simulation/household.hpp"
#include "occupancy/simulation/simulator.hpp"

namespace occupancy::cli {

void add_evaluate_command(CLI::App& app, const GlobalOptions& global, int& result) {
  auto* evaluate = app.add_subcommand("evaluate", "Score a pipeline stage against the simulator's ground truth");
  evaluate->require_subcommand(1);
  struct Options {
    int days = 180;
    HouseholdOptions household;
    bool examples = false;
  };
  auto opts = std::make_shared<Options>();
  auto* cleaner = evaluate->add_subcommand("cleaner", "Cat-filter precision/recall, human rejects, gap recall");
  cleaner->add_option("--days", opts->days, "days to simulate")->check(CLI::Range(1, 3660))->capture_default_str();
  opts->household.add_to(*cleaner);
  cleaner->add_flag("--examples", opts->examples, "list missed cat readings and false alarms");
  cleaner->callback([&global, &result, opts] {
    result = run_job("evaluate cleaner", [&] {
      const auto home = config::load_config(global.config());
      const auto household = opts->household.load();
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

  struct AdaptationCli {
    int days = 150, first_day = -1, every = 5, window_days = 0;
    double half_life_days = 0, prior_half_life_days = 0;
    HouseholdOptions household;
    std::vector<std::string> rooms;
    std::string report = "adaptation.html";
  };
  auto a = std::make_shared<AdaptationCli>();
  auto* adaptation = evaluate->add_subcommand(
      "adaptation", "Replay daily retraining, shadow and promotion on a simulated life change; three policies");
  adaptation->add_option("--days", a->days, "days to simulate")->check(CLI::Range(14, 3660))->capture_default_str();
  a->household.add_to(*adaptation);
  adaptation->add_option("--first-day", a->first_day,
                         "first evaluated day; the first version trains on the days before it (default: 14 days "
                         "before the first change, at least 21)");
  adaptation->add_option("--every", a->every, "score a forecast every N minutes (divides every horizon)")
      ->check(CLI::Range(1, 60))
      ->capture_default_str();
  adaptation->add_option("--window-days", a->window_days, "training window (default archive.history_days)")
      ->check(CLI::Range(7, 3660));
  adaptation->add_option("--half-life-days", a->half_life_days, "training rows weigh 2^(-age/half-life) (0: alike)")
      ->check(CLI::NonNegativeNumber);
  adaptation
      ->add_option("--prior-half-life-days", a->prior_half_life_days,
                   "priors weigh each minute 2^(-age/half-life) (0: alike)")
      ->check(CLI::NonNegativeNumber);
  adaptation->add_option("--rooms", a->rooms, "rooms scored as affected (default: the changes' rooms)")->delimiter(',');
  adaptation->add_option("--report", a->report, "self-contained HTML report to write")->capture_default_str();
  adaptation->callback([&global, &result, a] {
    result = run_job("evaluate adaptation", [&] {
      const auto home = config::load_config(global.config());
      const auto household = a->household.load();
      int change_day = a->days;
      std::set<std::string> affected(a->rooms.begin(), a->rooms.end());
      for (const auto& c : household.changes) {
        change_day = std::min(change_day, c.day);
        if (a->rooms.empty())
          for (const auto& room : simulation::affected_rooms(c)) affected.insert(room);
      }
      for (const auto& room : affected)
        if (!home.find_room(room)) throw CLI::ValidationError("--rooms", "no room '" + room + "' in the home config");
      evaluation::AdaptationOptions o;
      o.days = a->days;
      o.first_day = a->first_day >= 0 ? a->first_day : std::max(21, change_day - 14);
      o.every_min = a->every;
      o.window_days = a->window_days;
      o.train.train.half_life_days = a->half_life_days;
      if (a->half_life_days > 0) o.train.half_life_choices.clear();
      o.train.prior_half_life_days = a->prior_half_life_days;
      o.rooms.assign(affected.begin(), affected.end());
      o.progress = [](const std::string& line) { fmt::print("{}\n", line); };
      const auto sim = simulation::simulate(home, household, a->days);
      o.start = sim.start;
      const auto run = cleaning::clean_history(home, simulation::readings_of(home, sim));
      fmt::print("{} simulated days, seed {}, change on day {}; evaluating days {} .. {}, affected rooms: {}\n",
                 a->days, household.seed, change_day, o.first_day, a->days - 1, fmt::join(o.rooms, ", "));
      const auto r = evaluation::evaluate_adaptation(home, run, o);

      std::string title = "Adaptation";
      for (const auto& c : household.changes) title += fmt::format(" {}@{}", c.kind, c.day);
      title += fmt::format(", seed {}", household.seed);
      std::ofstream(a->report) << evaluation::adaptation_html(r, title, change_day);
      fmt::print("\n{} trainings in {:.0f} s, {:.0f} s in all; report: {}\n", r.trainings, r.train_seconds,
                 r.total_seconds, a->report);
      if (change_day >= a->days) return kExitOk;
      fmt::print("affected rooms' mean daily Brier: 14 days before the change, then week by week after it\n");
      for (int h : r.horizons)
        for (const char* policy : evaluation::AdaptationResult::kPolicies) {
          const auto rec = evaluation::recovery(r, policy, h, change_day);
          std::string weeks;
          for (double w : rec.weeks) weeks += fmt::format(" {:.4f}", w);
          fmt::print(
              "  {:>3} min {:<9} before {:.4f} | after{} | back within 10 % after {}\n", h, policy, rec.before, weeks,
              rec.recovered_after_days < 0 ? std::string("never") : fmt::format("{} days", rec.recovered_after_days));
        }
      const int longest = r.horizons.back();
      const auto shadow = evaluation::recovery(r, "shadow", longest, change_day);
      fmt::print("goal (with shadow, the {}-min Brier back within 10 % within 7 days): {}\n", longest,
                 shadow.recovered_after_days >= 0 && shadow.recovered_after_days <= 7 ? "met" : "NOT met");
      return kExitOk;
    });
  });
}

}  // namespace occupancy::cli
