#pragma once
// What a model version serves, per room and horizon: its own booster or one of the baselines,
// optionally recalibrated (Platt scaling). Chosen on time-ordered validation when the version
// is trained, never on the data it is tested on, and shipped with the version (file "serving"),
// so the predictor, the backtest and HA all see the same choice.
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace occupancy::models {

/// p' = sigmoid(a * logit(p) + b); the identity by default.
struct Platt {
  double a = 1, b = 0;
  double apply(double p) const;
  bool identity() const { return a == 1 && b == 0; }
};

struct ServedChoice {
  std::string source = "model";  // "model" (the booster) or a baseline name
  std::string blend;             // a baseline mixed in: p = weight * p(source) + (1 − weight) * p(blend)
  double weight = 1;
  Platt calibration;                          // applied last
  std::map<std::string, double> valid_brier;  // candidate -> Brier on the validation days (what decided)
};

/// "model", "markov", "model*0.75+markov", "markov+platt": what a choice serves, in one word.
std::string describe(const ServedChoice& choice);

struct ServedDuration {
  std::string source = "model";                // "model" (survival:aft) or a baseline name
  std::map<std::string, double> valid_within;  // candidate -> share within +/- 15 min on validation
};

struct RoomServing {
  std::map<int, ServedChoice> occupancy;  // horizon -> choice
  ServedDuration vacancy, next_occupancy;
};

struct ServingPlan {
  std::map<std::string, RoomServing> rooms;
  int valid_days = 0;
  double half_life_days = 0;  // training rows' recency weighting, chosen on the same held-out days (0: alike)

  /// The choice for a room and horizon; nullptr where the plan says nothing (serve the booster).
  const ServedChoice* occupancy(const std::string& room, int horizon) const;
  /// "markov" where every horizon of the room is served by that baseline, "markov (15 min)" where
  /// some are; nullopt where the booster serves every horizon.
  std::optional<std::string> fallback(const std::string& room) const;

  std::string to_json() const;
  /// Throws std::runtime_error naming what is malformed.
  static ServingPlan from_json(const std::string& text);
  /// One line per room: what it serves at each horizon and for its durations.
  std::string summary() const;
};

}  // namespace occupancy::models

namespace occupancy::models {

/// Platt scaling fitted by Newton's method on (probability, outcome) pairs, with a light pull
/// towards the identity so that a few hundred rows cannot bend it far. Identity when `p` is empty
/// or holds one class only.
Platt fit_platt(const std::vector<double>& p, const std::vector<int>& y);

}  // namespace occupancy::models
