#include "occupancy/evaluation/backtest_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <ostream>

#include "occupancy/models/prediction.hpp"

namespace occupancy::evaluation {
namespace {

constexpr const char* kColors[] = {"#888888", "#1f77b4", "#2ca02c", "#9467bd", "#8c564b", "#ff7f0e", "#d62728"};
constexpr std::size_t kColorCount = sizeof(kColors) / sizeof(kColors[0]);

DurationScores pooled(const BacktestResult& r, const std::string& f, bool vacancy) {
  DurationScores out;
  double mae = 0, within = 0;
  for (const auto& [_, room] : r.rooms) {
    const auto& m = vacancy ? room.vacancy : room.next_occupancy;
    const auto it = m.find(f);
    if (it == m.end()) continue;
    out.n += it->second.n;
    mae += it->second.mae * static_cast<double>(it->second.n);
    within += it->second.within_15 * static_cast<double>(it->second.n);
  }
  if (out.n) {
    out.mae = mae / static_cast<double>(out.n);
    out.within_15 = within / static_cast<double>(out.n);
  }
  return out;
}

std::string esc(const std::string& s) {
  std::string o;
  for (char c : s) o += c == '<' ? std::string("&lt;") : c == '&' ? std::string("&amp;") : std::string(1, c);
  return o;
}

}  // namespace

std::string format_vacant_within(const BacktestResult& r) {
  if (r.vacant_within_labels.empty()) return "P(vacant within k): no occupied minute with a served time to vacancy\n";
  std::string out = "P(vacant within k), served model, occupied minutes: Brier by log-normal spread (* shipped)\n";
  out += fmt::format("  {:<12}", "base rate");
  for (const auto& [k, l] : r.vacant_within_labels) {
    const double share = l.n ? l.sum_squared / static_cast<double>(l.n) : 0;
    out += fmt::format("  {:>3} min {:.4f} (n {}, {:.0f}% vacated)", k, share * (1 - share), l.n, share * 100);
  }
  out += "\n";
  for (const auto& [spread, by_k] : r.vacant_within_by_spread) {
    out += fmt::format("  spread {:<4}{}", spread, spread == models::kDurationLogSpread ? "*" : " ");
    for (const auto& [k, e] : by_k) out += fmt::format("  {:>3} min {:.4f}", k, e.n ? e.sum_squared / e.n : 0.0);
    out += "\n";
  }
  return out;
}

std::string format_tables(const BacktestResult& r, const std::vector<int>& horizons) {
  std::string out =
      fmt::format("train {} .. {} ({} rows, {:.1f} s), test {} .. {}\n\n", format_iso8601(r.start).substr(0, 10),
                  format_iso8601(r.train_end).substr(0, 16), r.train_rows, r.train_seconds,
                  format_iso8601(r.test_start).substr(0, 10), format_iso8601(r.end).substr(0, 10));
  for (const auto& [room, rb] : r.rooms) {
    for (int h : horizons) {
      out += fmt::format("{} — occupied in {} min (occupied {:.0f}% of the test)\n", room, h, rb.occupied_share * 100);
      out += fmt::format("  {:<13}{:>9}{:>9}{:>9}{:>9}{:>9}{:>9}{:>9}{:>10}{:>10}\n", "forecaster", "accuracy",
                         "precision", "recall", "F1", "AUC", "Brier", "logloss", "BSS/pers", "BSS/tow");
      const double pers = rb.occupancy.at("persistence").at(h).brier, tow = rb.occupancy.at("time_of_week").at(h).brier;
      for (const auto& f : r.forecasters) {
        const auto& s = rb.occupancy.at(f).at(h);
        out += fmt::format("  {:<13}{:>9.3f}{:>9.3f}{:>9.3f}{:>9.3f}{:>9.3f}{:>9.4f}{:>9.4f}{:>10.3f}{:>10.3f}\n", f,
                           s.accuracy, s.precision, s.recall, s.f1, s.auc, s.brier, s.log_loss,
                           brier_skill(s.brier, pers), brier_skill(s.brier, tow));
      }
    }
    out +=
        fmt::format("{} — durations (uncensored): vacancy MAE / within ±15 min, next occupancy MAE / within\n", room);
    for (const auto& f : r.forecasters) {
      const auto v = rb.vacancy.count(f) ? rb.vacancy.at(f) : DurationScores{};
      const auto n = rb.next_occupancy.count(f) ? rb.next_occupancy.at(f) : DurationScores{};
      if (v.n == 0 && n.n == 0) continue;
      out += fmt::format("  {:<13} vacancy {:>7.1f} min {:>5.1f}% (n {:>5})   next {:>7.1f} min {:>5.1f}% (n {:>5})\n",
                         f, v.mae, v.within_15 * 100, v.n, n.mae, n.within_15 * 100, n.n);
    }
    out += "\n";
  }
  out += "Mean over rooms: Brier (lower is better)\n";
  for (const auto& f : r.forecasters) {
    out += fmt::format("  {:<13}", f);
    for (int h : horizons) out += fmt::format("  {:>3} min {:.4f}", h, r.mean_brier(f, h));
    const auto v = pooled(r, f, true);
    if (v.n) out += fmt::format("   vacancy ±15 min {:.1f}% (MAE {:.1f})", v.within_15 * 100, v.mae);
    out += "\n";
  }
  out += "\nHVAC replay (minutes over the test period: occupied but not conditioned / conditioned while empty)\n";
  for (const auto& [room, rb] : r.rooms)
    for (const auto& [lag, strategies] : rb.hvac) {
      out += fmt::format("  {:<16} lag {:>3} min", room, lag);
      for (const auto& s : r.hvac_strategies)
        out += fmt::format("  {} {:.0f}/{:.0f}", s, strategies.at(s).miss, strategies.at(s).empty);
      out += "\n";
    }
  return out;
}

std::string format_bars(const BacktestResult& r, const std::vector<int>& horizons, bool& all_met) {
  all_met = true;
  std::string out;
  const int first = horizons.front();
  for (const auto& [room, rb] : r.rooms) {
    const auto& s = rb.occupancy.at("model").at(first);
    if (s.n == 0) continue;
    const bool ok = s.accuracy > 0.9;
    all_met &= ok;
    out += fmt::format("{} {}-min accuracy > 90% in {}: {:.1f}%\n", ok ? "met    " : "NOT met", first, room,
                       s.accuracy * 100);
  }
  for (int h : horizons) {
    const double model = r.mean_brier("model", h);
    for (const auto& f : r.forecasters) {
      if (f == "model" || f == "active" || f == "booster") continue;
      const double base = r.mean_brier(f, h);
      const bool ok = model < base;
      all_met &= ok;
      out += fmt::format("{} mean Brier at {} min beats {}: {:.4f} vs {:.4f}\n", ok ? "met    " : "NOT met", h, f,
                         model, base);
    }
  }
  const auto v = pooled(r, "model", true);
  const bool ok = v.n > 0 && v.within_15 >= 0.7;
  all_met &= ok;
  out += fmt::format("{} vacancy within ±15 min >= 70%: {:.1f}% of {} stays-in-progress\n", ok ? "met    " : "NOT met",
                     v.within_15 * 100, v.n);
  return out;
}

void write_predictions_csv(std::ostream& out, const BacktestResult& r) {
  out << "ts,room,horizon_min,probability\n";
  for (const auto& p : r.predictions)
    out << format_iso8601(p.ts) << ',' << p.room << ',' << p.horizon_min << ',' << fmt::format("{:.6f}", p.probability)
        << '\n';
}

void write_report_html(std::ostream& out, const BacktestResult& r, const std::vector<int>& horizons,
                       const std::string& title) {
  out << "<!doctype html><html><head><meta charset=\"utf-8\"><title>" << esc(title)
      << "</title><style>body{font-family:sans-serif;margin:2em;max-width:1100px}"
         "table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:3px 6px;text-align:right}"
         "th{background:#f4f4f4}td:first-child{text-align:left}svg{background:#fff;border:1px solid #ddd;margin:4px}"
         ".legend span{display:inline-block;margin-right:12px}</style></head><body>\n";
  out << "<h1>" << esc(title) << "</h1>\n<p>Trained on " << format_iso8601(r.start).substr(0, 10) << " .. "
      << format_iso8601(r.train_end).substr(0, 16) << "; tested on every minute from "
      << format_iso8601(r.test_start).substr(0, 10) << " to " << format_iso8601(r.end).substr(0, 10)
      << ". Baselines: persistence, time of week, a first-order Markov chain, PreHeat (5 most similar days).</p>\n";
  out << "<p class=\"legend\">";
  for (std::size_t i = 0; i < r.forecasters.size(); ++i)
    out << "<span style=\"color:" << kColors[i % kColorCount] << "\">&#9632; " << r.forecasters[i] << "</span>";
  out << "</p>\n";

  // Reliability diagrams.
  out << "<h2>Reliability</h2><p>Predicted probability (x) against the observed share occupied (y), pooled over "
         "rooms; the diagonal is perfect calibration.</p>\n";
  for (int h : horizons) {
    const int W = 320, P = 30;
    out << fmt::format(
        "<svg width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\"><text x=\"{}\" y=\"18\" "
        "font-size=\"13\">{} min ahead</text>",
        W, W, W, W, P, h);
    out << fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#ccc\"/>", P, W - P, W - P, P);
    for (std::size_t fi = 0; fi < r.forecasters.size(); ++fi) {
      const auto f = r.reliability.find(r.forecasters[fi]);
      if (f == r.reliability.end() || !f->second.count(h)) continue;
      std::string pts;
      for (const auto& b : f->second.at(h)) {
        if (b.n < 20) continue;
        const double x = P + (W - 2 * P) * b.sum_p / static_cast<double>(b.n);
        const double y = W - P - (W - 2 * P) * b.sum_y / static_cast<double>(b.n);
        pts += fmt::format("{:.1f},{:.1f} ", x, y);
      }
      out << fmt::format("<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"2\" points=\"{}\"/>",
                         kColors[fi % kColorCount], pts);
    }
    out << "</svg>\n";
  }

  // Per-room skill.
  out << "<h2>Skill per room</h2><p>Brier skill of the model against persistence and against time of week "
         "(above zero: better).</p>\n<table><tr><th>room</th>";
  for (int h : horizons) out << "<th>" << h << " min vs persistence</th><th>" << h << " min vs time of week</th>";
  out << "<th>accuracy " << horizons.front() << " min</th><th>vacancy ±15 min</th></tr>\n";
  for (const auto& [room, rb] : r.rooms) {
    out << "<tr><td>" << esc(room) << "</td>";
    for (int h : horizons) {
      const double m = rb.occupancy.at("model").at(h).brier;
      for (const char* ref : {"persistence", "time_of_week"}) {
        const double s = brier_skill(m, rb.occupancy.at(ref).at(h).brier);
        const int w = static_cast<int>(std::clamp(std::abs(s), 0.0, 1.0) * 80);
        out << fmt::format(
            "<td>{:.3f} <svg width=\"82\" height=\"10\" style=\"border:0;margin:0\"><rect x=\"0\" "
            "y=\"1\" width=\"{}\" height=\"8\" fill=\"{}\"/></svg></td>",
            s, w, s >= 0 ? "#2ca02c" : "#d62728");
      }
    }
    const auto& v = rb.vacancy.at("model");
    out << fmt::format("<td>{:.1f}%</td><td>{}</td></tr>\n",
                       rb.occupancy.at("model").at(horizons.front()).accuracy * 100,
                       v.n ? fmt::format("{:.1f}% (n {})", v.within_15 * 100, v.n) : std::string("–"));
  }
  out << "</table>\n";

  // A week: predicted vs actual.
  out << "<h2>The last week of the test</h2><p>Grey: the room was occupied. Line: the model's probability that it "
         "is occupied "
      << horizons.front() << " minutes later (drawn at the time the prediction was made).</p>\n";
  for (const auto& [room, pts] : r.last_week) {
    if (pts.size() < 2) continue;
    const int W = 1050, H = 90;
    const double t0 = static_cast<double>(pts.front().ts), span = static_cast<double>(pts.back().ts - pts.front().ts);
    out << fmt::format("<div>{}</div><svg width=\"{}\" height=\"{}\">", esc(room), W, H);
    std::string line;
    for (std::size_t i = 0; i < pts.size(); ++i) {
      const double x = (static_cast<double>(pts[i].ts) - t0) / span * W;
      if (pts[i].actual == 1 && i + 1 < pts.size()) {
        const double x2 = (static_cast<double>(pts[i + 1].ts) - t0) / span * W;
        out << fmt::format("<rect x=\"{:.1f}\" y=\"0\" width=\"{:.1f}\" height=\"{}\" fill=\"#ddd\"/>", x, x2 - x + 0.2,
                           H);
      }
      line += fmt::format("{:.1f},{:.1f} ", x, H - 4 - (H - 8) * pts[i].p_first_horizon);
    }
    out << fmt::format("<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"1\" points=\"{}\"/></svg>\n",
                       kColors[kColorCount - 1], line);
  }
  out << "<h2>Tables</h2><pre>" << esc(format_tables(r, horizons)) << "</pre></body></html>\n";
}

}  // namespace occupancy::evaluation
