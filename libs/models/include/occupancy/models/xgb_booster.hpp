#pragma once
// XGBoost through its C API (libxgboost 1.7): train a binary classifier with early stopping on
// a time-ordered validation set, predict, save to / load from bytes (UBJSON). Every call is
// checked; a failure throws XgbError with XGBoost's own message.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace occupancy::models {

class XgbError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct XgbParams {
  int max_rounds = 300;
  int early_stopping_rounds = 20;
  int max_depth = 5;
  double eta = 0.1;
  double subsample = 0.8;
  double colsample_bytree = 0.8;
  double min_child_weight = 5;
  // One thread: on these small matrices a round is too short to share, and OpenMP workers that
  // spin while they wait made two trainings sharing the 2 cores 10x slower (docs/benchmarks.md).
  int nthread = 1;
  std::uint64_t seed = 1;
};

/// A dense float matrix, row-major; NaN = missing. `base_margin` (optional, one per row): the
/// log-odds boosting starts from, e.g. a baseline's forecast, so trees learn only corrections.
struct Matrix {
  std::vector<float> values;
  std::size_t rows = 0, cols = 0;
  std::vector<float> base_margin;
  std::vector<float> weights;  // optional, one per row (e.g. recent rows count more)
};

class XgbBooster {
 public:
  XgbBooster() = default;
  XgbBooster(XgbBooster&&) noexcept;
  XgbBooster& operator=(XgbBooster&&) noexcept;
  XgbBooster(const XgbBooster&) = delete;
  XgbBooster& operator=(const XgbBooster&) = delete;
  ~XgbBooster();

  /// Trains binary:logistic on `train` (labels 0/1) and stops when log-loss on `valid` has not
  /// improved for early_stopping_rounds; keeps the best round.
  static XgbBooster train(const Matrix& train, const std::vector<float>& labels, const Matrix& valid,
                          const std::vector<float>& valid_labels, const XgbParams& params);
  /// Trains survival:aft (accelerated failure time, normal errors on log time) on durations
  /// given as [lower, upper] bounds: upper = lower for a seen change, +inf when censored.
  /// predict() then gives the median time, in the labels' unit.
  static XgbBooster train_aft(const Matrix& train, const std::vector<float>& lower, const std::vector<float>& upper,
                              const Matrix& valid, const std::vector<float>& valid_lower,
                              const std::vector<float>& valid_upper, const XgbParams& params);
  /// Loads a model saved by bytes(); throws XgbError if it is not one.
  static XgbBooster load(const std::string& bytes, int nthread = 1);

  std::vector<float> predict(const Matrix& m) const;
  float predict_one(const std::vector<float>& row, std::optional<float> base_margin = std::nullopt) const;
  std::string bytes() const;  // UBJSON
  int rounds() const { return rounds_; }
  bool valid() const { return handle_ != nullptr; }
  /// Takes ownership of a BoosterHandle (for the training helpers).
  static XgbBooster adopt(void* handle, int rounds);

 private:
  void* handle_ = nullptr;
  int rounds_ = 0;
};

}  // namespace occupancy::models
