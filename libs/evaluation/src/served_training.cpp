#include "occupancy/evaluation/served_training.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <stdexcept>

#include "occupancy/core/time.hpp"
#include "occupancy/evaluation/paired_bootstrap.hpp"
#include "occupancy/features/extract.hpp"

namespace occupancy::evaluation {
namespace {

constexpr double kBlendWeights[] = {0.75, 0.5, 0.25};  // the booster's share in a mix with a baseline

int max_horizon(const config::HomeConfig& home) {
  return *std::max_element(home.horizons_min.begin(), home.horizons_min.end());
}

double brier(const std::vector<double>& p, const std::vector<int>& y) {
  double sum = 0;
  for (std::size_t i = 0; i < p.size(); ++i) sum += (p[i] - y[i]) * (p[i] - y[i]);
  return p.empty() ? std::numeric_limits<double>::infinity() : sum / static_cast<double>(p.size());
}

// Platt-recalibrated probabilities, each half of the (time-ordered) rows recalibrated with the
// scaling fitted on the other half: an honest price for its two parameters.
std::vector<double> cross_fitted(const std::vector<double>& p, const std::vector<int>& y) {
  const std::size_t half = p.size() / 2;
  const auto mid = static_cast<std::ptrdiff_t>(half);
  const std::vector<double> p1(p.begin(), p.begin() + mid), p2(p.begin() + mid, p.end());
  const std::vector<int> y1(y.begin(), y.begin() + mid), y2(y.begin() + mid, y.end());
  const auto c1 = models::fit_platt(p2, y2), c2 = models::fit_platt(p1, y1);
  std::vector<double> out(p.size());
  for (std::size_t i = 0; i < p.size(); ++i) out[i] = (i < half ? c1 : c2).apply(p[i]);
  return out;
}

}  // namespace

models::TrainedModel train_boosters(const config::HomeConfig& home, const cleaning::CleanRun& run,
                                    const RoomStates& by_room, Millis start, Millis end, const ServedTrainOptions& o,
                                    std::string version) {
  const auto tz = home.zone();
  const auto priors = features::learn_priors(by_room, start, end, tz, {}, o.prior_half_life_days);
  std::vector<Millis> at;
  for (Millis t = (start / kMinute + 60) * kMinute; t < end; t += o.train_every) at.push_back(t);
  const features::FeatureSet set(home.horizons_min);
  features::FeatureRows rows;
  const std::size_t folds = static_cast<std::size_t>(std::max(1, o.prior_folds));
  if (folds == 1 || at.size() < folds) {
    rows = features::extract_features(set, home, priors, run.states, run.clean, at);
  } else {
    rows.width = set.size();
    for (std::size_t k = 0; k < folds; ++k) {
      const std::vector<Millis> part(at.begin() + static_cast<std::ptrdiff_t>(at.size() * k / folds),
                                     at.begin() + static_cast<std::ptrdiff_t>(at.size() * (k + 1) / folds));
      if (part.empty()) continue;
      const features::Excluded own{part.front(), part.back() + o.train_every};
      const auto fold_priors = features::learn_priors(by_room, start, end, tz, own, o.prior_half_life_days);
      auto r = features::extract_features(set, home, fold_priors, run.states, run.clean, part);
      rows.times.insert(rows.times.end(), r.times.begin(), r.times.end());
      rows.rooms.insert(rows.rooms.end(), r.rooms.begin(), r.rooms.end());
      rows.values.insert(rows.values.end(), r.values.begin(), r.values.end());
    }
  }
  const features::Truth truth(by_room, end);
  return models::train_model(rows, truth, set.names(), home.horizons_min, priors, o.train, std::move(version));
}

models::ServingPlan choose_serving(const config::HomeConfig& home, const cleaning::CleanRun& run,
                                   const RoomStates& by_room, Millis start, Millis end, const ServedTrainOptions& o) {
  models::ServingPlan plan;
  plan.half_life_days = o.train.half_life_days;
  const double days = static_cast<double>(end - start) / kDay;
  plan.valid_days = std::clamp(static_cast<int>(std::lround(days * o.valid_share)), o.min_valid_days, o.max_valid_days);
  const Millis valid_start = (end - plan.valid_days * kDay) / kMinute * kMinute;
  const Millis inner_end = valid_start - max_horizon(home) * kMinute;  // no inner label looks into validation
  if (inner_end - start < 3 * kDay) return plan;                       // too short to hold anything out: boosters

  std::vector<Millis> at;
  for (Millis t = valid_start; t < end; t += o.valid_every) at.push_back(t);
  const features::FeatureSet set(home.horizons_min);
  const features::Truth truth(by_room, end);
  const std::size_t now_col = set.index("occupied_now");

  // The training half-life: each choice's boosters on the held-out days, mean Brier over rooms
  // per horizon. A routine that drifted (real homes: a resident who stopped watching TV late) is
  // followed by weighting recent days; a steady one loses nothing by keeping them all alike.
  std::optional<models::TrainedModel> chosen;
  if (o.half_life_choices.size() > 1) {
    std::vector<std::map<int, double>> scores;
    std::vector<models::TrainedModel> trained;
    const auto fallback = models::make_baseline("time_of_week", set, home.horizons_min);
    for (const double hl : o.half_life_choices) {
      auto with = o;
      with.train.half_life_days = hl;
      trained.push_back(train_boosters(home, run, by_room, start, inner_end, with, "validation"));
      const auto rows = features::extract_features(set, home, trained.back().priors, run.states, run.clean, at);
      const models::ModelForecaster booster(trained.back(), set, *fallback, false);
      std::map<int, double> mean;  // horizon -> mean over rooms
      std::map<int, int> rooms;
      for (const auto& room : home.rooms) {
        if (!trained.back().rooms.count(room.id)) continue;
        const auto mine = rows.of_room(room.id);
        if (mine.times.empty()) continue;
        const auto fc = booster.predict_many(room.id, mine.values.data(), mine.times.size(), rows.width);
        for (int h : home.horizons_min) {
          std::vector<double> p;
          std::vector<int> y;
          for (std::size_t i = 0; i < mine.times.size(); ++i)
            if (const auto label = truth.occupied_at(room.id, mine.times[i] + h * kMinute)) {
              p.push_back(fc[i].occupancy.at(h));
              y.push_back(*label ? 1 : 0);
            }
          if (p.empty()) continue;
          mean[h] += brier(p, y);
          ++rooms[h];
        }
      }
      for (auto& [h, v] : mean) v /= rooms[h];
      scores.push_back(std::move(mean));
    }
    std::size_t pick = 0;
    for (std::size_t k = 1; k < scores.size(); ++k) {
      bool better = !scores[k].empty();
      for (const auto& [h, v] : scores[pick]) better = better && scores[k].count(h) && scores[k].at(h) < v;
      if (better) pick = k;
    }
    plan.half_life_days = o.half_life_choices[pick];
    chosen = std::move(trained[pick]);
  }
  auto with_chosen = o;
  with_chosen.train.half_life_days = plan.half_life_days;
  const auto inner =
      chosen ? std::move(*chosen) : train_boosters(home, run, by_room, start, inner_end, with_chosen, "validation");
  const auto rows = features::extract_features(set, home, inner.priors, run.states, run.clean, at);

  std::map<std::string, std::unique_ptr<models::Forecaster>> baselines;
  for (const auto& name : models::baseline_names())
    baselines[name] = models::make_baseline(name, set, home.horizons_min);
  const models::ModelForecaster booster(inner, set, *baselines.at("time_of_week"), false);

  for (const auto& room : home.rooms) {
    if (!inner.rooms.count(room.id)) continue;  // no booster: the fallback serves it anyway
    const auto mine = rows.of_room(room.id);
    const auto& ts = mine.times;
    const auto& x = mine.values;
    if (ts.empty()) continue;
    std::map<std::string, std::vector<models::Forecast>> forecasts;
    for (const auto& [name, f] : baselines) forecasts[name] = f->predict_many(room.id, x.data(), ts.size(), rows.width);
    forecasts["model"] = booster.predict_many(room.id, x.data(), ts.size(), rows.width);

    const auto day_of = [&](std::size_t i) { return static_cast<std::size_t>((ts[i] - valid_start) / kDay); };
    const std::size_t days = static_cast<std::size_t>(plan.valid_days);

    models::RoomServing rs;
    for (int h : home.horizons_min) {
      std::vector<int> y;
      std::vector<std::size_t> labelled;
      for (std::size_t i = 0; i < ts.size(); ++i)
        if (const auto label = truth.occupied_at(room.id, ts[i] + h * kMinute)) {
          labelled.push_back(i);
          y.push_back(*label ? 1 : 0);
        }
      models::ServedChoice choice;
      if (labelled.size() < 100) {  // nothing to decide on: the booster, as trained
        rs.occupancy.emplace(h, choice);
        continue;
      }
      // Every candidate's squared errors by validation day; the booster's raw ones are the reference.
      const auto daily = [&](const std::vector<double>& p) {
        std::vector<DayError> out(days);
        for (std::size_t k = 0; k < labelled.size(); ++k) {
          auto& d = out.at(std::min(days - 1, day_of(labelled[k])));
          d.sum_squared += (p[k] - y[k]) * (p[k] - y[k]);
          ++d.n;
        }
        return out;
      };
      std::vector<double> booster_p;
      for (std::size_t i : labelled) booster_p.push_back(forecasts.at("model")[i].occupancy.at(h));
      const auto reference = daily(booster_p);
      // Candidates: each forecaster alone, and the booster mixed with each baseline.
      struct Candidate {
        std::string source, blend;
        double weight;
        std::vector<double> p;
      };
      std::vector<Candidate> candidates;
      for (const auto& [name, fc] : forecasts) {
        Candidate c{name, "", 1, {}};
        for (std::size_t i : labelled) c.p.push_back(fc[i].occupancy.at(h));
        candidates.push_back(std::move(c));
      }
      for (const auto& name : models::baseline_names())
        for (const double w : kBlendWeights) {
          Candidate c{"model", name, w, {}};
          for (std::size_t k = 0; k < labelled.size(); ++k)
            c.p.push_back(w * booster_p[k] + (1 - w) * forecasts.at(name)[labelled[k]].occupancy.at(h));
          candidates.push_back(std::move(c));
        }
      // Each candidate raw and recalibrated (Platt, cross-fitted over the validation days' halves).
      std::vector<std::vector<DayError>> scored;
      std::vector<std::pair<const Candidate*, bool>> options;
      for (const auto& c : candidates)
        for (const bool calibrate : {false, true}) {
          const auto q = calibrate ? cross_fitted(c.p, y) : c.p;
          const auto label = models::describe({c.source, c.blend, c.weight, {}, {}}) + (calibrate ? "+platt" : "");
          choice.valid_brier[label] = brier(q, y);
          scored.push_back(daily(q));
          options.emplace_back(&c, calibrate);
        }
      // Leave the booster only for what is better on the validation days beyond noise.
      if (const auto pick = better_beyond_noise(scored, reference)) {
        const auto& [c, calibrate] = options[*pick];
        choice.source = c->source;
        choice.blend = c->blend;
        choice.weight = c->weight;
        choice.calibration = calibrate ? models::fit_platt(c->p, y) : models::Platt{};
      }
      rs.occupancy.emplace(h, std::move(choice));
    }
    for (const bool occupied : {true, false}) {
      auto& d = occupied ? rs.vacancy : rs.next_occupancy;
      std::vector<double> actual;
      std::vector<std::size_t> seen;
      for (std::size_t i = 0; i < ts.size(); ++i) {
        const double now = x[i * rows.width + now_col];
        const auto change = truth.until_change(room.id, ts[i]);
        if (std::isnan(now) || (now >= 0.5) != occupied || !change || change->censored) continue;
        seen.push_back(i);
        actual.push_back(change->minutes);
      }
      // Misses (|estimate − actual| > 15 min) by validation day, as "squared errors" of a 0/1 loss.
      const auto misses = [&](const std::vector<models::Forecast>& fc, bool& complete) {
        std::vector<DayError> out(days);
        complete = true;
        for (std::size_t k = 0; k < seen.size(); ++k) {
          auto& day = out.at(std::min(days - 1, day_of(seen[k])));
          const auto m = fc[seen[k]].minutes_to_change;
          complete = complete && m.has_value();
          day.sum_squared += !m || std::abs(*m - actual[k]) > 15;
          ++day.n;
        }
        return out;
      };
      bool complete = true;
      const auto reference = misses(forecasts.at("model"), complete);
      std::vector<std::vector<DayError>> scored;
      std::vector<std::string> names;
      for (const auto& [name, fc] : forecasts) {
        const auto mine = misses(fc, complete);
        double missed = 0;
        for (const auto& day : mine) missed += day.sum_squared;
        d.valid_within[name] = seen.empty() ? -1 : 1 - missed / static_cast<double>(seen.size());
        if (!complete || seen.size() < 20) continue;  // no estimate for some stays, or too few stays
        scored.push_back(mine);
        names.push_back(name);
      }
      if (const auto pick = better_beyond_noise(scored, reference)) d.source = names[*pick];
    }
    plan.rooms.emplace(room.id, std::move(rs));
  }
  return plan;
}

models::TrainedModel train_served(const config::HomeConfig& home, const cleaning::CleanRun& run, Millis start,
                                  Millis end, const ServedTrainOptions& o, std::string version) {
  if (run.clean.empty() || run.states.empty()) throw std::runtime_error("the history has no clean readings");
  RoomStates by_room;
  for (const auto& s : run.states) by_room[s.room].push_back(s);
  if (!o.choose) return train_boosters(home, run, by_room, start, end, o, std::move(version));
  auto plan = choose_serving(home, run, by_room, start, end, o);
  auto with = o;
  with.train.half_life_days = plan.half_life_days;
  auto model = train_boosters(home, run, by_room, start, end, with, std::move(version));
  model.serving = std::move(plan);
  return model;
}

}  // namespace occupancy::evaluation
