#include "occupancy/features/truth.hpp"

#include <algorithm>

namespace occupancy::features {

Truth::Truth(const std::map<std::string, std::vector<RoomState>>& states, Millis end) : end_(end) {
  for (const auto& [room, changes] : states) {
    auto& segs = rooms_[room];
    for (std::size_t i = 0; i < changes.size(); ++i) {
      const auto& s = changes[i];
      if (s.ts >= end) break;
      if (!segs.empty() && segs.back().occupied == s.occupied && segs.back().reliable == s.reliable) continue;
      if (!segs.empty()) segs.back().end = s.ts;
      segs.push_back({s.ts, end, s.occupied, s.reliable});
    }
  }
}

const Truth::Segment* Truth::at(const std::string& room, Millis t) const {
  const auto it = rooms_.find(room);
  if (it == rooms_.end() || t >= end_) return nullptr;
  const auto& segs = it->second;
  auto s = std::upper_bound(segs.begin(), segs.end(), t, [](Millis x, const Segment& g) { return x < g.start; });
  if (s == segs.begin()) return nullptr;
  return &*std::prev(s);
}

std::optional<bool> Truth::occupied_at(const std::string& room, Millis t) const {
  const auto* s = at(room, t);
  if (s == nullptr || !s->reliable) return std::nullopt;
  return s->occupied;
}

std::optional<Truth::Duration> Truth::until_change(const std::string& room, Millis t) const {
  const auto* s = at(room, t);
  if (s == nullptr || !s->reliable) return std::nullopt;
  const auto& segs = rooms_.at(room);
  const auto* next = s + 1;
  const double minutes = static_cast<double>(s->end - t) / 60'000.0;
  const bool seen = next != segs.data() + segs.size() && next->reliable && next->occupied != s->occupied;
  return Duration{minutes, !seen};
}

}  // namespace occupancy::features
