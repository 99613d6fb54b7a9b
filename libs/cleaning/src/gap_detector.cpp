#include "occupancy/cleaning/gap_detector.hpp"

namespace occupancy::cleaning {

GapDetector::GapDetector(const config::House& house, const config::CleanerSettings& settings) {
  for (const auto& e : house.entities) {
    Watch w{&e, 0, std::nullopt};
    const auto limit = settings.silence_limit_min.find(e.kind);
    if (e.heartbeat && limit != settings.silence_limit_min.end())
      w.limit = static_cast<Millis>(limit->second * 60'000.0);
    watches_.emplace(e.entity_id, w);
  }
}

void GapDetector::open(const config::Entity& e, Millis at, const std::string& cause, std::vector<Gap>& changed) {
  if (open_.count(e.entity_id)) return;
  Gap g{e.entity_id, e.room, e.zone, at, std::nullopt, cause};
  open_.emplace(e.entity_id, g);
  changed.push_back(std::move(g));
}

void GapDetector::observe(const Reading& r, std::vector<Gap>& changed) {
  const auto w = watches_.find(r.entity_id);
  if (w == watches_.end()) return;
  w->second.last_heard = r.ts;
  if (r.state == SensorState::unavailable) {
    open(*w->second.entity, r.ts, "unavailable", changed);
    return;
  }
  const auto g = open_.find(r.entity_id);
  if (g == open_.end()) return;
  g->second.end = r.ts;
  changed.push_back(std::move(g->second));
  open_.erase(g);
}

void GapDetector::advance(Millis now, std::vector<Gap>& changed) {
  for (auto& [id, w] : watches_)
    if (w.limit > 0 && w.last_heard && now - *w.last_heard > w.limit && !open_.count(id))
      open(*w.entity, *w.last_heard, "silent", changed);
}

std::vector<Gap> GapDetector::open_gaps() const {
  std::vector<Gap> out;
  for (const auto& [_, g] : open_) out.push_back(g);
  return out;
}

}  // namespace occupancy::cleaning
