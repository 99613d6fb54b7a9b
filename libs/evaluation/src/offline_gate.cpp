#include "occupancy/evaluation/offline_gate.hpp"

#include <fmt/format.h>

#include <limits>
#include <stdexcept>

#include "occupancy/evaluation/backtest.hpp"
#include "occupancy/models/forecaster.hpp"
#include "occupancy/models/shadow_evaluation.hpp"

namespace occupancy::evaluation {

double mean_over_horizons(const std::map<int, double>& by_horizon) {
  double s = 0;
  for (const auto& [_, b] : by_horizon) s += b;
  return by_horizon.empty() ? 0 : s / static_cast<double>(by_horizon.size());
}

std::vector<GateFold> rolling_folds(const config::HomeConfig& home, const cleaning::CleanRun& run,
                                    const models::TrainedModel* active, const FoldOptions& o,
                                    std::vector<std::string>* skipped) {
  if (run.clean.empty()) throw std::runtime_error("the history has no clean readings");
  std::vector<GateFold> folds;
  const Millis end = o.end > 0 ? o.end : run.clean.back().ts;
  for (int k = 0; k < o.folds; ++k) {
    BacktestOptions bo;
    bo.test_days = o.fold_days;
    bo.start = o.start;
    bo.test_end = end - static_cast<Millis>(k) * o.fold_days * kDay;
    bo.incumbent = active;
    bo.train = o.train;
    try {
      const auto r = run_backtest(home, run, bo);
      GateFold f{r.test_start, r.end, {}};
      for (const auto& name : r.forecasters)
        for (int h : home.horizons_min) f.brier[name][h] = r.mean_brier(name, h);
      folds.push_back(std::move(f));
    } catch (const std::runtime_error& e) {
      if (skipped) skipped->push_back(fmt::format("fold {} skipped: {}", k + 1, e.what()));
    }
  }
  return folds;
}

GateVerdict offline_gate(const std::vector<GateFold>& folds, bool shadow_follows, const std::string& active_version) {
  if (folds.empty()) return {true, "no fold to judge by (the history is short)"};
  const auto& latest = folds.front().brier;
  const double mine = mean_over_horizons(latest.at("model"));
  if (!shadow_follows) {
    const auto active = latest.find("active");
    if (active == latest.end()) return {true, "the active version is not comparable"};
    const double theirs = mean_over_horizons(active->second);
    return {mine < theirs,
            fmt::format("latest fold mean Brier {:.4f} vs active {} {:.4f}", mine, active_version, theirs)};
  }
  std::string best;
  double best_brier = std::numeric_limits<double>::infinity();
  for (const auto& name : models::baseline_names())
    if (const auto b = latest.find(name); b != latest.end() && mean_over_horizons(b->second) < best_brier) {
      best = name;
      best_brier = mean_over_horizons(b->second);
    }
  if (best.empty()) return {true, "no baseline scored on the latest fold"};
  return {mine <= best_brier,
          fmt::format("latest fold mean Brier {:.4f} vs best baseline {} {:.4f}", mine, best, best_brier)};
}

Promotion decide_promotion(const std::vector<GateFold>& folds, const RegistryState& registry, bool force,
                           double shadow_hours, Millis now) {
  const bool shadow_follows = registry.active && !force && shadow_hours > 0;
  const auto gate = force                         ? GateVerdict{true, "--force"}
                    : !registry.active            ? GateVerdict{true, "no active version yet"}
                    : !registry.active_comparable ? GateVerdict{true, "the active version is not comparable"}
                                                  : offline_gate(folds, shadow_follows, *registry.active);
  using Action = Promotion::Action;
  if (!gate.pass) return {Action::stay_candidate, gate.why};
  if (!shadow_follows) return {Action::activate, gate.why};
  if (registry.shadow && !models::may_take_shadow(registry.shadow_since, now, shadow_hours))
    return {Action::shadow_busy, gate.why};
  return {Action::start_shadow, gate.why};
}

}  // namespace occupancy::evaluation
