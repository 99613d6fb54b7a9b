#pragma once
// Shadow evaluation of a candidate version: it forecasts beside the active version on the same
// live feature vectors; once a minute's forecasts mature, both are scored on the same outcome.
// The verdict compares them paired: the difference of Brier scores (candidate - active) over
// every matured room, horizon and minute, with a 95 % interval from a bootstrap over hour blocks
// (minutes within an hour are not independent). After `min_minutes` distinct matured minutes it
// promotes a candidate that is better with confidence — over all rooms, or in some room while
// worse with confidence in none and not worse over all — and retires any other.
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "occupancy/core/time.hpp"
#include "occupancy/core/types.hpp"

namespace occupancy::models {

/// Paired scores over a set of matured forecasts. diff = candidate - active (negative: better).
struct PairedBrier {
  std::size_t n = 0;
  double active = 0, candidate = 0;
  double diff = 0, diff_low = 0, diff_high = 0;  // mean and 95 % bootstrap interval
  double active_accuracy = 0, candidate_accuracy = 0;
};

/// Paired Brier of `pairs` (all of them), bootstrapped over hour blocks with a fixed seed.
PairedBrier paired_brier(const std::vector<MaturedPair>& pairs, int resamples = 1000);

/// Two forecasts of the same feature vectors (per room, horizon and minute), held until they
/// mature: the pair is then scored on the room's state first observed at or after t + h.
class PairedForecasts {
 public:
  void predicted(const std::string& room, Millis made_at, const std::map<int, double>& a,
                 const std::map<int, double>& b);
  /// The room's state at `t`: the pairs due by then, matured.
  std::vector<MaturedPair> observed(const std::string& room, Millis t, bool occupied);

 private:
  struct Pending {
    Millis made_at, due;
    double a, b;
  };
  std::map<std::pair<std::string, int>, std::deque<Pending>> pending_;
};

/// Whether a newly trained version may take the shadow from the candidate already in it since
/// `running_since` (nullopt: none is). Not before that one has had twice its period: its minutes
/// mature up to the longest horizon late, and a stopped predictor pauses it, so a daily training
/// with a 24 h shadow would otherwise replace every candidate just before its verdict. Until
/// then the new version waits as a plain candidate, and the next training tries again.
bool may_take_shadow(std::optional<Millis> running_since, Millis now, double shadow_hours);

class ShadowEvaluation {
 public:
  enum class Verdict { wait, promote, retire };
  struct Decision {
    Verdict verdict = Verdict::wait;
    std::string reason;
  };

  ShadowEvaluation(std::string candidate, std::size_t min_minutes)
      : candidate_(std::move(candidate)), min_minutes_(min_minutes) {}

  const std::string& candidate() const { return candidate_; }
  /// Both versions' forecasts of one feature vector (same room, time and horizons).
  void predicted(const std::string& room, Millis made_at, const std::map<int, double>& active,
                 const std::map<int, double>& candidate);
  /// The room's state at `t`: pairs due by then mature.
  void observed(const std::string& room, Millis t, bool occupied);
  /// Pairs matured before this process started (from the archive).
  void restore(std::vector<MaturedPair> pairs);

  std::size_t matured_minutes() const;
  const std::vector<MaturedPair>& matured() const { return matured_; }
  /// Overall, and per (room, horizon).
  PairedBrier overall() const { return paired_brier(matured_); }
  std::map<std::pair<std::string, int>, PairedBrier> by_room() const;
  Decision decide() const;

 private:
  std::string candidate_;
  std::size_t min_minutes_;
  PairedForecasts pending_;
  std::vector<MaturedPair> matured_;
};

}  // namespace occupancy::models
