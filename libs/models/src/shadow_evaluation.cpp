#include "occupancy/models/shadow_evaluation.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <random>
#include <set>

namespace occupancy::models {

PairedBrier paired_brier(const std::vector<MaturedPair>& pairs, int resamples) {
  PairedBrier r;
  r.n = pairs.size();
  if (pairs.empty()) return r;
  // Sum of differences and count per hour block.
  std::map<Millis, std::pair<double, std::size_t>> blocks;
  for (const auto& p : pairs) {
    const double y = p.outcome ? 1 : 0;
    const double a = (p.active - y) * (p.active - y), c = (p.candidate - y) * (p.candidate - y);
    r.active += a;
    r.candidate += c;
    r.active_accuracy += (p.active >= 0.5) == p.outcome;
    r.candidate_accuracy += (p.candidate >= 0.5) == p.outcome;
    auto& b = blocks[p.made_at / (60 * kMinute)];
    b.first += c - a;
    ++b.second;
  }
  const auto n = static_cast<double>(r.n);
  r.active /= n;
  r.candidate /= n;
  r.active_accuracy /= n;
  r.candidate_accuracy /= n;
  r.diff = r.candidate - r.active;
  std::vector<std::pair<double, std::size_t>> v;
  for (const auto& [_, b] : blocks) v.push_back(b);
  std::mt19937_64 rng(20261130);
  std::uniform_int_distribution<std::size_t> pick(0, v.size() - 1);
  std::vector<double> means;
  means.reserve(static_cast<std::size_t>(resamples));
  for (int i = 0; i < resamples; ++i) {
    double sum = 0;
    std::size_t count = 0;
    for (std::size_t k = 0; k < v.size(); ++k) {
      const auto& b = v[pick(rng)];
      sum += b.first;
      count += b.second;
    }
    means.push_back(sum / static_cast<double>(count));
  }
  std::sort(means.begin(), means.end());
  r.diff_low = means[static_cast<std::size_t>(0.025 * (means.size() - 1))];
  r.diff_high = means[static_cast<std::size_t>(0.975 * (means.size() - 1))];
  return r;
}

void PairedForecasts::predicted(const std::string& room, Millis made_at, const std::map<int, double>& a,
                                const std::map<int, double>& b) {
  for (const auto& [h, p] : a) {
    const auto other = b.find(h);
    if (other == b.end()) continue;
    auto& q = pending_[{room, h}];
    const Millis due = made_at + h * kMinute;
    if (!q.empty() && due < q.back().due) continue;  // out of order (a replayed past): not scored
    q.push_back({made_at, due, p, other->second});
    if (q.size() > 10'000) q.pop_front();  // a room whose state stopped coming must not grow memory
  }
}

std::vector<MaturedPair> PairedForecasts::observed(const std::string& room, Millis t, bool occupied) {
  std::vector<MaturedPair> out;
  for (auto it = pending_.lower_bound({room, 0}); it != pending_.end() && it->first.first == room; ++it)
    for (auto& q = it->second; !q.empty() && q.front().due <= t; q.pop_front())
      out.push_back({room, it->first.second, q.front().made_at, q.front().a, q.front().b, occupied});
  return out;
}

void ShadowEvaluation::predicted(const std::string& room, Millis made_at, const std::map<int, double>& active,
                                 const std::map<int, double>& candidate) {
  pending_.predicted(room, made_at, active, candidate);
}

void ShadowEvaluation::observed(const std::string& room, Millis t, bool occupied) {
  for (auto& p : pending_.observed(room, t, occupied)) matured_.push_back(std::move(p));
}

void ShadowEvaluation::restore(std::vector<MaturedPair> pairs) {
  pairs.insert(pairs.end(), matured_.begin(), matured_.end());
  matured_ = std::move(pairs);
}

bool may_take_shadow(std::optional<Millis> running_since, Millis now, double shadow_hours) {
  return !running_since || now - *running_since >= static_cast<Millis>(2 * shadow_hours * 60) * kMinute;
}

std::size_t ShadowEvaluation::matured_minutes() const {
  std::set<Millis> minutes;
  for (const auto& p : matured_) minutes.insert(p.made_at / kMinute);
  return minutes.size();
}

std::map<std::pair<std::string, int>, PairedBrier> ShadowEvaluation::by_room() const {
  std::map<std::pair<std::string, int>, std::vector<MaturedPair>> groups;
  for (const auto& p : matured_) groups[{p.room, p.horizon_min}].push_back(p);
  std::map<std::pair<std::string, int>, PairedBrier> out;
  for (const auto& [key, pairs] : groups) out.emplace(key, paired_brier(pairs));
  return out;
}

ShadowEvaluation::Decision ShadowEvaluation::decide() const {
  const std::size_t minutes = matured_minutes();
  if (minutes < min_minutes_)
    return {Verdict::wait, fmt::format("{} of {} live minutes matured", minutes, min_minutes_)};
  const auto s = overall();
  const auto figures = fmt::format(
      "live Brier {:.4f} vs active {:.4f} over {} forecasts in {} minutes, difference "
      "{:+.4f} (95 % interval {:+.4f} .. {:+.4f})",
      s.candidate, s.active, s.n, minutes, s.diff, s.diff_low, s.diff_high);
  if (s.diff_high < 0) return {Verdict::promote, candidate_ + " promoted: " + figures};
  // A routine that changed in one room shows there first, while the unchanged rooms tie: pooled
  // over every room its gain drowns. Promote too when some room is better with confidence, none
  // is worse with confidence and the whole is not worse.
  std::map<std::string, std::vector<MaturedPair>> rooms;
  for (const auto& p : matured_) rooms[p.room].push_back(p);
  std::vector<std::string> better, worse;
  for (const auto& [room, pairs] : rooms) {
    const auto r = paired_brier(pairs);
    if (r.diff_high < 0)
      better.push_back(fmt::format("{} {:+.4f} ({:+.4f} .. {:+.4f})", room, r.diff, r.diff_low, r.diff_high));
    if (r.diff_low > 0) worse.push_back(room);
  }
  if (!better.empty() && worse.empty() && s.diff < 0)
    return {Verdict::promote,
            fmt::format("{} promoted: better with confidence in {}, worse with confidence in no room; {}", candidate_,
                        fmt::join(better, ", "), figures)};
  if (!worse.empty())
    return {Verdict::retire,
            fmt::format("{} retired, worse with confidence in {}: {}", candidate_, fmt::join(worse, ", "), figures)};
  return {Verdict::retire, candidate_ + " retired, not better with confidence: " + figures};
}

}  // namespace occupancy::models
