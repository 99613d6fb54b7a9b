#include "occupancy/contract/broker_acl.hpp"

#include <catch2/catch.hpp>

using namespace occupancy;

namespace {
// The lines of one user's block.
std::string block_of(const std::string& acl, const std::string& user) {
  const auto start = acl.find("\nuser " + user + "\n");
  REQUIRE(start != std::string::npos);
  const auto end = acl.find("\nuser ", start + 1);
  return acl.substr(start, end == std::string::npos ? std::string::npos : end - start);
}
}  // namespace

TEST_CASE("the broker ACL follows the contract's producers and consumers", "[contract]") {
  const auto acl = contract::mosquitto_acl("h1", "homeassistant");
  const auto cleaner = block_of(acl, "occupancy-cleaner");
  CHECK_THAT(cleaner, Catch::Contains("topic read occupancy/h1/raw/+/+\n"));
  CHECK_THAT(cleaner, Catch::Contains("topic read occupancy/h1/clock\n"));
  CHECK_THAT(cleaner, Catch::Contains("topic write occupancy/h1/state/+\n"));
  CHECK_THAT(cleaner, Catch::Contains("topic write occupancy/h1/status/cleaner\n"));  // its own, not others'
  CHECK_THAT(cleaner, Catch::Contains("topic write occupancy/h1/dlq/cleaner\n"));
  CHECK_THAT(cleaner, !Catch::Contains("prediction") && !Catch::Contains("homeassistant"));
  const auto publisher = block_of(acl, "occupancy-publisher");
  CHECK_THAT(publisher, Catch::Contains("topic write homeassistant/device/+/config\n"));
  CHECK_THAT(publisher, Catch::Contains("topic read occupancy/h1/status/+\n"));
  CHECK_THAT(publisher, Catch::Contains("topic readwrite occupancy/h1/info\n"));  // reads its own retained info back
  CHECK_THAT(block_of(acl, "occupancy-trainer"), Catch::Contains("topic write occupancy/h1/model\n"));
  CHECK_THAT(block_of(acl, "occupancy-trainer"), Catch::Contains("topic write occupancy/h1/status/trainer\n"));
  CHECK_THAT(block_of(acl, "homeassistant"), Catch::Contains("topic write homeassistant/status\n"));
  CHECK_THAT(block_of(acl, "occupancy-operator"), !Catch::Contains("write"));
  CHECK(contract::mqtt_user_of("trainer") == "occupancy-trainer");
}
