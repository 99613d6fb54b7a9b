#include "occupancy/models/xgb_booster.hpp"

#include <xgboost/c_api.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <mutex>
#include <utility>

namespace occupancy::models {
namespace {

void check(int rc, const char* what) {
  if (rc != 0) throw XgbError(std::string("XGBoost ") + what + ": " + XGBGetLastError());
}

void quiet() {
  static std::once_flag once;
  std::call_once(once, [] { XGBSetGlobalConfig(R"({"verbosity":0})"); });
}

struct DMatrix {
  DMatrixHandle h = nullptr;
  explicit DMatrix(const Matrix& m) {
    check(XGDMatrixCreateFromMat(m.values.data(), m.rows, m.cols, std::numeric_limits<float>::quiet_NaN(), &h),
          "matrix");
    if (!m.base_margin.empty())
      check(XGDMatrixSetFloatInfo(h, "base_margin", m.base_margin.data(), m.base_margin.size()), "base margin");
    if (!m.weights.empty()) check(XGDMatrixSetFloatInfo(h, "weight", m.weights.data(), m.weights.size()), "weights");
  }
  ~DMatrix() { XGDMatrixFree(h); }
  DMatrix(const DMatrix&) = delete;
  DMatrix& operator=(const DMatrix&) = delete;
};

// "[12]\tvalid-logloss:0.123456" -> 0.123456
double eval_value(const char* text) {
  const char* colon = std::strrchr(text, ':');
  return colon ? std::strtod(colon + 1, nullptr) : std::numeric_limits<double>::infinity();
}

}  // namespace

XgbBooster::XgbBooster(XgbBooster&& o) noexcept : handle_(std::exchange(o.handle_, nullptr)), rounds_(o.rounds_) {}
XgbBooster& XgbBooster::operator=(XgbBooster&& o) noexcept {
  if (this != &o) {
    if (handle_) XGBoosterFree(handle_);
    handle_ = std::exchange(o.handle_, nullptr);
    rounds_ = o.rounds_;
  }
  return *this;
}
XgbBooster::~XgbBooster() {
  if (handle_) XGBoosterFree(handle_);
}

namespace {

// Boosts with early stopping on the validation set's first metric; returns the best rounds.
XgbBooster boost(DMatrix& dtrain, DMatrix& dvalid, const XgbParams& p,
                 const std::vector<std::pair<std::string, std::string>>& objective);

}  // namespace

XgbBooster XgbBooster::train(const Matrix& train, const std::vector<float>& labels, const Matrix& valid,
                             const std::vector<float>& valid_labels, const XgbParams& p) {
  quiet();
  if (train.rows == 0) throw XgbError("XGBoost train: no training rows");
  DMatrix dtrain(train), dvalid(valid.rows ? valid : train);
  check(XGDMatrixSetFloatInfo(dtrain.h, "label", labels.data(), labels.size()), "labels");
  check(XGDMatrixSetFloatInfo(dvalid.h, "label", valid.rows ? valid_labels.data() : labels.data(),
                              valid.rows ? valid_labels.size() : labels.size()),
        "validation labels");
  return boost(dtrain, dvalid, p, {{"objective", "binary:logistic"}, {"eval_metric", "logloss"}});
}

XgbBooster XgbBooster::train_aft(const Matrix& train, const std::vector<float>& lower, const std::vector<float>& upper,
                                 const Matrix& valid, const std::vector<float>& valid_lower,
                                 const std::vector<float>& valid_upper, const XgbParams& p) {
  quiet();
  if (train.rows == 0) throw XgbError("XGBoost train: no training rows");
  DMatrix dtrain(train), dvalid(valid.rows ? valid : train);
  check(XGDMatrixSetFloatInfo(dtrain.h, "label_lower_bound", lower.data(), lower.size()), "lower bounds");
  check(XGDMatrixSetFloatInfo(dtrain.h, "label_upper_bound", upper.data(), upper.size()), "upper bounds");
  const auto& vl = valid.rows ? valid_lower : lower;
  const auto& vu = valid.rows ? valid_upper : upper;
  check(XGDMatrixSetFloatInfo(dvalid.h, "label_lower_bound", vl.data(), vl.size()), "validation lower bounds");
  check(XGDMatrixSetFloatInfo(dvalid.h, "label_upper_bound", vu.data(), vu.size()), "validation upper bounds");
  return boost(dtrain, dvalid, p,
               {{"objective", "survival:aft"},
                {"eval_metric", "aft-nloglik"},
                {"aft_loss_distribution", "normal"},
                {"aft_loss_distribution_scale", "0.15"}});
}

namespace {

XgbBooster boost(DMatrix& dtrain, DMatrix& dvalid, const XgbParams& p,
                 const std::vector<std::pair<std::string, std::string>>& objective) {
  BoosterHandle h = nullptr;
  DMatrixHandle cache[] = {dtrain.h, dvalid.h};
  check(XGBoosterCreate(cache, 2, &h), "create");
  XgbBooster owner = XgbBooster::adopt(h, 0);
  const auto set = [&](const std::string& k, const std::string& v) {
    check(XGBoosterSetParam(h, k.c_str(), v.c_str()), k.c_str());
  };
  for (const auto& [k, v] : objective) set(k, v);
  set("tree_method", "hist");
  set("max_depth", std::to_string(p.max_depth));
  set("eta", std::to_string(p.eta));
  set("subsample", std::to_string(p.subsample));
  set("colsample_bytree", std::to_string(p.colsample_bytree));
  set("min_child_weight", std::to_string(p.min_child_weight));
  set("nthread", std::to_string(p.nthread));
  set("seed", std::to_string(p.seed));
  DMatrixHandle evals[] = {dvalid.h};
  const char* names[] = {"valid"};
  double best = std::numeric_limits<double>::infinity();
  int best_round = 0;
  for (int i = 0; i < p.max_rounds; ++i) {
    check(XGBoosterUpdateOneIter(h, i, dtrain.h), "update");
    const char* result = nullptr;
    check(XGBoosterEvalOneIter(h, i, evals, names, 1, &result), "eval");
    const double loss = eval_value(result);
    if (loss < best - 1e-7) {
      best = loss;
      best_round = i;
    } else if (i - best_round >= p.early_stopping_rounds) {
      break;
    }
  }
  BoosterHandle sliced = nullptr;
  check(XGBoosterSlice(h, 0, best_round + 1, 1, &sliced), "slice");
  XgbBooster b = XgbBooster::adopt(sliced, best_round + 1);
  check(XGBoosterSetParam(sliced, "nthread", std::to_string(p.nthread).c_str()), "nthread");
  return b;
}

}  // namespace

XgbBooster XgbBooster::adopt(void* handle, int rounds) {
  XgbBooster b;
  b.handle_ = handle;
  b.rounds_ = rounds;
  return b;
}

XgbBooster XgbBooster::load(const std::string& bytes, int nthread) {
  quiet();
  BoosterHandle h = nullptr;
  check(XGBoosterCreate(nullptr, 0, &h), "create");
  XgbBooster b;
  b.handle_ = h;
  check(XGBoosterLoadModelFromBuffer(h, bytes.data(), bytes.size()), "load");
  check(XGBoosterSetParam(h, "nthread", std::to_string(nthread).c_str()), "nthread");
  check(XGBoosterBoostedRounds(h, &b.rounds_), "rounds");
  return b;
}

std::vector<float> XgbBooster::predict(const Matrix& m) const {
  if (!handle_) throw XgbError("XGBoost predict: no model");
  if (m.rows == 0) return {};
  DMatrix d(m);
  bst_ulong n = 0;
  const float* out = nullptr;
  check(XGBoosterPredict(handle_, d.h, 0, 0, 0, &n, &out), "predict");
  return {out, out + n};
}

float XgbBooster::predict_one(const std::vector<float>& row, std::optional<float> base_margin) const {
  Matrix m{row, 1, row.size(), {}, {}};
  if (base_margin) m.base_margin.push_back(*base_margin);
  return predict(m).at(0);
}

std::string XgbBooster::bytes() const {
  if (!handle_) throw XgbError("XGBoost save: no model");
  bst_ulong n = 0;
  const char* data = nullptr;
  check(XGBoosterSaveModelToBuffer(handle_, R"({"format":"ubj"})", &n, &data), "save");
  return {data, data + n};
}

}  // namespace occupancy::models
