#include "occupancy/contract/topics.hpp"

#include <catch2/catch.hpp>

using namespace occupancy;
using occupancy::contract::Params;

TEST_CASE("topics are filled from the contract's addresses", "[contract]") {
  const auto t =
      contract::format_topic(proto::channel::raw, {{"home", "home"}, {"room", "office"}, {"zone", "desk_anca"}});
  CHECK(t == "occupancy/home/raw/office/desk_anca");
  CHECK(contract::format_topic(proto::channel::ha_discovery, {{"discovery_prefix", "homeassistant"},
                                                              {"device_id", "x"}}) == "homeassistant/device/x/config");
}

TEST_CASE("a missing or unsafe parameter is refused by name", "[contract]") {
  CHECK_THROWS_WITH(contract::format_topic(proto::channel::state, {{"home", "home"}}),
                    Catch::Contains("'room' missing"));
  CHECK_THROWS_WITH(contract::format_topic(proto::channel::state, {{"home", "home"}, {"room", "a/b"}}),
                    Catch::Contains("invalid value 'a/b'"));
  CHECK_THROWS(contract::format_topic(proto::channel::state, {{"home", "home"}, {"room", "#"}}));
  CHECK_THROWS(contract::format_topic(proto::channel::state, {{"home", "home"}, {"room", ""}}));
}

TEST_CASE("subscription filters wildcard the free parameters", "[contract]") {
  CHECK(contract::subscription_filter(proto::channel::raw, {{"home", "h2"}}) == "occupancy/h2/raw/+/+");
  CHECK(contract::subscription_filter(proto::channel::clock, {{"home", "h2"}}) == "occupancy/h2/clock");
}

TEST_CASE("topics are matched back to their parameters", "[contract]") {
  const auto p = contract::match_topic(proto::channel::raw, "occupancy/home/raw/bedroom/bed_anca");
  REQUIRE(p);
  CHECK(p->at("room") == "bedroom");
  CHECK(p->at("zone") == "bed_anca");
  CHECK_FALSE(contract::match_topic(proto::channel::raw, "occupancy/home/raw/bedroom"));
  CHECK_FALSE(contract::match_topic(proto::channel::raw, "occupancy/home/clean/bedroom/bed_anca"));
  CHECK_FALSE(contract::match_topic(proto::channel::raw, "occupancy/home/raw//bed_anca"));
}

TEST_CASE("every channel names a schema the contract has", "[contract]") {
  for (const auto* ch : proto::kChannels) {
    bool found = false;
    for (const auto& f : proto::schema_files()) found |= f.name == ch->schema_file;
    INFO(ch->id);
    CHECK(found);
    CHECK((ch->qos == 0 || ch->qos == 1 || ch->qos == 2));
  }
  CHECK(proto::channel::state.retain);
  CHECK_FALSE(proto::channel::raw.retain);
}
