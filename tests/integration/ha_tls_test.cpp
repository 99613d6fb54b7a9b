// TLS to Home Assistant: the simulated HA behind a TLS-terminating proxy (as nginx or Caddy put it
// in front of a real one), with a certificate from a test CA made by openssl. The ingestor speaks
// wss:// and https:// to it with that CA; with another CA it is refused with OpenSSL's reason,
// names the CA it trusted, never sends the token, and keeps retrying. `occupancy config init`
// reads HA's registries over the same wss:// and proposes the shipped home config. The
// simulated HA is served under /core, as the Supervisor's proxy serves HA to an add-on
// (http://supervisor:80/core): every request of both goes through that base path.
#include <algorithm>
#include <catch2/catch.hpp>
#include <csignal>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "occupancy/config/home_config.hpp"
#include "same_house.hpp"
#include "test_support.hpp"

using namespace occupancy::testing;

namespace {

const std::string kBin = OCCUPANCY_BIN_DIR;

std::string config_for(const std::string& home, std::uint16_t http_port) {
  std::ifstream in(std::string(OCCUPANCY_SOURCE_DIR) + "/config/home.yaml");
  std::stringstream s;
  s << in.rdbuf();
  std::string t = std::regex_replace(s.str(), std::regex("\nhome: home"), "\nhome: " + home);
  t = std::regex_replace(t, std::regex("clock: wall "), "clock: events ");
  return std::regex_replace(t, std::regex("port: 9481"), "port: " + std::to_string(http_port));
}

}  // namespace

TEST_CASE("wss:// and https:// to Home Assistant with its CA, and a wrong CA refused with the reason",
          "[integration]") {
  const auto home = unique_home("hatls");
  const auto dir = temp_dir(home);
  make_test_certificates(dir);
  const auto ha_port = free_port(), tls_port = free_port();
  Process ha(kBin + "/occupancy",
             {"sim", "serve", "--port", std::to_string(ha_port), "--token", "T0k3n-tls", "--speed", "3600",
              "--history-days", "1", "--future-days", "3", "--base-path", "/core"},
             {}, dir / "ha.log");
  Process proxy("/usr/bin/python3",
                {std::string(OCCUPANCY_SOURCE_DIR) + "/tests/support/tls_proxy.py", "--listen",
                 std::to_string(tls_port), "--cert", (dir / "server.crt").string(), "--key",
                 (dir / "server.key").string(), "--upstream", "127.0.0.1:" + std::to_string(ha_port)},
                {}, dir / "proxy.log");
  REQUIRE(eventually([&] { return proxy.output().find("TLS on") != std::string::npos; }, std::chrono::seconds(10)));
  REQUIRE(eventually([&] { return http_get(ha_port, "/api/").first != 0; }, std::chrono::seconds(10)));

  const auto env_with = [&](const std::string& ca) {
    return std::map<std::string, std::string>{
        {"OCCUPANCY_HA_URL", "https://localhost:" + std::to_string(tls_port) + "/core"},
        {"OCCUPANCY_HA_CA_FILE", (dir / ca).string()},
        {"OCCUPANCY_HA_TOKEN", "T0k3n-tls"}};
  };
  const auto start = [&](const std::string& name, const std::string& ca) {
    const auto sub = dir / name;
    std::filesystem::create_directories(sub);
    // One entity misspelled: the ingestor names it at start (HA does not have it).
    std::ofstream(sub / "home.yaml") << std::regex_replace(config_for(home + "_" + name, free_port()),
                                                           std::regex("binary_sensor.office_motion"),
                                                           "binary_sensor.ofice_motion");
    return std::make_unique<Process>(kBin + "/occupancy-ingestor",
                                     std::vector<std::string>{"--config", (sub / "home.yaml").string()}, env_with(ca),
                                     sub / "ingestor.log");
  };

  Recorder rec(broker_from_env(), {"occupancy/" + home + "_good/raw/#", "occupancy/" + home + "_wrong/raw/#"});
  auto good = start("good", "ca.crt");
  auto wrong = start("wrong", "other.crt");
  // Over TLS: the WebSocket (auth, subscribe, live events) and the REST states on connecting.
  const auto prefix = "occupancy/" + home + "_good/raw/";
  INFO(good->output());
  REQUIRE(eventually(
      [&] {
        const auto all = rec.messages();
        return std::any_of(all.begin(), all.end(), [&](const Message& m) { return m.topic.rfind(prefix, 0) == 0; });
      },
      std::chrono::seconds(20)));
  CHECK(eventually(  // the line is written just after the first states are queued
      [&] {
        return good->output().find("connected to Home Assistant at https://localhost:" + std::to_string(tls_port) +
                                   "/core") != std::string::npos;
      },
      std::chrono::seconds(5)));

  CHECK(eventually(
      [&] {
        return good->output().find("configured entity binary_sensor.ofice_motion is not in Home Assistant") !=
               std::string::npos;
      },
      std::chrono::seconds(5)));
  CHECK(good->output().find("configured entity binary_sensor.bedroom_motion") == std::string::npos);

  REQUIRE(
      eventually([&] { return wrong->output().find("TLS handshake") != std::string::npos; }, std::chrono::seconds(15)));
  const auto refused = wrong->output();
  INFO(refused);
  CHECK_THAT(refused, Catch::Contains("certificate verify failed"));
  CHECK_THAT(refused, Catch::Contains("unable to get local issuer certificate"));  // OpenSSL's reason
  CHECK_THAT(refused, Catch::Contains("other.crt"));                               // the CA it trusted
  CHECK(refused.find("T0k3n-tls") == std::string::npos);
  CHECK_FALSE(wrong->wait(std::chrono::seconds(2)).has_value());  // still retrying, not crashed
  for (const auto& m : rec.messages()) CHECK(m.topic.find(home + "_wrong") == std::string::npos);

  // A CA file that does not exist is a config error at start, naming the key.
  const auto [rc, out] =
      run(kBin + "/occupancy-ingestor", {"--config", (dir / "good" / "home.yaml").string()},
          {{"OCCUPANCY_HA_URL", "https://localhost:1"}, {"OCCUPANCY_HA_CA_FILE", "/nonexistent.pem"}});
  CHECK(rc == 3);
  CHECK_THAT(out, Catch::Contains("ingestor.ca_file"));

  // `config init` over wss:// proposes the shipped config from HA's registries; the token stays
  // in its file, and a wrong CA is refused before the token is sent.
  std::ofstream(dir / "token") << "T0k3n-tls\n";
  std::filesystem::permissions(dir / "token", std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  const auto init = [&](const std::string& ca, const std::string& out) {
    return run(kBin + "/occupancy",
               {"config", "init", "--ha-url", "https://localhost:" + std::to_string(tls_port) + "/core", "--token-file",
                (dir / "token").string(), "--ca-file", (dir / ca).string(), "--out", (dir / out).string()});
  };
  const auto [init_rc, init_out] = init("ca.crt", "proposed.yaml");
  INFO(init_out);
  REQUIRE(init_rc == 0);
  CHECK_THAT(init_out, Catch::Contains("6 rooms, 18 entities, 2 people, time zone Europe/Bucharest"));
  std::ifstream proposed_file(dir / "proposed.yaml");
  const std::string proposed_text((std::istreambuf_iterator<char>(proposed_file)), std::istreambuf_iterator<char>());
  CHECK(proposed_text.find("T0k3n-tls") == std::string::npos);
  const auto no_env = [](std::string_view) { return std::optional<std::string>(); };
  const auto proposed = occupancy::config::parse_config(proposed_text, "proposed.yaml", no_env);
  const auto shipped =
      occupancy::config::load_config(std::filesystem::path(OCCUPANCY_SOURCE_DIR) / "config/home.yaml", no_env);
  check_same_house(proposed, shipped);
  CHECK(proposed.ingestor.ha_tls);
  CHECK(run(kBin + "/occupancy", {"--config", (dir / "proposed.yaml").string(), "config", "check"}).first == 0);
  // Not overwritten without --force; a wrong CA refused with OpenSSL's reason.
  CHECK(init("ca.crt", "proposed.yaml").first == 2);
  const auto [bad_rc, bad_out] = init("other.crt", "refused.yaml");
  CHECK(bad_rc != 0);
  CHECK_THAT(bad_out, Catch::Contains("certificate verify failed"));
  CHECK(bad_out.find("T0k3n-tls") == std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir / "refused.yaml"));

  for (auto* p : {good.get(), wrong.get()}) {
    p->signal(SIGTERM);
    CHECK(p->wait(std::chrono::seconds(10)) == 0);
  }
  proxy.signal(SIGTERM);
  ha.signal(SIGTERM);
}
