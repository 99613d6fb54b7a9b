#include "occupancy/models/matured_scores.hpp"

namespace occupancy::models {

void MaturedScores::predicted(const std::string& room, int h, Millis made_at, double p) {
  auto& q = pending_[{room, h}];
  const Millis due = made_at + h * kMinute;
  if (!q.empty() && due < q.back().due) return;  // out of order (a replayed past): not scored
  q.push_back({made_at, due, p});
  if (q.size() > 4 * window_) q.pop_front();  // a room that stopped reporting must not grow memory
}

std::vector<PredictionOutcome> MaturedScores::observed(const std::string& room, Millis t, bool occupied) {
  std::vector<PredictionOutcome> outcomes;
  for (auto it = pending_.lower_bound({room, 0}); it != pending_.end() && it->first.first == room; ++it) {
    auto& scored = scored_[it->first];
    for (auto& q = it->second; !q.empty() && q.front().due <= t; q.pop_front()) {
      scored.push_back({q.front().p, occupied});
      if (scored.size() > window_) scored.pop_front();
      outcomes.push_back({room, q.front().made_at, it->first.second, occupied});
    }
  }
  return outcomes;
}

std::optional<MaturedScores::Rolling> MaturedScores::rolling(const std::string& room, int h) const {
  const auto it = scored_.find({room, h});
  if (it == scored_.end() || it->second.empty()) return std::nullopt;
  Rolling r;
  r.n = it->second.size();
  for (const auto& s : it->second) {
    r.accuracy += (s.p >= 0.5) == s.y;
    r.brier += (s.p - s.y) * (s.p - s.y);
  }
  r.accuracy /= static_cast<double>(r.n);
  r.brier /= static_cast<double>(r.n);
  return r;
}

std::map<std::pair<std::string, int>, MaturedScores::Rolling> MaturedScores::all() const {
  std::map<std::pair<std::string, int>, Rolling> out;
  for (const auto& [key, _] : scored_)
    if (auto r = rolling(key.first, key.second)) out.emplace(key, *r);
  return out;
}

}  // namespace occupancy::models
