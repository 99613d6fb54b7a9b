#include "occupancy/evaluation/home_summary.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "occupancy/models/forecaster.hpp"

namespace occupancy::evaluation {
namespace {

const std::vector<DayError>& daily_of(const RoomBacktest& rb, const std::string& f, int h) {
  static const std::vector<DayError> kNone;
  const auto it = rb.daily.find(f);
  if (it == rb.daily.end()) return kNone;
  const auto jt = it->second.find(h);
  return jt == it->second.end() ? kNone : jt->second;
}

double pooled_within(const BacktestResult& r, const std::string& f, std::size_t* stays = nullptr) {
  double hit = 0;
  std::size_t n = 0;
  for (const auto& [_, rb] : r.rooms)
    if (const auto it = rb.vacancy.find(f); it != rb.vacancy.end()) {
      hit += it->second.within_15 * static_cast<double>(it->second.n);
      n += it->second.n;
    }
  if (stays) *stays = n;
  return n ? hit / static_cast<double>(n) : 0;
}

std::string served_by(const models::ServingPlan& plan, const std::string& room, int h) {
  const auto* c = plan.occupancy(room, h);
  return c ? models::describe(*c) : "model";
}

}  // namespace

bool CalibrationSummary::within_noise(double bound) const {
  return std::all_of(bins.begin(), bins.end(), [bound](const Bin& b) { return b.low <= bound && b.high >= -bound; });
}

std::vector<CalibrationSummary::Bin> calibration_bins(const BacktestResult& r, const std::string& forecaster, int h,
                                                      int resamples, unsigned seed) {
  std::vector<CalibrationSummary::Bin> out;
  const auto f = r.reliability.find(forecaster);
  if (f == r.reliability.end()) return out;
  const auto bins = f->second.find(h);
  if (bins == f->second.end()) return out;
  std::size_t total = 0;
  for (const auto& bin : bins->second) total += bin.n;
  std::vector<std::size_t> kept;  // bin indices
  for (std::size_t i = 0; i < bins->second.size(); ++i) {
    const auto& bin = bins->second[i];
    if (bin.n > 0 && static_cast<double>(bin.n) >= 0.01 * static_cast<double>(total)) {
      const auto n = static_cast<double>(bin.n);
      const double forecast = bin.sum_p / n, observed = bin.sum_y / n;
      out.push_back({forecast, observed, n / static_cast<double>(total), observed - forecast, observed - forecast});
      kept.push_back(i);
    }
  }
  // Days drawn with replacement; each kept bin's gap over the draw (a draw that misses the bin
  // says nothing about it and is left out of its interval).
  const auto days = r.reliability_daily.count(forecaster) && r.reliability_daily.at(forecaster).count(h)
                        ? &r.reliability_daily.at(forecaster).at(h)
                        : nullptr;
  if (!days || days->empty()) return out;
  std::mt19937 rng(seed);
  std::uniform_int_distribution<std::size_t> day(0, days->size() - 1);
  std::vector<std::vector<double>> gaps(kept.size());
  for (int s = 0; s < resamples; ++s) {
    std::vector<ReliabilityBin> sum(kept.size());
    for (std::size_t d = 0; d < days->size(); ++d) {
      const auto& drawn = (*days)[day(rng)];
      for (std::size_t k = 0; k < kept.size(); ++k) {
        sum[k].n += drawn[kept[k]].n;
        sum[k].sum_p += drawn[kept[k]].sum_p;
        sum[k].sum_y += drawn[kept[k]].sum_y;
      }
    }
    for (std::size_t k = 0; k < kept.size(); ++k)
      if (sum[k].n > 0) gaps[k].push_back((sum[k].sum_y - sum[k].sum_p) / static_cast<double>(sum[k].n));
  }
  for (std::size_t k = 0; k < kept.size(); ++k) {
    if (gaps[k].empty()) continue;
    std::sort(gaps[k].begin(), gaps[k].end());
    const auto at = [&](double q) {
      return gaps[k][static_cast<std::size_t>(q * static_cast<double>(gaps[k].size() - 1))];
    };
    out[k].low = at(0.025);
    out[k].high = at(0.975);
  }
  return out;
}

double calibration_gap(const BacktestResult& r, const std::string& forecaster, int h) {
  double gap = 0;
  for (const auto& b : calibration_bins(r, forecaster, h)) gap = std::max(gap, std::abs(b.forecast - b.observed));
  return gap;
}

HomeSummary summarize(const std::string& home, int test_days, const BacktestResult& r,
                      const std::vector<int>& horizons) {
  HomeSummary s;
  s.home = home;
  s.test_days = test_days;
  const auto& baselines = models::baseline_names();
  for (int h : horizons) {
    HorizonSummary hs;
    hs.horizon = h;
    hs.baseline_brier = std::numeric_limits<double>::infinity();
    for (const auto& b : baselines)
      if (const double v = r.mean_brier(b, h); v < hs.baseline_brier) {
        hs.baseline_brier = v;
        hs.best_baseline = b;
      }
    hs.served_brier = r.mean_brier("model", h);
    hs.booster_brier = r.mean_brier("booster", h);
    std::vector<std::vector<DayError>> served, base;
    for (const auto& [room, rb] : r.rooms) {
      served.push_back(daily_of(rb, "model", h));
      base.push_back(daily_of(rb, hs.best_baseline, h));

      RoomSummary rs;
      rs.room = room;
      rs.horizon = h;
      rs.served_by = served_by(r.serving, room, h);
      rs.baseline_brier = std::numeric_limits<double>::infinity();
      for (const auto& b : baselines)
        if (const auto it = rb.occupancy.find(b);
            it != rb.occupancy.end() && it->second.at(h).brier < rs.baseline_brier) {
          rs.baseline_brier = it->second.at(h).brier;
          rs.best_baseline = b;
        }
      rs.served_brier = rb.occupancy.at("model").at(h).brier;
      rs.difference = bootstrap_difference({daily_of(rb, "model", h)}, {daily_of(rb, rs.best_baseline, h)});
      s.rooms.push_back(rs);
    }
    hs.difference = bootstrap_difference(served, base);
    s.horizons.push_back(hs);

    CalibrationSummary cs;
    cs.horizon = h;
    cs.worst_gap = calibration_gap(r, "model", h);
    cs.bins = calibration_bins(r, "model", h);
    cs.baseline_gap = calibration_gap(r, hs.best_baseline, h);
    s.calibration.push_back(cs);
  }
  s.vacancy_served = pooled_within(r, "model", &s.vacancy_stays);
  s.vacancy_baseline = -1;
  for (const auto& b : baselines)
    if (const double v = pooled_within(r, b); v > s.vacancy_baseline) {
      s.vacancy_baseline = v;
      s.vacancy_best_baseline = b;
    }
  return s;
}

int recorded_home_test_days(double days) { return std::clamp(static_cast<int>(std::lround(days / 3)), 3, 10); }

double mean_gain(const std::vector<HomeSummary>& homes) {
  double gains = 0;
  int n = 0;
  for (const auto& s : homes)
    for (const auto& h : s.horizons) {
      gains += h.baseline_brier > 0 ? 1 - h.served_brier / h.baseline_brier : 0;
      ++n;
    }
  return n ? gains / n : 0;
}

bool goals_met(const std::vector<HomeSummary>& homes) {
  bool met = true;
  for (const auto& s : homes) {
    for (const auto& h : s.horizons) met &= h.served_brier <= h.baseline_brier;
    for (const auto& c : s.calibration) met &= c.within();
  }
  return met;
}

std::string format_summary(const std::vector<HomeSummary>& homes) {
  std::string out =
      "Served forecaster against the best baseline (mean Brier over rooms; difference = served − "
      "baseline, 95 % CI from a paired bootstrap over test days)\n\n";
  out += fmt::format("| {:<20} | {:>4} | {:>9} | {:<14} | {:>8} | {:>8} | {:>8} | {:>28} | {:>7} |\n", "home", "days",
                     "horizon", "best baseline", "Brier", "served", "booster", "difference [95 % CI]", "gain");
  out += "|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& s : homes)
    for (const auto& h : s.horizons) {
      const double gain = h.baseline_brier > 0 ? 1 - h.served_brier / h.baseline_brier : 0;
      out += fmt::format(
          "| {:<20} | {:>4} | {:>5} min | {:<14} | {:>8.4f} | {:>8.4f} | {:>8.4f} | {:>+8.4f} [{:+.4f}, {:+.4f}] | "
          "{:>+6.1f}% |\n",
          s.home, s.test_days, h.horizon, h.best_baseline, h.baseline_brier, h.served_brier, h.booster_brier,
          h.difference.mean, h.difference.low, h.difference.high, gain * 100);
    }
  if (!homes.empty())
    out += fmt::format("\nMean gain over homes and horizons: {:+.1f}% (goal: >= +5 %)\n", mean_gain(homes) * 100);

  out += "\nPer room (difference against the room's own best baseline on the test days)\n\n";
  out += fmt::format("| {:<20} | {:<16} | {:>7} | {:<18} | {:<14} | {:>8} | {:>8} | {:>28} | {:<7} |\n", "home", "room",
                     "horizon", "served by", "best baseline", "Brier", "served", "difference [95 % CI]", "verdict");
  out += "|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& s : homes)
    for (const auto& r : s.rooms)
      out += fmt::format(
          "| {:<20} | {:<16} | {:>3} min | {:<18} | {:<14} | {:>8.4f} | {:>8.4f} | {:>+8.4f} [{:+.4f}, {:+.4f}] | "
          "{:<7} |\n",
          s.home, r.room, r.horizon, r.served_by, r.best_baseline, r.baseline_brier, r.served_brier, r.difference.mean,
          r.difference.low, r.difference.high,
          r.difference.worse()    ? "WORSE"
          : r.difference.high < 0 ? "better"
                                  : "tie");

  out +=
      "\nCalibration (largest gap to the diagonal over bins holding >= 1 % of the minutes; bound 0.05) and "
      "vacancy (estimates within ±15 min of the real end of a stay in progress)\n\n";
  out += fmt::format("| {:<20} | {:<24} | {:>14} | {:>24} | {:>6} |\n", "home", "calibration gap", "vacancy served",
                     "best baseline", "stays");
  out += "|---|---|---|---|---|\n";
  for (const auto& s : homes) {
    std::string cal;
    for (const auto& c : s.calibration)
      cal += fmt::format("{}{} min {:.3f}{} ({} {:.3f})", cal.empty() ? "" : ", ", c.horizon, c.worst_gap,
                         c.within()         ? ""
                         : c.within_noise() ? " (within noise)"
                                            : " (!)",
                         "baseline", c.baseline_gap);
    out += fmt::format("| {:<20} | {:<24} | {:>13.1f}% | {:>15} {:>7.1f}% | {:>6} |\n", s.home, cal,
                       s.vacancy_served * 100, s.vacancy_best_baseline, s.vacancy_baseline * 100, s.vacancy_stays);
  }
  out +=
      "\nReliability bins of the served forecaster (mean forecast → observed share, share of the minutes; for a "
      "bin off by more than 0.05, the 95 % interval of observed − forecast from a bootstrap over test days)\n";
  for (const auto& s : homes)
    for (const auto& c : s.calibration) {
      out += fmt::format("  {:<20} {:>3} min:", s.home, c.horizon);
      for (const auto& b : c.bins)
        out += fmt::format(
            " {:.2f}→{:.2f} ({:.0f}%){}", b.forecast, b.observed, b.share * 100,
            std::abs(b.forecast - b.observed) <= 0.05
                ? ""
                : fmt::format(" [{:+.2f}, {:+.2f}]{}", b.low, b.high, b.low > 0.05 || b.high < -0.05 ? "!" : ""));
      out += "\n";
    }
  return out;
}

}  // namespace occupancy::evaluation
