#include "occupancy/features/extract.hpp"

namespace occupancy::features {

FeatureRows FeatureRows::of_room(const std::string& room) const {
  FeatureRows out;
  out.width = width;
  for (std::size_t i = 0; i < rows(); ++i)
    if (rooms[i] == room) {
      out.times.push_back(times[i]);
      out.rooms.push_back(rooms[i]);
      out.values.insert(out.values.end(), row(i), row(i) + width);
    }
  return out;
}

FeatureRows extract_features(const FeatureSet& set, const config::House& home, const Priors& priors,
                             const std::vector<RoomState>& states, const std::vector<Reading>& clean,
                             const std::vector<Millis>& at) {
  HouseTimeline timeline(home);
  FeatureRows out;
  out.width = set.size();
  out.values.reserve(at.size() * home.rooms.size() * set.size());
  std::size_t s = 0, c = 0;
  for (const Millis t : at) {
    // Events up to t, in time order (a state and a reading at the same time: the reading first,
    // as the cleaner publishes them).
    while (s < states.size() || c < clean.size()) {
      const bool take_reading = c < clean.size() && (s >= states.size() || clean[c].ts <= states[s].ts);
      const Millis ts = take_reading ? clean[c].ts : states[s].ts;
      if (ts > t) break;
      if (take_reading)
        timeline.on_reading(clean[c++]);
      else
        timeline.on_state(states[s++]);
    }
    timeline.advance(t);
    for (const auto& room : home.rooms) {
      out.times.push_back(t);
      out.rooms.push_back(room.id);
      out.values.resize(out.values.size() + set.size());
      set.compute(timeline, priors, room.id, t, out.values.data() + out.values.size() - set.size());
    }
  }
  return out;
}

}  // namespace occupancy::features
