#include "occupancy/publishing/prediction_api.hpp"

#include <rapidjson/document.h>

#include <catch2/catch.hpp>

#include "unit_helpers.hpp"

using namespace occupancy;

namespace {

config::HomeConfig home(std::optional<std::string> token) {
  return config::load_config(std::string(OCCUPANCY_SOURCE_DIR) + "/config/home.yaml",
                             [token](std::string_view k) -> std::optional<std::string> {
                               if (k == "OCCUPANCY_API_TOKEN") return token;
                               return std::nullopt;
                             });
}

rapidjson::Document json(const std::string& s) { return testing::parse_json(s); }

}  // namespace

TEST_CASE("the API lists rooms and serves the latest prediction", "[publishing]") {
  const auto cfg = home(std::nullopt);
  publishing::LatestPredictions latest;
  Prediction p;
  p.ts = 60000;
  p.room = "office";
  p.occupied_now = true;
  p.occupancy = {{15, 0.9}, {120, 0.2}};
  p.minutes_to_vacancy = 25;
  p.model_version = "m1";
  latest.put(p);
  auto r = publishing::handle_prediction_api(cfg, latest, {"GET", "/api/v1/rooms", "", ""});
  CHECK(r.status == 200);
  CHECK(json(r.body)["rooms"].Size() == 6);
  r = publishing::handle_prediction_api(cfg, latest, {"GET", "/api/v1/predict/office", "", ""});
  REQUIRE(r.status == 200);
  const auto d = json(r.body);
  CHECK(d["occupancy"][0]["horizon_min"].GetInt() == 15);
  CHECK(d["occupancy"][1]["confidence"].GetDouble() == Approx(0.8));
  CHECK(d["minutes_to_vacancy"].GetDouble() == 25);
  CHECK(d["minutes_to_next_occupancy"].IsNull());
  CHECK(publishing::handle_prediction_api(cfg, latest, {"GET", "/api/v1/predict/bedroom", "", ""}).status == 503);
}

TEST_CASE("unknown rooms are 404 with a JSON error, a configured token is enforced", "[publishing]") {
  publishing::LatestPredictions latest;
  auto r = publishing::handle_prediction_api(home(std::nullopt), latest, {"GET", "/api/v1/predict/attic", "", ""});
  CHECK(r.status == 404);
  CHECK(std::string(json(r.body)["error"].GetString()) == "unknown_room");
  const auto secured = home("s3cret");
  r = publishing::handle_prediction_api(secured, latest, {"GET", "/api/v1/rooms", "", ""});
  CHECK(r.status == 401);
  CHECK_FALSE(r.www_authenticate.empty());
  CHECK(publishing::handle_prediction_api(secured, latest, {"GET", "/api/v1/rooms", "Bearer wrong", ""}).status == 401);
  CHECK(publishing::handle_prediction_api(secured, latest, {"GET", "/api/v1/rooms", "Bearer s3cret", ""}).status ==
        200);
  CHECK(publishing::handle_prediction_api(secured, latest, {"POST", "/api/v1/rooms", "Bearer s3cret", ""}).status ==
        405);
}
