#pragma once
// Scores predictions once they mature: a prediction made at t for horizon h is compared with
// the room's state first observed at or after t + h. Rolling over the last `window` matured
// predictions per room and horizon (accuracy at 0.5, Brier), for /metrics.
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "occupancy/core/time.hpp"
#include "occupancy/core/types.hpp"

namespace occupancy::models {

class MaturedScores {
 public:
  explicit MaturedScores(std::size_t window = 1440) : window_(window) {}

  void predicted(const std::string& room, int horizon_min, Millis made_at, double probability);
  /// The room's state at `t` (from a feature vector): scores what matured by then, and
  /// returns those predictions' outcomes (for the archive).
  std::vector<PredictionOutcome> observed(const std::string& room, Millis t, bool occupied);

  struct Rolling {
    std::size_t n = 0;
    double accuracy = 0, brier = 0;
  };
  std::optional<Rolling> rolling(const std::string& room, int horizon_min) const;
  /// Every (room, horizon) with at least one matured prediction.
  std::map<std::pair<std::string, int>, Rolling> all() const;

 private:
  struct Pending {
    Millis made_at, due;
    double p;
  };
  struct Scored {
    double p;
    bool y;
  };
  std::size_t window_;
  std::map<std::pair<std::string, int>, std::deque<Pending>> pending_;
  std::map<std::pair<std::string, int>, std::deque<Scored>> scored_;
};

}  // namespace occupancy::models
