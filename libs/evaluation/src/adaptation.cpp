#include "occupancy/evaluation/adaptation.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <optional>
#include <stdexcept>
#include <tuple>

#include "occupancy/core/time.hpp"
#include "occupancy/evaluation/offline_gate.hpp"
#include "occupancy/features/feature_stream.hpp"
#include "occupancy/models/predictor_core.hpp"

namespace occupancy::evaluation {
namespace {

using Model = std::shared_ptr<const models::TrainedModel>;

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// One policy's live services: the feature service's stream and the predictor's core.
struct PolicyRun {
  std::string name;
  features::FeatureStream stream;
  models::PredictorCore core;
  std::map<std::tuple<std::string, int, Millis>, double> served;  // forecasts waiting for their outcome
  std::optional<Millis> shadow_since;

  PolicyRun(const config::HomeConfig& home, std::string policy, const Model& first)
      : name(std::move(policy)), stream(home, first->priors), core(home) {
    core.use_model(first);
  }
  // The version the predictor serves from now on; the feature service follows its priors.
  void serve(const Model& model) {
    core.use_model(model);
    stream.set_priors(model->priors);
  }
};

void add_event(DayScore& day, const std::string& text) { day.events += (day.events.empty() ? "" : "; ") + text; }

}  // namespace

double AdaptationResult::mean(const std::string& policy, int horizon, bool affected, int from, int to) const {
  const auto& all = days.at(policy);
  from = std::max(from, 0);
  to = std::min(to, static_cast<int>(all.size()));
  double sum = 0;
  int n = 0;
  for (int d = from; d < to; ++d) {
    const auto& sums = affected ? all[static_cast<std::size_t>(d)].affected : all[static_cast<std::size_t>(d)].all;
    const auto it = sums.find(horizon);
    if (it == sums.end() || it->second.n == 0) continue;
    sum += it->second.brier();
    ++n;
  }
  return n ? sum / n : -1;
}

AdaptationResult evaluate_adaptation(const config::HomeConfig& home, const cleaning::CleanRun& run,
                                     const AdaptationOptions& o) {
  const auto t0 = std::chrono::steady_clock::now();
  if (run.clean.empty() || run.states.empty()) throw std::runtime_error("the history has no clean readings");
  if (o.first_day < 7 || o.first_day >= o.days)
    throw std::invalid_argument(
        fmt::format("the first evaluated day ({}) must be at least 7 and before the last ({})", o.first_day, o.days));
  if (o.every_min <= 0) throw std::invalid_argument("every_min must be positive");
  for (int h : home.horizons_min)
    if (h % o.every_min != 0)
      throw std::invalid_argument(fmt::format("every_min {} does not divide the {}-min horizon", o.every_min, h));

  const auto tz = home.zone();
  const Millis local0 = tz.to_local(o.start);
  const auto day_start = [&](int d) { return tz.from_local(local0 + static_cast<Millis>(d) * kDay); };
  const int window = o.window_days > 0 ? o.window_days : home.archive.history_days;
  const Millis every = static_cast<Millis>(o.every_min) * kMinute;
  const auto shadow_minutes =
      static_cast<std::size_t>(std::llround(home.predictor.shadow_hours * 60 / static_cast<double>(o.every_min)));

  AdaptationResult res;
  res.first_day = o.first_day;
  res.horizons = home.horizons_min;
  res.rooms = o.rooms;
  for (int d = o.first_day; d < o.days; ++d) res.dates.push_back(format_iso8601(local0 + d * kDay).substr(0, 10));

  // The version a daily training at the start of day d produces: the window of days before it.
  const auto train = [&](int d) {
    const auto t = std::chrono::steady_clock::now();
    const Millis end = day_start(d), begin = std::max(o.start, end - static_cast<Millis>(window) * kDay);
    auto model = std::make_shared<const models::TrainedModel>(
        train_served(home, run, begin, end, o.train, fmt::format("day{:03}", d)));
    res.train_seconds += seconds_since(t);
    ++res.trainings;
    return model;
  };

  const Model first = train(o.first_day);
  std::vector<std::unique_ptr<PolicyRun>> policies;
  for (const char* name : AdaptationResult::kPolicies) {
    policies.push_back(std::make_unique<PolicyRun>(home, name, first));
    res.days[name].resize(res.dates.size());
  }
  PolicyRun& immediate = *policies[1];
  PolicyRun& shadowed = *policies[2];

  std::vector<Millis> day_starts;
  for (int d = o.first_day; d <= o.days; ++d) day_starts.push_back(day_start(d));
  const auto day_of = [&](Millis t) {
    return static_cast<std::size_t>(std::upper_bound(day_starts.begin(), day_starts.end(), t) - day_starts.begin() - 1);
  };
  const auto is_affected = [&](const std::string& room) {
    return std::find(o.rooms.begin(), o.rooms.end(), room) != o.rooms.end();
  };

  // The cleaner's outputs, handed to every policy's feature stream in event time.
  std::size_t next_state = 0, next_clean = 0;
  const auto feed_until = [&](Millis t) {
    while (next_clean < run.clean.size() && run.clean[next_clean].ts <= t) {
      for (auto& p : policies) p->stream.on_reading(run.clean[next_clean]);
      ++next_clean;
    }
    while (next_state < run.states.size() && run.states[next_state].ts <= t) {
      for (auto& p : policies) p->stream.on_state(run.states[next_state]);
      ++next_state;
    }
  };
  // History before the first evaluated day: applied at once, as the feature service's restore.
  feed_until(day_starts.front() - 1);
  for (auto& p : policies) p->stream.settle(day_starts.front() - 1);

  for (int d = o.first_day; d < o.days; ++d) {
    const std::size_t di = static_cast<std::size_t>(d - o.first_day);
    if (d > o.first_day) {
      const Model fresh = train(d);
      immediate.serve(fresh);
      add_event(res.days["immediate"][di], fresh->version + " serves");
      // The live path: the gate, then the shadow (unless one is still running), then the verdict.
      const Millis end = day_starts[di], begin = std::max(o.start, end - static_cast<Millis>(window) * kDay);
      const auto folds = rolling_folds(home, run, shadowed.core.model(), {1, o.gate_fold_days, begin, end, o.train});
      const auto gate = offline_gate(folds, true, shadowed.core.model()->version);
      auto& today = res.days["shadow"][di];
      if (!gate.pass) {
        add_event(today, fresh->version + " refused by the gate (" + gate.why + ")");
      } else if (!models::may_take_shadow(shadowed.shadow_since, end, home.predictor.shadow_hours)) {
        add_event(today, fresh->version + " waits: " + shadowed.core.shadow()->candidate() + " is in shadow");
      } else {
        if (shadowed.core.shadow())
          add_event(today, shadowed.core.shadow()->candidate() + " superseded without a verdict");
        shadowed.core.use_candidate(fresh, fresh->version, shadow_minutes);
        shadowed.shadow_since = end;
        add_event(today, fresh->version + " in shadow");
      }
    }
    for (Millis t = day_starts[di] + every; t <= day_starts[di + 1]; t += every) {
      feed_until(t);
      for (auto& p : policies) {
        for (const auto& fv : p->stream.settle(t)) {
          if (fv.ts % every != 0) continue;  // state-change vectors: not scored
          const auto prediction = p->core.predict(fv);
          for (const auto& m : p->core.matured()) {
            const auto it = p->served.find({m.room, m.horizon_min, m.made_at});
            if (it == p->served.end()) continue;
            const double q = it->second;
            p->served.erase(it);
            if (m.made_at < day_starts.front()) continue;
            auto& day = res.days[p->name][day_of(m.made_at)];
            const double se = (q - (m.occupied ? 1.0 : 0.0)) * (q - (m.occupied ? 1.0 : 0.0));
            auto& all = day.all[m.horizon_min];
            all.squared += se;
            ++all.n;
            if (is_affected(m.room)) {
              auto& aff = day.affected[m.horizon_min];
              aff.squared += se;
              ++aff.n;
            }
          }
          for (const auto& [h, q] : prediction.occupancy) p->served[{prediction.room, h, prediction.ts}] = q;
        }
      }
      // The predictor's shadow verdict (it checks every 30 s of wall time; here every 30 event minutes).
      if (t % (30 * kMinute) == 0)
        if (const auto verdict = shadowed.core.shadow_verdict()) {
          auto& today = res.days["shadow"][day_of(t - 1)];
          if (verdict->promote) shadowed.serve(verdict->candidate);
          add_event(today, verdict->candidate->version + (verdict->promote ? " promoted" : " retired"));
          shadowed.core.end_shadow();
          shadowed.shadow_since.reset();
        }
    }
    for (auto& p : policies) res.days[p->name][di].serving = p->core.model()->version;
    if (o.progress) {
      std::string line = fmt::format("day {:>3} {}", d, res.dates[di]);
      for (auto& p : policies) {
        const auto& day = res.days[p->name][di];
        const auto& scored = o.rooms.empty() ? day.all : day.affected;
        line += fmt::format("  {} {}", p->name, day.serving);
        for (int h : home.horizons_min) line += fmt::format(" {:.4f}", scored.count(h) ? scored.at(h).brier() : -1.0);
      }
      o.progress(line);
    }
  }
  res.total_seconds = seconds_since(t0);
  return res;
}

Recovery recovery(const AdaptationResult& r, const std::string& policy, int horizon, int change_day, double tolerance) {
  Recovery out;
  const int c = change_day - r.first_day;  // evaluated-day index of the change
  const int n = static_cast<int>(r.dates.size());
  out.before = r.mean(policy, horizon, true, c - 14, c);
  for (int w = c; w < n; w += 7) out.weeks.push_back(r.mean(policy, horizon, true, w, w + 7));
  if (out.before < 0) return out;
  for (int d = c; d + 7 <= n; ++d) {
    const double m = r.mean(policy, horizon, true, d, d + 7);
    if (m >= 0 && m <= out.before * (1 + tolerance)) {
      out.recovered_after_days = d - c;
      break;
    }
  }
  return out;
}

namespace {

constexpr const char* kPolicyColors[] = {"#d62728", "#ff7f0e", "#1f77b4"};  // never, immediate, shadow

std::string esc(const std::string& s) {
  std::string o;
  for (char ch : s) o += ch == '<' ? std::string("&lt;") : ch == '&' ? std::string("&amp;") : std::string(1, ch);
  return o;
}

// A line chart of the policies' daily Brier at one horizon.
std::string chart(const AdaptationResult& r, int horizon, bool affected, int change_day) {
  constexpr double W = 860, H = 300, L = 60, R = 20, T = 20, B = 40;
  const std::size_t n = r.dates.size();
  double top = 0;
  for (const auto& [_, days] : r.days)
    for (const auto& d : days) {
      const auto& sums = affected ? d.affected : d.all;
      if (const auto it = sums.find(horizon); it != sums.end()) top = std::max(top, it->second.brier());
    }
  top = top > 0 ? top * 1.1 : 0.1;
  const auto x = [&](double i) { return L + (W - L - R) * (n > 1 ? i / static_cast<double>(n - 1) : 0.5); };
  const auto y = [&](double b) { return T + (H - T - B) * (1 - b / top); };
  std::string svg =
      fmt::format(R"(<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{}" font-size="11">)", W, H);
  svg += fmt::format(R"(<rect x="{}" y="{}" width="{}" height="{}" fill="none" stroke="#ccc"/>)", L, T, W - L - R,
                     H - T - B);
  for (int k = 0; k <= 4; ++k) {
    const double b = top * k / 4;
    svg += fmt::format(R"(<text x="{}" y="{:.1f}" text-anchor="end">{:.3f}</text>)", L - 4, y(b) + 4, b);
    svg += fmt::format(R"(<line x1="{}" x2="{}" y1="{:.1f}" y2="{:.1f}" stroke="#eee"/>)", L, W - R, y(b), y(b));
  }
  for (std::size_t i = 0; i < n; i += 7)
    svg += fmt::format(R"(<text x="{:.1f}" y="{}" text-anchor="middle">day {}</text>)", x(static_cast<double>(i)),
                       H - B + 16, static_cast<int>(i) + r.first_day);
  const double cx = x(change_day - r.first_day);
  if (change_day >= r.first_day && change_day - r.first_day < static_cast<int>(n))
    svg += fmt::format(
        R"(<line x1="{0:.1f}" x2="{0:.1f}" y1="{1}" y2="{2}" stroke="#000" stroke-dasharray="4 3"/><text x="{3:.1f}" y="{4}">change</text>)",
        cx, T, H - B, cx + 4, T + 12);
  for (std::size_t p = 0; p < 3; ++p) {
    const char* name = AdaptationResult::kPolicies[p];
    std::string points;
    for (std::size_t i = 0; i < n; ++i) {
      const auto& sums = affected ? r.days.at(name)[i].affected : r.days.at(name)[i].all;
      const auto it = sums.find(horizon);
      if (it == sums.end() || it->second.n == 0) continue;
      points += fmt::format("{:.1f},{:.1f} ", x(static_cast<double>(i)), y(it->second.brier()));
    }
    svg +=
        fmt::format(R"(<polyline fill="none" stroke="{}" stroke-width="1.6" points="{}"/>)", kPolicyColors[p], points);
    svg += fmt::format(R"(<text x="{}" y="{}" fill="{}">{}</text>)", W - R - 200 + 70 * static_cast<double>(p), T + 12,
                       kPolicyColors[p], name);
  }
  return svg + "</svg>";
}

}  // namespace

std::string adaptation_html(const AdaptationResult& r, const std::string& title, int change_day) {
  std::string rooms;
  for (const auto& room : r.rooms) rooms += (rooms.empty() ? "" : ", ") + room;
  std::string html = "<!doctype html><html><head><meta charset=\"utf-8\"><title>" + esc(title) +
                     "</title><style>body{font-family:sans-serif;max-width:900px;margin:1em auto}"
                     "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}"
                     "td.l{text-align:left}</style></head><body>";
  html += "<h1>" + esc(title) + "</h1>";
  html += fmt::format(
      "<p>Days {} to {} ({} .. {}), {} trainings ({:.0f} s of {:.0f} s). Affected rooms: {}. The live Brier of each "
      "day's served forecasts, by the day they were made; lower is better.</p>",
      r.first_day, r.first_day + static_cast<int>(r.dates.size()) - 1, r.dates.front(), r.dates.back(), r.trainings,
      r.train_seconds, r.total_seconds, esc(rooms.empty() ? "(none)" : rooms));
  for (int h : r.horizons) {
    html += fmt::format("<h2>{} min ahead — affected rooms</h2>", h) + chart(r, h, true, change_day);
    html += "<table><tr><th>policy</th><th>14 days before</th>";
    const auto sample = recovery(r, "shadow", h, change_day);
    for (std::size_t w = 0; w < sample.weeks.size(); ++w) html += fmt::format("<th>week {}</th>", w + 1);
    html += "<th>back within 10 % after</th></tr>";
    for (const char* policy : AdaptationResult::kPolicies) {
      const auto rec = recovery(r, policy, h, change_day);
      html += fmt::format("<tr><td class=\"l\">{}</td><td>{:.4f}</td>", policy, rec.before);
      for (double w : rec.weeks) html += fmt::format("<td>{:.4f}</td>", w);
      html += rec.recovered_after_days < 0 ? std::string("<td>not within the run</td>")
                                           : fmt::format("<td>{} days</td>", rec.recovered_after_days);
      html += "</tr>";
    }
    html += "</table>";
    html += fmt::format("<h3>{} min ahead — all rooms</h3>", h) + chart(r, h, false, change_day);
  }
  html += "<h2>What each policy did</h2><table><tr><th>day</th><th>date</th>";
  for (const char* policy : AdaptationResult::kPolicies) html += fmt::format("<th>{}</th>", policy);
  html += "</tr>";
  for (std::size_t i = 0; i < r.dates.size(); ++i) {
    html += fmt::format("<tr><td>{}</td><td>{}</td>", r.first_day + static_cast<int>(i), r.dates[i]);
    for (const char* policy : AdaptationResult::kPolicies) {
      const auto& d = r.days.at(policy)[i];
      html += "<td class=\"l\">" + esc(d.serving) +
              (d.events.empty() ? "" : "<br><small>" + esc(d.events) + "</small>") + "</td>";
    }
    html += "</tr>";
  }
  return html + "</table></body></html>\n";
}

}  // namespace occupancy::evaluation
