#pragma once
// Drift: the active version watched on live data, per room and horizon, against the baseline
// scored on the same minutes (time of week, or persistence before priors exist). Over the last
// `window` matured minutes, once at least `min_matured` have matured, the version is worse when
// its mean Brier exceeds the baseline's by more than `margin`; a room drifts when one of its
// horizons has stayed worse for `hold` of event time. It recovers when none of its horizons has
// been worse for `hold` again (the version is still scored while the baseline serves), or when
// another version is installed (reset()).
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "occupancy/core/time.hpp"
#include "occupancy/models/shadow_evaluation.hpp"

namespace occupancy::models {

struct DriftSettings {
  std::size_t window = 720;
  std::size_t min_matured = 120;
  double margin = 0.03;
  Millis hold = 120 * kMinute;
};

class DriftMonitor {
 public:
  explicit DriftMonitor(DriftSettings settings = {}) : settings_(settings) {}

  /// The version's and the baseline's forecasts of one feature vector.
  void predicted(const std::string& room, Millis made_at, const std::map<int, double>& model,
                 const std::map<int, double>& baseline);
  /// The room's state at `t`: scores what matured, and updates the room's drift.
  void observed(const std::string& room, Millis t, bool occupied);

  bool drifting(const std::string& room, int horizon_min) const { return drifting_.count({room, horizon_min}) > 0; }
  /// Any horizon of the room.
  bool drifting(const std::string& room) const;
  /// Rooms where a horizon started drifting since the last call.
  std::vector<std::string> take_new_drifts();

  struct Status {
    std::size_t n = 0;
    double model_brier = 0, baseline_brier = 0;
    bool worse = false;
  };
  std::map<std::pair<std::string, int>, Status> status() const;
  void reset();

 private:
  struct Window {
    std::deque<MaturedPair> pairs;  // a: the version, b: the baseline
    double model_sum = 0, baseline_sum = 0;
    std::optional<Millis> worse_since, fine_since;
  };
  Status status_of(const Window& w) const;

  DriftSettings settings_;
  PairedForecasts pending_;
  std::map<std::pair<std::string, int>, Window> windows_;
  std::set<std::pair<std::string, int>> drifting_;
  std::vector<std::string> new_drifts_;
};

/// What the predictor does when `rooms` start drifting under `current`: roll back to `previous`
/// when that version's live Brier (from the archive) was better than the current one's, else
/// keep the version and let the baseline serve the drifting horizons. The reason, in words.
struct RollbackChoice {
  bool roll_back = false;
  std::string reason;
};
RollbackChoice choose_rollback(const std::string& current, const std::vector<std::string>& rooms, double margin,
                               const std::optional<std::string>& previous, std::optional<double> current_brier,
                               std::optional<double> previous_brier);

}  // namespace occupancy::models
