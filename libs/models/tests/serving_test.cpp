#include "occupancy/models/serving.hpp"

#include <catch2/catch.hpp>
#include <cmath>

#include "occupancy/models/trained_model.hpp"
#include "toy_model.hpp"

using namespace occupancy;
using namespace occupancy::models;

TEST_CASE("Platt scaling recovers a known miscalibration and stays the identity without evidence", "[models]") {
  // Outcomes drawn with P = sigmoid(2 * logit(p) - 1): an overconfident-looking forecaster.
  std::vector<double> p;
  std::vector<int> y;
  unsigned s = 11;
  const auto uniform = [&] { return static_cast<double>((s = s * 1103515245u + 12345u) >> 8 & 0xffff) / 65536.0; };
  for (int i = 0; i < 20000; ++i) {
    const double q = 0.02 + 0.96 * uniform();
    const double truth = 1 / (1 + std::exp(-(2 * std::log(q / (1 - q)) - 1)));
    p.push_back(q);
    y.push_back(uniform() < truth);
  }
  const auto c = fit_platt(p, y);
  CHECK(c.a == Approx(2).margin(0.15));
  CHECK(c.b == Approx(-1).margin(0.15));
  CHECK(c.apply(0.5) == Approx(1 / (1 + std::exp(1.0))).margin(0.03));

  CHECK(fit_platt({}, {}).identity());
  CHECK(fit_platt({0.2, 0.7, 0.9}, {1, 1, 1}).identity());  // one class only: nothing to learn
  CHECK(Platt{}.apply(0.37) == 0.37);
}

TEST_CASE("a serving plan round-trips through JSON and names its fallbacks", "[models]") {
  ServingPlan plan;
  plan.valid_days = 3;
  auto& office = plan.rooms["office"];
  office.occupancy[15] = {"markov", "", 1, {1.2, -0.3}, {{"markov", 0.05}, {"model", 0.06}}};
  office.occupancy[120] = {"model", "time_of_week", 0.75, {}, {{"model", 0.04}}};
  office.vacancy.source = "preheat";
  office.vacancy.valid_within = {{"preheat", 0.4}, {"model", 0.3}};
  auto& bath = plan.rooms["bathroom"];
  bath.occupancy[15] = {"persistence", "", 1, {}, {}};
  bath.occupancy[120] = {"persistence", "", 1, {}, {}};

  const auto back = ServingPlan::from_json(plan.to_json());
  CHECK(back.valid_days == 3);
  REQUIRE(back.occupancy("office", 15));
  CHECK(back.occupancy("office", 15)->source == "markov");
  CHECK(back.occupancy("office", 15)->calibration.a == 1.2);
  CHECK(back.occupancy("office", 15)->calibration.b == -0.3);
  CHECK(back.occupancy("office", 15)->valid_brier.at("model") == 0.06);
  CHECK(back.occupancy("office", 120)->blend == "time_of_week");
  CHECK(back.occupancy("office", 120)->weight == 0.75);
  CHECK(back.rooms.at("office").vacancy.source == "preheat");
  CHECK(back.occupancy("kitchen", 15) == nullptr);

  CHECK(back.fallback("office") == "markov (15 min)");
  CHECK(back.fallback("bathroom") == "persistence");
  CHECK_FALSE(back.fallback("kitchen"));

  CHECK_THROWS_WITH(ServingPlan::from_json("[]"), Catch::Contains("not a JSON object"));
  CHECK_THROWS_WITH(ServingPlan::from_json(R"({"valid_days":2,"rooms":{"office":{"occupancy":{"x":{}}}}})"),
                    Catch::Contains("office.occupancy.x"));
  CHECK_THROWS_WITH(ServingPlan::from_json(R"({"valid_days":2,"rooms":{"office":{"occupancy":{"15":{"source":1}}}}})"),
                    Catch::Contains("source"));
  CHECK_THROWS_WITH(ServingPlan::from_json(
                        R"({"valid_days":2,"rooms":{"office":{"occupancy":{"15":{"source":"model","blend":"markov",)"
                        R"("weight":1.5,"platt_a":1,"platt_b":0,"valid_brier":{}}}}}})"),
                    Catch::Contains("weight"));
}

TEST_CASE("the forecaster serves what the plan chose: a baseline, recalibrated, or the booster", "[models]") {
  const features::FeatureSet set({15, 120});
  auto model = testing::toy_model(set, {15, 120}, 5);
  model.version = "test-2";
  model.serving.valid_days = 2;
  model.serving.rooms["office"].occupancy[15] = {"markov", "", 1, {2, 0}, {}};
  model.serving.rooms["office"].occupancy[120] = {"model", "", 1, {}, {}};
  model.serving.rooms["office"].vacancy.source = "time_of_week";

  const auto back = TrainedModel::from_files(model.files(), set.names());
  const auto persistence = make_baseline("persistence", set, {15, 120});
  const ModelForecaster served(back, set, *persistence), raw(back, set, *persistence, false);
  CHECK(served.name() == "model");
  CHECK(raw.name() == "booster");
  std::vector<double> row(set.size(), 0.3);
  row[set.index("occupied_now")] = 1;
  row[set.index("markov_occ_15")] = 0.8;
  row[set.index("prior_vacancy_min")] = 42;
  const auto f = served.predict("office", row.data());
  CHECK(f.occupancy.at(15) == Approx(Platt{2, 0}.apply(0.8)));  // the Markov chain, sharpened
  CHECK(f.occupancy.at(120) == raw.predict("office", row.data()).occupancy.at(120));
  CHECK(f.occupancy.at(15) != raw.predict("office", row.data()).occupancy.at(15));
  CHECK(f.minutes_to_change == 42);  // vacancy from the time-of-week prior, as planned

  // Rows in a batch get the same as one by one.
  std::vector<double> rows = row;
  rows.insert(rows.end(), row.begin(), row.end());
  rows[set.size() + set.index("markov_occ_15")] = 0.1;
  const auto many = served.predict_many("office", rows.data(), 2, set.size());
  CHECK(many[0].occupancy.at(15) == f.occupancy.at(15));
  CHECK(many[1].occupancy.at(15) == Approx(Platt{2, 0}.apply(0.1)));

  // A mix: three quarters booster, one quarter time-of-week prior.
  model.serving.rooms["office"].occupancy[120] = {"model", "time_of_week", 0.75, {}, {}};
  row[set.index("prior_occ_120")] = 0.2;
  const ModelForecaster mixed(model, set, *persistence), plain(model, set, *persistence, false);
  const double booster = plain.predict("office", row.data()).occupancy.at(120);
  CHECK(mixed.predict("office", row.data()).occupancy.at(120) == Approx(0.75 * booster + 0.25 * 0.2));
}
