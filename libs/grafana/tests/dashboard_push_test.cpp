// The push plan against scripted Grafana answers: what is sent, in which order, and what is
// reported for each answer.
#include "occupancy/grafana/dashboard_push.hpp"

#include <catch2/catch.hpp>
#include <map>

using namespace occupancy::grafana;

namespace {

const Dashboard kRooms{"occupancy-rooms", "Rooms", R"({"uid":"occupancy-rooms","title":"Rooms","panels":[1]})"};

// Answers by "METHOD target"; records every call.
struct Script {
  std::map<std::string, Reply> answers;
  std::vector<Call> calls;
  Transport transport() {
    return [this](const Call& c) {
      calls.push_back(c);
      const auto it = answers.find(c.method + " " + c.target);
      return it == answers.end() ? Reply{404, R"({"message":"not found"})"} : it->second;
    };
  }
};

}  // namespace

TEST_CASE("grafana push: a new folder and dashboard are created", "[grafana]") {
  Script g;
  g.answers["POST /api/folders"] = {200, R"({"uid":"occupancy"})"};
  g.answers["POST /api/dashboards/db"] = {200, R"({"status":"success","version":1})"};
  const auto r = push({kRooms}, "Occupancy", g.transport());
  CHECK(r.failed == 0);
  REQUIRE(g.calls.size() == 4);
  CHECK(g.calls[1].body == R"({"uid":"occupancy","title":"Occupancy"})");
  const auto& saved = g.calls[3];
  CHECK(saved.target == "/api/dashboards/db");
  CHECK_THAT(saved.body, Catch::Contains(R"("folderUid":"occupancy","overwrite":true)"));
  CHECK_THAT(saved.body, Catch::Contains(R"("uid":"occupancy-rooms")") && Catch::Contains(R"("id":null)"));
  CHECK(r.lines.back() == "Rooms (occupancy-rooms): created (version 1)");
}

TEST_CASE("grafana push: an equal dashboard in its folder is not sent again", "[grafana]") {
  Script g;
  g.answers["GET /api/folders/occupancy"] = {200, R"({"uid":"occupancy"})"};
  // Grafana's copy: its own id and version, keys in another order.
  g.answers["GET /api/dashboards/uid/occupancy-rooms"] = {
      200, R"({"dashboard":{"panels":[1],"title":"Rooms","uid":"occupancy-rooms","id":7,"version":3},)"
           R"("meta":{"folderUid":"occupancy"}})"};
  auto r = push({kRooms}, "Occupancy", g.transport());
  CHECK(g.calls.size() == 2);
  CHECK(r.lines.back() == "Rooms (occupancy-rooms): unchanged");
  // Another folder, or other content: saved again, as an update.
  g.answers["GET /api/dashboards/uid/occupancy-rooms"].body =
      R"({"dashboard":{"panels":[1,2],"title":"Rooms","uid":"occupancy-rooms"},"meta":{"folderUid":"occupancy"}})";
  g.answers["POST /api/dashboards/db"] = {200, R"({"version":4})"};
  r = push({kRooms}, "Occupancy", g.transport());
  CHECK(r.lines.back() == "Rooms (occupancy-rooms): updated (version 4)");
}

TEST_CASE("grafana push: a refused token stops at once, a conflict is reported per dashboard", "[grafana]") {
  Script g;
  g.answers["GET /api/folders/occupancy"] = {401, R"({"message":"Unauthorized"})"};
  auto r = push({kRooms, kRooms}, "Occupancy", g.transport());
  CHECK(r.refused);
  CHECK(g.calls.size() == 1);
  CHECK(r.lines.back() == "Grafana refused the token: Unauthorized (401)");

  Script c;
  c.answers["GET /api/folders/occupancy"] = {200, "{}"};
  c.answers["POST /api/dashboards/db"] = {
      412, R"({"message":"The dashboard has been changed by someone else","status":"version-mismatch"})"};
  r = push({kRooms}, "Occupancy", c.transport());
  CHECK_FALSE(r.refused);
  CHECK(r.failed == 1);
  CHECK(r.lines.back() == "Rooms (occupancy-rooms): not saved: The dashboard has been changed by someone else (412)");
}

TEST_CASE("grafana push: folder uids and the shipped dashboards", "[grafana]") {
  CHECK(folder_uid("Occupancy") == "occupancy");
  CHECK(folder_uid("Home / Occupancy forecasts!") == "home-occupancy-forecasts");
  CHECK(folder_uid("***") == "occupancy");
  const auto shipped = load_dashboards();
  REQUIRE(shipped.size() == 4);
  CHECK(shipped.front().uid == "occupancy-accuracy");
}
