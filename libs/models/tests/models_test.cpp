#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

#include "occupancy/models/forecaster.hpp"
#include "occupancy/models/matured_scores.hpp"
#include "occupancy/models/trained_model.hpp"
#include "occupancy/models/xgb_booster.hpp"
#include "toy_model.hpp"

using namespace occupancy;
using namespace occupancy::models;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// y = 1 when the first column is above 0.5; the second column is noise.
Matrix toy(std::size_t n, std::vector<float>& y, unsigned seed) {
  Matrix m{{}, n, 2, {}, {}};
  unsigned s = seed;
  const auto next = [&] { return static_cast<float>((s = s * 1103515245u + 12345u) >> 8 & 0xffff) / 65535.0f; };
  for (std::size_t i = 0; i < n; ++i) {
    const float a = next(), b = next();
    m.values.push_back(a);
    m.values.push_back(b);
    y.push_back(a > 0.5f ? 1.0f : 0.0f);
  }
  return m;
}

}  // namespace

TEST_CASE("XGBoost learns a rule, early-stops, and a saved model predicts the same", "[models]") {
  std::vector<float> y, vy;
  const auto train = toy(2000, y, 1), valid = toy(400, vy, 2);
  XgbParams p;
  p.max_rounds = 200;
  const auto b = XgbBooster::train(train, y, valid, vy, p);
  CHECK(b.rounds() >= 1);
  CHECK(b.rounds() <= 200);
  CHECK(b.predict_one({0.9f, 0.3f}) > 0.9f);
  CHECK(b.predict_one({0.1f, 0.3f}) < 0.1f);
  CHECK(b.predict_one({std::numeric_limits<float>::quiet_NaN(), 0.3f}) > 0.0f);  // missing is allowed

  const auto loaded = XgbBooster::load(b.bytes());
  const auto before = b.predict(valid), after = loaded.predict(valid);
  REQUIRE(before.size() == after.size());
  for (std::size_t i = 0; i < before.size(); ++i) CHECK(before[i] == after[i]);
  CHECK(loaded.rounds() == b.rounds());
}

TEST_CASE("row weights: the rows that weigh more decide where the data disagree", "[models]") {
  // The same rule, but a second set of rows (say, the recent weeks) says the opposite.
  std::vector<float> y, vy;
  auto train = toy(2000, y, 5);
  const auto valid = toy(400, vy, 6);
  for (auto& v : vy) v = 1.0f - v;  // early stopping follows the recent rule too
  const std::size_t n = train.rows;
  for (std::size_t i = 0; i < n; ++i) {
    train.values.push_back(train.values[2 * i]);
    train.values.push_back(train.values[2 * i + 1]);
    y.push_back(1.0f - y[i]);
  }
  train.rows = 2 * n;
  XgbParams p;
  p.max_rounds = 50;
  p.early_stopping_rounds = 50;
  train.weights.assign(n, 1.0f);
  train.weights.resize(2 * n, 8.0f);
  const auto recent = XgbBooster::train(train, y, valid, vy, p);
  CHECK(recent.predict_one({0.9f, 0.3f}) < 0.3f);  // 8:1 for the flipped rule
  train.weights.clear();
  const auto alike = XgbBooster::train(train, y, valid, vy, p);
  CHECK(alike.predict_one({0.9f, 0.3f}) == Approx(0.5).margin(0.1));
}

TEST_CASE("a broken model file is refused with XGBoost's reason", "[models]") {
  CHECK_THROWS_AS(XgbBooster::load("this is not a model"), XgbError);
  CHECK_THROWS_WITH(XgbBooster::load(""), Catch::Contains("XGBoost load"));
}

TEST_CASE("survival:aft learns durations and uses censored rows as lower bounds", "[models]") {
  std::vector<float> y, vy;
  auto train = toy(2000, y, 3), valid = toy(400, vy, 4);
  // Duration 10 min when the first column is low, 60 min when high; every 4th row censored at half.
  std::vector<float> lo, hi, vlo, vhi;
  const auto bounds = [](const Matrix& m, std::vector<float>& l, std::vector<float>& h) {
    for (std::size_t i = 0; i < m.rows; ++i) {
      const float d = m.values[i * 2] > 0.5f ? 60.0f : 10.0f;
      const bool censored = i % 4 == 0;
      l.push_back(censored ? d / 2 : d);
      h.push_back(censored ? std::numeric_limits<float>::infinity() : d);
    }
  };
  bounds(train, lo, hi);
  bounds(valid, vlo, vhi);
  const auto b = XgbBooster::train_aft(train, lo, hi, valid, vlo, vhi, {});
  CHECK(b.predict_one({0.9f, 0.5f}) == Approx(60).margin(8));
  CHECK(b.predict_one({0.1f, 0.5f}) == Approx(10).margin(3));
}

TEST_CASE("the ladder's median reads the survival curve", "[models]") {
  CHECK(median_minutes({{15, 0.1}, {30, 0.3}, {60, 0.7}, {120, 0.9}}) == Approx(45));
  CHECK(median_minutes({{15, 0.6}}) == Approx(12.5));
  CHECK(median_minutes({{15, 0.1}, {30, 0.2}}) == 30);                       // unlikely even at the last rung: capped
  CHECK(median_minutes({{15, 0.4}, {30, 0.2}, {60, 0.8}}) == Approx(37.5));  // survival never rises
}

TEST_CASE("baselines read their features and fall back where one is missing", "[models]") {
  const features::FeatureSet set({15, 120});
  std::vector<double> f(set.size(), kNaN);
  f[set.index("occupied_now")] = 1;
  f[set.index("prior_occ_15")] = 0.25;
  f[set.index("markov_occ_15")] = 0.8;
  f[set.index("markov_occ_120")] = 0.4;
  f[set.index("markov_vacancy_min")] = 42;
  const auto persistence = make_baseline("persistence", set, {15, 120});
  const auto tow = make_baseline("time_of_week", set, {15, 120});
  const auto markov = make_baseline("markov", set, {15, 120});
  CHECK(persistence->predict("office", f.data()).occupancy.at(120) == 1.0);
  CHECK(tow->predict("office", f.data()).occupancy.at(15) == 0.25);
  CHECK(tow->predict("office", f.data()).occupancy.at(120) == 1.0);  // no prior: persistence
  CHECK_FALSE(tow->predict("office", f.data()).minutes_to_change);
  const auto m = markov->predict("office", f.data());
  CHECK(m.occupancy.at(120) == 0.4);
  CHECK(m.minutes_to_change == 42);
  CHECK_THROWS_AS(make_baseline("oracle", set, {15}), std::invalid_argument);
  CHECK(baseline_names().size() == 4);
}

TEST_CASE("a trained model survives its files, and files from another feature set are refused", "[models]") {
  const features::FeatureSet set({15, 120});
  auto model = testing::toy_model(set, {15}, 7);
  model.version = "test-1";
  const auto files = model.files();
  const auto back = TrainedModel::from_files(files, set.names());
  CHECK(back.version == "test-1");
  REQUIRE(back.rooms.count("office"));
  const auto persistence = make_baseline("persistence", set, {15, 120});
  const ModelForecaster a(model, set, *persistence), b(back, set, *persistence);
  std::vector<double> row(set.size(), 0.3);
  row[set.index("occupied_now")] = 1;
  CHECK(a.predict("office", row.data()).occupancy.at(15) == b.predict("office", row.data()).occupancy.at(15));
  CHECK(a.predict("office", row.data()).occupancy.at(15) > 0.8);
  CHECK(a.predict("kitchen", row.data()).occupancy.at(120) == 1.0);  // no model for the room: the fallback

  auto other = set.names();
  other.pop_back();
  CHECK_THROWS_WITH(TrainedModel::from_files(files, other), Catch::Contains("retrain"));
  auto broken = files;
  for (auto& f : broken)
    if (f.target == "occupied_15") f.data = "garbage";
  CHECK_THROWS_AS(TrainedModel::from_files(broken, set.names()), XgbError);
}

TEST_CASE("matured predictions are scored against what the room then was", "[models]") {
  MaturedScores scores(100);
  const Millis t = 1'000'000'000'000;
  scores.predicted("office", 15, t, 0.9);
  scores.predicted("office", 15, t + 60'000, 0.2);
  CHECK(scores.observed("office", t + 10 * 60'000, true).empty());  // not due yet
  CHECK_FALSE(scores.rolling("office", 15));
  const auto outcomes = scores.observed("office", t + 15 * 60'000, true);  // the first matures: right, Brier 0.01
  REQUIRE(outcomes.size() == 1);                                           // ...and its outcome goes to the archive
  CHECK(outcomes[0].room == "office");
  CHECK(outcomes[0].made_at == t);
  CHECK(outcomes[0].horizon_min == 15);
  CHECK(outcomes[0].occupied);
  auto r = scores.rolling("office", 15);
  REQUIRE(r);
  CHECK(r->n == 1);
  CHECK(r->accuracy == 1.0);
  CHECK(r->brier == Approx(0.01));
  scores.observed("office", t + 16 * 60'000, true);  // the second: wrong, Brier 0.64
  r = scores.rolling("office", 15);
  CHECK(r->n == 2);
  CHECK(r->accuracy == 0.5);
  CHECK(r->brier == Approx(0.325));
  CHECK_FALSE(scores.rolling("kitchen", 15));
}

// Found by model_files_fuzz: a priors room that is not an object, or a manifest field of the
// wrong type, hit RapidJSON assertions (undefined behaviour in a release build) instead of
// being refused (tests/fuzz/corpus/model_files_fuzz/regression-priors-room-not-object).
TEST_CASE("model files of the wrong shape are refused with a reason, never read as garbage", "[models]") {
  const features::FeatureSet set({15, 120});
  auto model = testing::toy_model(set, {15}, 7);
  const auto files = model.files();
  const auto with = [&](const std::string& target, const std::string& data) {
    auto changed = files;
    for (auto& f : changed)
      if (f.room.empty() && f.target == target) f.data = data;
    return changed;
  };
  CHECK_THROWS_WITH(TrainedModel::from_files(with("priors", R"({"office":[1,2]})"), set.names()),
                    Catch::Contains("not an object"));
  CHECK_THROWS_WITH(
      TrainedModel::from_files(with("manifest", R"({"version":7,"features":[],"horizons":[]})"), set.names()),
      Catch::Contains("'version' is not a string"));
  CHECK_THROWS_WITH(
      TrainedModel::from_files(with("manifest", R"({"version":"v","features":[1],"horizons":[15]})"), set.names()),
      Catch::Contains("feature name is not a string"));
  auto odd = files;
  odd.push_back({"office", "occupied_x", "ubj", "garbage"});
  CHECK_THROWS_WITH(TrainedModel::from_files(odd, set.names()), Catch::Contains("not a known target"));
}
