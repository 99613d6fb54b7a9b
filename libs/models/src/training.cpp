#include "occupancy/models/training.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <limits>
#include <map>
#include <optional>
#include <stdexcept>
#include <thread>

#include "occupancy/core/time.hpp"

namespace occupancy::models {
namespace {

// Rows of one room with a label, split by time into train and validation.
struct Split {
  Matrix train, valid;
  std::vector<float> y_train, y_valid;
};

Split split(const features::FeatureRows& rows, const std::vector<std::size_t>& idx, const std::vector<float>& y,
            double valid_share, const std::vector<float>& weight, const std::vector<float>& margin = {}) {
  Split s;
  const std::size_t n = idx.size();
  const std::size_t cut = n - static_cast<std::size_t>(static_cast<double>(n) * valid_share);
  s.train.cols = s.valid.cols = rows.width;
  for (std::size_t j = 0; j < n; ++j) {
    auto& m = j < cut ? s.train : s.valid;
    const double* r = rows.row(idx[j]);
    for (std::size_t k = 0; k < rows.width; ++k) m.values.push_back(static_cast<float>(r[k]));
    ++m.rows;
    (j < cut ? s.y_train : s.y_valid).push_back(y[j]);
    if (!margin.empty()) m.base_margin.push_back(margin[j]);
    if (!weight.empty()) m.weights.push_back(weight[idx[j]]);
  }
  return s;
}

}  // namespace

std::size_t default_training_threads() { return std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, 4); }

TrainedModel train_model(const features::FeatureRows& rows, const features::Truth& truth,
                         const std::vector<std::string>& feature_names, const std::vector<int>& horizons,
                         const features::Priors& priors, const TrainOptions& o, std::string version) {
  TrainedModel model;
  model.version = std::move(version);
  model.feature_names = feature_names;
  model.horizons = horizons;
  model.priors = priors;
  const auto column = [&](const std::string& name) {
    for (std::size_t k = 0; k < feature_names.size(); ++k)
      if (feature_names[k] == name) return k;
    throw std::invalid_argument("training: no feature '" + name + "'");
  };
  const std::size_t now_col = column("occupied_now");

  // Recent rows count more (half-life in days), so that a changed routine outweighs the old one
  // sooner; every row the same without one.
  std::vector<float> weight;
  if (o.half_life_days > 0 && rows.rows() > 0) {
    const Millis newest = *std::max_element(rows.times.begin(), rows.times.end());
    weight.reserve(rows.rows());
    for (const Millis t : rows.times)
      weight.push_back(static_cast<float>(std::exp2(-static_cast<double>(newest - t) / (o.half_life_days * kDay))));
  }
  std::map<std::string, std::vector<std::size_t>> by_room;  // rows are in time order within a room
  for (std::size_t i = 0; i < rows.rows(); ++i) by_room[rows.rooms[i]].push_back(i);

  // One room's boosters; nullopt when it has too few labelled rows.
  const auto train_room = [&](const std::string& room,
                              const std::vector<std::size_t>& idx) -> std::optional<RoomModel> {
    RoomModel rm;
    for (int h : horizons) {
      std::vector<std::size_t> use;
      std::vector<float> y, margin;
      const std::size_t markov_col = column("markov_occ_" + std::to_string(h));
      for (std::size_t i : idx)
        if (const auto label = truth.occupied_at(room, rows.times[i] + h * kMinute)) {
          use.push_back(i);
          y.push_back(*label ? 1.0f : 0.0f);
          margin.push_back(base_margin(rows.row(i), markov_col, now_col));
        }
      if (use.size() < o.min_rows) continue;
      const auto s = split(rows, use, y, o.valid_share, weight, margin);
      rm.occupancy.emplace(h, XgbBooster::train(s.train, s.y_train, s.valid, s.y_valid, o.xgb));
    }
    if (rm.occupancy.empty()) return std::nullopt;   // too little data: the fallback serves this room
    for (const bool occupied_now : {true, false}) {  // durations by survival:aft, censoring as bounds
      if (o.ladder) break;
      std::vector<std::size_t> use;
      std::vector<float> lower, upper;
      for (std::size_t i : idx) {
        const double now = rows.row(i)[now_col];
        if (std::isnan(now) || (now >= 0.5) != occupied_now) continue;
        const auto d = truth.until_change(room, rows.times[i]);
        if (!d || d->minutes <= 0) continue;
        use.push_back(i);
        lower.push_back(static_cast<float>(d->minutes));
        upper.push_back(d->censored ? std::numeric_limits<float>::infinity() : static_cast<float>(d->minutes));
      }
      if (use.size() < o.min_rows) continue;
      const auto sl = split(rows, use, lower, o.valid_share, weight);
      const auto su = split(rows, use, upper, o.valid_share, weight);
      (occupied_now ? rm.vacancy_aft : rm.next_aft) =
          XgbBooster::train_aft(sl.train, sl.y_train, su.y_train, sl.valid, sl.y_valid, su.y_valid, o.xgb);
    }
    for (const bool occupied_now : {true, false}) {
      if (!o.ladder) break;
      for (int k : kLadderMinutes) {
        std::vector<std::size_t> use;
        std::vector<float> y;
        for (std::size_t j = 0; j < idx.size(); j += static_cast<std::size_t>(o.ladder_every)) {
          const std::size_t i = idx[j];
          const double now = rows.row(i)[now_col];
          if (std::isnan(now) || (now >= 0.5) != occupied_now) continue;
          const auto d = truth.until_change(room, rows.times[i]);
          if (!d) continue;
          if (d->minutes <= k && !d->censored) {
            use.push_back(i);
            y.push_back(1.0f);
          } else if (d->minutes > k) {  // it lasted longer than k (seen or censored later)
            use.push_back(i);
            y.push_back(0.0f);
          }  // censored before k: unknown, no label
        }
        if (use.size() < o.min_rows) continue;
        const auto s = split(rows, use, y, o.valid_share, weight);
        (occupied_now ? rm.vacant_within : rm.occupied_within)
            .emplace(k, XgbBooster::train(s.train, s.y_train, s.valid, s.y_valid, o.xgb));
      }
    }
    return rm;
  };

  // Rooms are independent: each booster trains single-threaded (see XgbParams::nthread), and the
  // rooms share the cores, which nearly halves a year's training on two cores.
  std::vector<std::pair<const std::string*, const std::vector<std::size_t>*>> jobs;
  for (const auto& [room, idx] : by_room) jobs.emplace_back(&room, &idx);
  std::vector<std::optional<RoomModel>> trained(jobs.size());
  std::vector<std::exception_ptr> failed(jobs.size());
  std::atomic<std::size_t> next{0};
  const auto worker = [&] {
    for (std::size_t j; (j = next.fetch_add(1)) < jobs.size();) try {
        trained[j] = train_room(*jobs[j].first, *jobs[j].second);
      } catch (...) {
        failed[j] = std::current_exception();
      }
  };
  const auto threads = std::clamp<std::size_t>(o.threads, 1, std::max<std::size_t>(1, jobs.size()));
  std::vector<std::thread> pool;
  for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
  for (std::size_t j = 0; j < jobs.size(); ++j) {
    if (failed[j]) std::rethrow_exception(failed[j]);
    if (trained[j]) model.rooms.emplace(*jobs[j].first, std::move(*trained[j]));
  }
  return model;
}

}  // namespace occupancy::models
