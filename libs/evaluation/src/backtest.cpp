#include "occupancy/evaluation/backtest.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>
#include <stdexcept>

#include "occupancy/core/time.hpp"
#include "occupancy/features/extract.hpp"
#include "occupancy/models/prediction.hpp"

namespace occupancy::evaluation {
namespace {

const std::vector<double> kSpreadsTried{0.3, 0.5, 0.8, 1.0, 1.2, 1.5};

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

double BacktestResult::mean_brier(const std::string& forecaster, int horizon) const {
  double sum = 0;
  int n = 0;
  for (const auto& [_, r] : rooms) {
    const auto f = r.occupancy.find(forecaster);
    if (f == r.occupancy.end()) continue;
    const auto h = f->second.find(horizon);
    if (h == f->second.end() || h->second.n == 0) continue;
    sum += h->second.brier;
    ++n;
  }
  return n ? sum / n : 0;
}

BacktestResult run_backtest(const config::HomeConfig& home, const cleaning::CleanRun& run, const BacktestOptions& o) {
  const auto t0 = std::chrono::steady_clock::now();
  if (run.clean.empty() || run.states.empty()) throw std::runtime_error("the history has no clean readings");
  BacktestResult res;
  const int max_h = *std::max_element(home.horizons_min.begin(), home.horizons_min.end());
  res.start = std::max(o.start, run.clean.front().ts);
  res.end = o.test_end > 0 ? std::min(o.test_end, run.clean.back().ts) : run.clean.back().ts;
  res.test_start = (res.end - static_cast<Millis>(o.test_days) * kDay) / kMinute * kMinute;
  res.train_end = res.test_start - max_h * kMinute;
  if (res.train_end - res.start < 3 * kDay)
    throw std::runtime_error("the history is too short: " + std::to_string(o.test_days) +
                             " test days leave less than 3 days to train on");

  std::map<std::string, std::vector<RoomState>> by_room;
  for (const auto& s : run.states) by_room[s.room].push_back(s);
  const auto tz = home.zone();

  const auto t_train = std::chrono::steady_clock::now();
  if (!o.fixed) res.model = train_served(home, run, res.start, res.train_end, o.train, "backtest");
  res.train_seconds = seconds_since(t_train);
  if (!o.fixed)
    res.train_rows =
        static_cast<std::size_t>((res.train_end - res.start - 60 * kMinute) / o.train.train_every) * home.rooms.size();
  const models::TrainedModel& chosen = o.fixed ? *o.fixed : res.model;
  const auto& priors = chosen.priors;
  res.serving = chosen.serving;

  // Every minute of the test period, with the priors the version under test ships.
  std::vector<Millis> at;
  for (Millis t = res.test_start; t < res.end; t += kMinute) at.push_back(t);
  const features::FeatureSet set(home.horizons_min);
  const auto rows = features::extract_features(set, home, priors, run.states, run.clean, at);

  // Forecasters.
  std::map<std::string, std::unique_ptr<models::Forecaster>> baselines;
  for (const auto& name : models::baseline_names()) {
    baselines[name] = models::make_baseline(name, set, home.horizons_min);
    res.forecasters.push_back(name);
  }
  const models::ModelForecaster booster(chosen, set, *baselines.at("time_of_week"), false);
  const models::ModelForecaster model(chosen, set, *baselines.at("time_of_week"));
  res.forecasters.push_back("booster");
  res.forecasters.push_back("model");
  std::optional<models::ModelForecaster> incumbent;
  if (o.incumbent && o.incumbent->feature_names == set.names()) {
    incumbent.emplace(*o.incumbent, set, *baselines.at("time_of_week"));
    res.forecasters.push_back("active");
  }

  const features::Truth truth(by_room, res.end);
  const std::size_t now_col = set.index("occupied_now");
  for (const auto& room : home.rooms) {
    const auto mine = rows.of_room(room.id);  // this room's test rows, one per minute
    const auto& ts = mine.times;
    const auto& x = mine.values;
    if (ts.empty()) continue;
    RoomBacktest& rb = res.rooms[room.id];
    std::map<std::string, std::vector<models::Forecast>> forecasts;
    for (const auto& [name, f] : baselines) forecasts[name] = f->predict_many(room.id, x.data(), ts.size(), rows.width);
    forecasts["booster"] = booster.predict_many(room.id, x.data(), ts.size(), rows.width);
    forecasts["model"] = model.predict_many(room.id, x.data(), ts.size(), rows.width);
    if (incumbent) forecasts["active"] = incumbent->predict_many(room.id, x.data(), ts.size(), rows.width);

    for (const auto& [name, fc] : forecasts) {
      for (int h : home.horizons_min) {
        std::vector<double> p;
        std::vector<int> y;
        auto& daily = rb.daily[name][h];
        const auto days = static_cast<std::size_t>((res.end - res.test_start + kDay - 1) / kDay);
        daily.assign(days, {});
        auto& bins_by_day = res.reliability_daily[name][h];
        bins_by_day.resize(days);
        for (std::size_t i = 0; i < ts.size(); ++i)
          if (const auto label = truth.occupied_at(room.id, ts[i] + h * kMinute)) {
            const double q = fc[i].occupancy.at(h);
            p.push_back(q);
            y.push_back(*label);
            const auto d = static_cast<std::size_t>((ts[i] - res.test_start) / kDay);
            auto& day = daily.at(d);
            day.sum_squared += (q - *label) * (q - *label);
            ++day.n;
            const auto b = std::min<std::size_t>(9, static_cast<std::size_t>(q * 10));
            for (auto* bin : {&res.reliability[name][h][b], &bins_by_day.at(d)[b]}) {
              ++bin->n;
              bin->sum_p += q;
              bin->sum_y += *label;
            }
          }
        rb.occupancy[name][h] = score_binary(p, y);
      }
      std::vector<double> ve, va, ne, na;
      for (std::size_t i = 0; i < ts.size(); ++i) {
        const auto d = truth.until_change(room.id, ts[i]);
        const double now = x[i * rows.width + now_col];
        if (!d || d->censored || std::isnan(now) || !fc[i].minutes_to_change) continue;
        (now >= 0.5 ? ve : ne).push_back(*fc[i].minutes_to_change);
        (now >= 0.5 ? va : na).push_back(d->minutes);
      }
      rb.vacancy[name] = score_durations(ve, va);
      rb.next_occupancy[name] = score_durations(ne, na);
    }
    const auto& mf = forecasts.at("model");
    // P(vacant within k) from the served time to vacancy, every minute the room is occupied;
    // a stay censored before k has no label.
    for (std::size_t i = 0; i < ts.size(); ++i) {
      const double now = x[i * rows.width + now_col];
      if (std::isnan(now) || now < 0.5 || !mf[i].minutes_to_change) continue;
      const auto d = truth.until_change(room.id, ts[i]);
      if (!d) continue;
      Prediction p;
      p.occupied_now = true;
      p.minutes_to_vacancy = mf[i].minutes_to_change;
      for (const int k : home.vacant_within_min) {
        if (d->censored && d->minutes <= k) continue;
        const double y = d->minutes <= k ? 1.0 : 0.0;
        res.vacant_within_labels[k].sum_squared += y;
        ++res.vacant_within_labels[k].n;
        for (const double spread : kSpreadsTried) {
          const double q = models::vacant_within(p, {k}, spread).at(k);
          auto& e = res.vacant_within_by_spread[spread][k];
          e.sum_squared += (q - y) * (q - y);
          ++e.n;
        }
      }
    }
    const int first_h = home.horizons_min.front();
    for (std::size_t i = 0; i < ts.size(); i += 5)
      if (ts[i] >= res.end - 7 * kDay) {
        const auto occ = truth.occupied_at(room.id, ts[i]);
        res.last_week[room.id].push_back({ts[i], occ ? int(*occ) : -1, mf[i].occupancy.at(first_h)});
      }
    for (std::size_t i = 0; i < ts.size(); ++i)
      for (int h : home.horizons_min) res.predictions.push_back({ts[i], room.id, h, mf[i].occupancy.at(h)});

    // HVAC replay: conditioned at t if the strategy switched on `lag` minutes before.
    std::size_t labelled = 0, occupied = 0;
    for (int lag : home.horizons_min) {
      auto& hv = rb.hvac[lag];
      for (std::size_t i = static_cast<std::size_t>(lag); i < ts.size(); ++i) {
        const auto occ = truth.occupied_at(room.id, ts[i]);
        if (!occ) continue;
        if (lag == home.horizons_min.front()) {
          ++labelled;
          occupied += *occ;
        }
        const std::size_t before = i - static_cast<std::size_t>(lag);
        const auto reactive = truth.occupied_at(room.id, ts[before]);
        const auto& pr = priors.rooms.count(room.id) ? priors.rooms.at(room.id).occupancy
                                                     : std::array<double, features::kWeekSlots>{};
        const bool on[] = {true, pr[static_cast<std::size_t>(features::week_slot(ts[i], tz))] >= 0.5,
                           reactive.value_or(false), mf[before].occupancy.at(lag) >= 0.5};
        for (std::size_t s = 0; s < res.hvac_strategies.size(); ++s) {
          auto& sc = hv[res.hvac_strategies[s]];
          sc.miss += *occ && !on[s];
          sc.empty += !*occ && on[s];
        }
      }
    }
    rb.occupied_share = labelled ? static_cast<double>(occupied) / static_cast<double>(labelled) : 0;
  }
  res.total_seconds = seconds_since(t0);
  return res;
}

models::TrainedModel train_on_history(const config::HomeConfig& home, const cleaning::CleanRun& run,
                                      const BacktestOptions& o, std::string version) {
  if (run.clean.empty() || run.states.empty()) throw std::runtime_error("the history has no clean readings");
  return train_served(home, run, run.clean.front().ts, run.clean.back().ts, o.train, std::move(version));
}

}  // namespace occupancy::evaluation
