// The shipped alerting rules in a real Prometheus (Debian's) scraping the five live services:
// a stopped service's alert fires, and resolves when the service is back.
#include <rapidjson/document.h>

#include <catch2/catch.hpp>
#include <csignal>
#include <fstream>
#include <regex>
#include <sstream>

#include "dashboard_queries.hpp"
#include "test_support.hpp"

using namespace occupancy;
using namespace occupancy::testing;

namespace {

// The shipped scrape job's targets, in the order of their default ports (9481-9486).
const std::vector<std::string> kServices = http_processes();

std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Prometheus's HTTP API (curl: its larger answers come chunked).
rapidjson::Document api(std::uint16_t port, const std::string& path) {
  rapidjson::Document d;
  const auto [status, body] = run("/usr/bin/curl", {"-sf", "http://127.0.0.1:" + std::to_string(port) + path});
  d.Parse(status == 0 ? body.c_str() : "{}");
  if (d.HasParseError()) d.Parse("{}");
  return d;
}

// The state ("pending", "firing") of `alertname` for `service`, or "" when not active.
std::string alert_state(std::uint16_t port, const std::string& alertname, const std::string& service) {
  const auto d = api(port, "/api/v1/alerts");
  if (!d.HasMember("data")) return "";
  for (const auto& a : d["data"]["alerts"].GetArray()) {
    const auto& labels = a["labels"];
    if (labels["alertname"].GetString() == alertname && labels.HasMember("service") &&
        labels["service"].GetString() == service)
      return a["state"].GetString();
  }
  return "";
}

// The number of series `expr` returns now; -1 if Prometheus refuses the expression.
int series_of(std::uint16_t port, const std::string& expr) {
  const auto [status, body] = run("/usr/bin/curl", {"-sf", "--get", "--data-urlencode", "query=" + expr,
                                                    "http://127.0.0.1:" + std::to_string(port) + "/api/v1/query"});
  rapidjson::Document d;
  d.Parse(status == 0 ? body.c_str() : "{}");
  if (d.HasParseError() || !d.HasMember("status") || std::string(d["status"].GetString()) != "success") return -1;
  return static_cast<int>(d["data"]["result"].GetArray().Size());
}

int targets_up(std::uint16_t port) {
  const auto d = api(port, "/api/v1/query?query=up");
  if (!d.HasMember("data")) return -1;
  int up = 0;
  for (const auto& r : d["data"]["result"].GetArray()) up += std::string(r["value"][1].GetString()) == "1";
  return up;
}

}  // namespace

TEST_CASE("Prometheus with the shipped rules: a stopped service's alert fires, and resolves when it is back",
          "[integration]") {
  const auto db_url = fresh_database("it_alerts", true);
  const auto home = unique_home("alerts");
  const auto dir = temp_dir(home);
  std::map<std::string, std::uint16_t> ports;
  for (const auto& s : kServices) ports[s] = free_port();
  const auto cfg = write_home_config(dir, home, ports);
  const std::map<std::string, std::string> env{{"OCCUPANCY_DB_URL", db_url}, {"OCCUPANCY_STATE_DIR", dir.string()}};

  // The shipped scrape job and rules; only the targets' ports (the test's free ones) and the
  // intervals (1 s instead of 30 s) differ. The rules file is copied as it is.
  const std::filesystem::path shipped = std::string(OCCUPANCY_SOURCE_DIR) + "/deploy/prometheus";
  std::string config = read_text(shipped / "prometheus.yml");
  for (std::size_t i = 0; i < kServices.size(); ++i)
    config = std::regex_replace(config, std::regex("127\\.0\\.0\\.1:948" + std::to_string(i + 1)),
                                "127.0.0.1:" + std::to_string(ports[kServices[i]]));
  config = std::regex_replace(config, std::regex("(scrape|evaluation)_interval: 30s"), "$1_interval: 1s");
  const auto prom_dir = dir / "prometheus";
  std::filesystem::remove_all(prom_dir);
  std::filesystem::create_directories(prom_dir / "data");
  std::ofstream(prom_dir / "prometheus.yml") << config;
  std::filesystem::copy_file(shipped / "alerts.yml", prom_dir / "alerts.yml");
  const auto prom_port = free_port();
  Process prometheus(
      "/usr/bin/prometheus",
      {"--config.file=" + (prom_dir / "prometheus.yml").string(), "--storage.tsdb.path=" + (prom_dir / "data").string(),
       "--web.listen-address=127.0.0.1:" + std::to_string(prom_port)},
      {}, dir / "prometheus.log");

  std::map<std::string, std::unique_ptr<Process>> services;
  const auto start = [&](const std::string& s) {
    services[s] = std::make_unique<Process>(std::string(OCCUPANCY_BIN_DIR) + "/occupancy-" + s,
                                            std::vector<std::string>{"--config", cfg}, env, dir / (s + ".log"));
  };
  for (const auto& s : kServices) start(s);
  INFO(prometheus.output());
  REQUIRE(eventually([&] { return targets_up(prom_port) == static_cast<int>(kServices.size()); },
                     std::chrono::seconds(60)));
  // Every shipped rule loaded and evaluated without error.
  const auto rules = api(prom_port, "/api/v1/rules");
  REQUIRE(rules.HasMember("data"));
  int loaded = 0;
  for (const auto& g : rules["data"]["groups"].GetArray())
    for (const auto& r : g["rules"].GetArray()) {
      ++loaded;
      CHECK(std::string(r["health"].GetString()) != "err");
    }
  CHECK(loaded >= 17);
  CHECK(alert_state(prom_port, "OccupancyServiceDown", "cleaner").empty());

  // Traffic for the dashboards: a reading through to a prediction, and a malformed message.
  const auto broker = broker_from_env();
  Recorder rec(broker, {"occupancy/" + home + "/prediction/office", "occupancy/" + home + "/dlq/cleaner"});
  const auto raw = "occupancy/" + home + "/raw/office/desk_anca";
  rec.publish(raw, raw_reading_json("binary_sensor.office_desk_anca_presence", "office", "desk_anca", "on"));
  REQUIRE(rec.wait_for(
      "occupancy/" + home + "/prediction/office", [](const Message&) { return true; }, std::chrono::seconds(30)));
  rec.publish(raw, "{oops");
  REQUIRE(rec.wait_for("occupancy/" + home + "/dlq/cleaner", [](const Message&) { return true; }));
  // Every PromQL expression of the shipped dashboards: Prometheus accepts it, and it returns
  // series from the live services (the rolling accuracy needs forecasts matured 15 minutes
  // later, so of it only that it is accepted).
  const auto queries = dashboard_queries("prometheus");
  CHECK(queries.size() >= 15);
  for (const auto& q : queries) {
    INFO(q.where << ": " << q.text);
    const bool matures = q.text.find("occupancy_prediction_accuracy_ratio") != std::string::npos;
    CHECK(eventually([&] { return series_of(prom_port, q.text) >= (matures ? 0 : 1); }, std::chrono::seconds(20)));
  }

  services["cleaner"]->signal(SIGTERM);
  REQUIRE(services["cleaner"]->wait(std::chrono::seconds(20)) == 0);
  CHECK(eventually([&] { return alert_state(prom_port, "OccupancyServiceDown", "cleaner") == "pending"; },
                   std::chrono::seconds(30)));
  // `for: 2m` as shipped: firing once the cleaner has been down two minutes.
  REQUIRE(eventually([&] { return alert_state(prom_port, "OccupancyServiceDown", "cleaner") == "firing"; },
                     std::chrono::seconds(180)));
  for (const auto& s : kServices)
    if (s != "cleaner") CHECK(alert_state(prom_port, "OccupancyServiceDown", s).empty());

  start("cleaner");
  CHECK(eventually([&] { return alert_state(prom_port, "OccupancyServiceDown", "cleaner").empty(); },
                   std::chrono::seconds(60)));
  CHECK(targets_up(prom_port) == static_cast<int>(kServices.size()));
}
