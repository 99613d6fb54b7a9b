// TLS to the broker on a real Mosquitto with a TLS listener and a test CA made by openssl: a
// service connects with the right CA file; with a wrong one it is refused with OpenSSL's reason,
// keeps retrying, reports itself unhealthy and still stops cleanly.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <csignal>
#include <fstream>
#include <map>
#include <thread>

#include "test_support.hpp"

using namespace occupancy::testing;

TEST_CASE("mqtts:// connects with the broker's CA, and a wrong CA is refused with a reason while retrying",
          "[integration]") {
  const auto home = unique_home("tls");
  const auto dir = temp_dir(home);
  make_test_certificates(dir);

  const auto broker_port = free_port();
  std::ofstream(dir / "mosquitto.conf") << "listener " << broker_port << " 127.0.0.1\ncafile "
                                        << (dir / "ca.crt").string() << "\ncertfile " << (dir / "server.crt").string()
                                        << "\nkeyfile " << (dir / "server.key").string()
                                        << "\nallow_anonymous true\npersistence false\n"
                                        << (::geteuid() == 0 ? "user root\n" : "");
  Process broker("/usr/sbin/mosquitto", {"-c", (dir / "mosquitto.conf").string()}, {}, dir / "mosquitto.log");

  // The environment overrides the config's broker, as in a deployment's unit file.
  const auto env_with = [&](const std::string& ca) {
    return std::map<std::string, std::string>{
        {"OCCUPANCY_MQTT_URL", "mqtts://127.0.0.1:" + std::to_string(broker_port)},
        {"OCCUPANCY_MQTT_CA_FILE", (dir / ca).string()}};
  };

  const auto good_port = free_port();
  Process good(std::string(OCCUPANCY_BIN_DIR) + "/occupancy-cleaner",
               {"--config", write_home_config(dir, home, {{"cleaner", good_port}}, true)}, env_with("ca.crt"),
               dir / "good.log");
  CHECK(eventually([&] { return http_get(good_port, "/healthz").first == 200; }, std::chrono::seconds(15)));
  // /healthz turns 200 as the connection comes up; the log line follows a moment later.
  CHECK(eventually(
      [&] {
        return good.output().find("connected to mqtts://127.0.0.1:" + std::to_string(broker_port)) != std::string::npos;
      },
      std::chrono::seconds(5)));

  const auto wrong_port = free_port();
  const auto wrong_dir = dir / "wrong";
  std::filesystem::create_directories(wrong_dir);
  Process wrong(std::string(OCCUPANCY_BIN_DIR) + "/occupancy-cleaner",
                {"--config", write_home_config(wrong_dir, home, {{"cleaner", wrong_port}}, true)},
                env_with("other.crt"), dir / "wrong.log");
  CHECK(eventually([&] { return wrong.output().find("certificate verify failed") != std::string::npos; },
                   std::chrono::seconds(15)));
  INFO(wrong.output());
  CHECK_THAT(wrong.output(), Catch::Contains("retrying"));
  CHECK_FALSE(wrong.wait(std::chrono::seconds(2)));  // still running, still retrying
  CHECK(http_get(wrong_port, "/healthz").first == 503);
  wrong.signal(SIGTERM);
  CHECK(wrong.wait(std::chrono::seconds(10)) == 0);
  good.signal(SIGTERM);
  CHECK(good.wait(std::chrono::seconds(10)) == 0);
}
