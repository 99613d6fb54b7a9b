// Least privilege on a real Mosquitto: the ACL `occupancy config acl` generates from the topic
// contract lets each user write only what the contract names it producer of and read only what
// it consumes. The expectations below come from the contract's x-producer/x-consumers, not from
// the generated file.
#include "occupancy/contract/broker_acl.hpp"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <set>
#include <thread>

#include "occupancy/contract/topics.hpp"
#include "occupancy/proto/contract.hpp"
#include "test_support.hpp"

using namespace occupancy;
using namespace occupancy::testing;

namespace {

// Roles that connect with a status and last will of their own.
const std::set<std::string> kServices{"ingestor", "cleaner", "feature", "predictor", "publisher", "trainer"};

bool consumes(std::string_view csv, const std::string& role) {
  std::set<std::string> roles;
  std::size_t start = 0;
  while (start <= csv.size()) {
    const auto end = std::min(csv.find(',', start), csv.size());
    roles.insert(std::string(csv.substr(start, end - start)));
    start = end + 1;
  }
  return roles.count(role) > 0;
}

std::string topic_of(const proto::ChannelSpec& c, const std::string& home, const std::string& service) {
  return contract::format_topic(c, {{"home", home},
                                    {"discovery_prefix", "homeassistant"},
                                    {"room", "office"},
                                    {"zone", "desk"},
                                    {"entity_id", "binary_sensor.office_desk"},
                                    {"device_id", "occupancy_office"},
                                    {"service", service},
                                    {"action", "promote"}});
}

config::MqttEndpoint as(std::uint16_t port, const std::string& user) {
  config::MqttEndpoint ep;
  ep.server_uri = "tcp://127.0.0.1:" + std::to_string(port);
  ep.username = user;
  ep.password = config::Secret(user + "-pw");
  ep.display = user;
  return ep;
}

bool try_publish(Recorder& r, const std::string& topic, const std::string& payload) {
  try {
    r.publish(topic, payload);
    return true;
  } catch (const std::exception&) {  // MQTT 5: Mosquitto answers "not authorized"
    return false;
  }
}

}  // namespace

TEST_CASE("each MQTT user is refused every topic its role does not own, on a real Mosquitto", "[integration]") {
  const auto home = unique_home("acl");
  const auto dir = temp_dir(home);
  std::ofstream(dir / "acl") << contract::mosquitto_acl(home, "homeassistant")
                             << "\nuser acl-admin\ntopic readwrite #\n";
  const auto passwd = (dir / "passwd").string();
  REQUIRE(run("/usr/bin/mosquitto_passwd", {"-c", "-b", passwd, "acl-admin", "acl-admin-pw"}).first == 0);
  for (const auto& role : contract::acl_roles()) {
    const auto user = contract::mqtt_user_of(role);
    REQUIRE(run("/usr/bin/mosquitto_passwd", {"-b", passwd, user, user + "-pw"}).first == 0);
  }
  const auto port = free_port();
  std::ofstream(dir / "mosquitto.conf") << "listener " << port << " 127.0.0.1\nallow_anonymous false\npassword_file "
                                        << passwd << "\nacl_file " << (dir / "acl").string() << "\npersistence false\n"
                                        << (::geteuid() == 0 ? "user root\n" : "");
  Process broker("/usr/sbin/mosquitto", {"-c", (dir / "mosquitto.conf").string()}, {}, dir / "mosquitto.log");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  INFO(broker.output());
  Recorder admin(as(port, "acl-admin"), {"#"});

  // Writing: every user tries every channel (and, for status and dead letters, another service's).
  std::vector<std::tuple<std::string, std::string, bool>> attempts;  // topic, payload, allowed
  for (const auto& role : contract::acl_roles()) {
    Recorder writer(as(port, contract::mqtt_user_of(role)), {});
    const bool service = kServices.count(role) > 0;
    for (const auto* c : proto::kChannels) {
      const bool everyones = c->producer == "every service";
      const auto own = topic_of(*c, home, service ? role : "cleaner");
      attempts.emplace_back(own, role + " writes " + own, contract::is_producer(*c, role) || (everyones && service));
      if (everyones) {
        const auto other = topic_of(*c, home, role == "predictor" ? "publisher" : "predictor");
        attempts.emplace_back(other, role + " writes " + other, false);
      }
    }
    for (const auto& [topic, payload, allowed] : attempts)
      if (payload.rfind(role + " ", 0) == 0) try_publish(writer, topic, payload);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  std::set<std::string> delivered;
  for (const auto& m : admin.messages()) delivered.insert(m.payload);
  int allowed_count = 0;
  for (const auto& [topic, payload, allowed] : attempts) {
    INFO(payload);
    CHECK(delivered.count(payload) == (allowed ? 1u : 0u));
    allowed_count += allowed;
  }
  CHECK(allowed_count >= 16);  // every channel has a writer

  // Reading: every user subscribes to every channel, one filter at a time (Mosquitto may refuse
  // a filter its user cannot read); the admin publishes each channel once.
  std::map<std::string, std::unique_ptr<Recorder>> readers;
  for (const auto& role : contract::acl_roles()) {
    auto reader = std::make_unique<Recorder>(as(port, contract::mqtt_user_of(role)), std::vector<std::string>{});
    for (const auto* c : proto::kChannels) reader->try_subscribe(topic_of(*c, home, "cleaner"));
    readers[role] = std::move(reader);
  }
  for (const auto* c : proto::kChannels) admin.publish(topic_of(*c, home, "cleaner"), "read " + std::string(c->id));
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  for (const auto& role : contract::acl_roles()) {
    std::set<std::string> got;
    for (const auto& m : readers[role]->messages()) got.insert(m.payload);
    for (const auto* c : proto::kChannels) {
      INFO(role << " reading " << c->id);
      CHECK(got.count("read " + std::string(c->id)) == (consumes(c->consumers, role) ? 1u : 0u));
    }
  }
}
