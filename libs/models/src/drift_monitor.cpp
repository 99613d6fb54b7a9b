#include "occupancy/models/drift_monitor.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace occupancy::models {
namespace {

double brier(double p, bool y) { return (p - (y ? 1 : 0)) * (p - (y ? 1 : 0)); }

}  // namespace

void DriftMonitor::predicted(const std::string& room, Millis made_at, const std::map<int, double>& model,
                             const std::map<int, double>& baseline) {
  pending_.predicted(room, made_at, model, baseline);
}

DriftMonitor::Status DriftMonitor::status_of(const Window& w) const {
  Status s;
  s.n = w.pairs.size();
  if (s.n == 0) return s;
  s.model_brier = w.model_sum / static_cast<double>(s.n);
  s.baseline_brier = w.baseline_sum / static_cast<double>(s.n);
  s.worse = s.n >= settings_.min_matured && s.model_brier > s.baseline_brier + settings_.margin;
  return s;
}

void DriftMonitor::observed(const std::string& room, Millis t, bool occupied) {
  for (auto& p : pending_.observed(room, t, occupied)) {
    auto& w = windows_[{room, p.horizon_min}];
    w.model_sum += brier(p.active, p.outcome);
    w.baseline_sum += brier(p.candidate, p.outcome);
    w.pairs.push_back(std::move(p));
    if (w.pairs.size() > settings_.window) {
      w.model_sum -= brier(w.pairs.front().active, w.pairs.front().outcome);
      w.baseline_sum -= brier(w.pairs.front().candidate, w.pairs.front().outcome);
      w.pairs.pop_front();
    }
  }
  for (auto it = windows_.lower_bound({room, 0}); it != windows_.end() && it->first.first == room; ++it) {
    auto& w = it->second;
    if (status_of(w).worse) {
      w.fine_since.reset();
      if (!w.worse_since) w.worse_since = t;
      if (t - *w.worse_since >= settings_.hold && drifting_.insert(it->first).second &&
          std::find(new_drifts_.begin(), new_drifts_.end(), room) == new_drifts_.end())
        new_drifts_.push_back(room);
    } else {
      w.worse_since.reset();
      if (!w.fine_since) w.fine_since = t;
      if (t - *w.fine_since >= settings_.hold) drifting_.erase(it->first);
    }
  }
}

bool DriftMonitor::drifting(const std::string& room) const {
  const auto it = drifting_.lower_bound({room, 0});
  return it != drifting_.end() && it->first == room;
}

std::vector<std::string> DriftMonitor::take_new_drifts() { return std::exchange(new_drifts_, {}); }

std::map<std::pair<std::string, int>, DriftMonitor::Status> DriftMonitor::status() const {
  std::map<std::pair<std::string, int>, Status> out;
  for (const auto& [key, w] : windows_) out.emplace(key, status_of(w));
  return out;
}

void DriftMonitor::reset() {
  pending_ = {};
  windows_.clear();
  drifting_.clear();
  new_drifts_.clear();
}

RollbackChoice choose_rollback(const std::string& current, const std::vector<std::string>& rooms, double margin,
                               const std::optional<std::string>& previous, std::optional<double> current_brier,
                               std::optional<double> previous_brier) {
  std::string names;
  for (const auto& r : rooms) names += (names.empty() ? "" : ", ") + r;
  if (!previous)
    return {false, fmt::format("{} drifts in {}: the baseline serves there (no earlier version)", current, names)};
  if (!current_brier || !previous_brier || *previous_brier >= *current_brier)
    return {false, fmt::format("{} drifts in {}: the baseline serves there ({} did no better live)", current, names,
                               *previous)};
  return {true, fmt::format("rolled back from {} to {}: drift in {} (worse than the baseline by more than {}), live "
                            "Brier {:.4f} vs {:.4f}",
                            current, *previous, names, margin, *current_brier, *previous_brier)};
}

}  // namespace occupancy::models
