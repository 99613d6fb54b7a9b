#pragma once
// Catch checks that two home configs describe the same house: rooms (ids, names, zones and
// their people), entities (room, zone, kind), people, time zone and the cat filter's
// exclusive zones and entrance. For `config init`'s proposal against the shipped config.
#include <catch2/catch.hpp>

#include "occupancy/config/home_config.hpp"

namespace occupancy::testing {

inline void check_same_house(const config::HomeConfig& got, const config::HomeConfig& want) {
  CHECK(got.timezone == want.timezone);
  CHECK(got.people == want.people);
  REQUIRE(got.rooms.size() == want.rooms.size());
  for (std::size_t i = 0; i < want.rooms.size(); ++i) {
    CHECK(got.rooms[i].id == want.rooms[i].id);
    CHECK(got.rooms[i].name == want.rooms[i].name);
    REQUIRE(got.rooms[i].zones.size() == want.rooms[i].zones.size());
    for (std::size_t z = 0; z < want.rooms[i].zones.size(); ++z) {
      CHECK(got.rooms[i].zones[z].id == want.rooms[i].zones[z].id);
      CHECK(got.rooms[i].zones[z].person == want.rooms[i].zones[z].person);
    }
  }
  REQUIRE(got.entities.size() == want.entities.size());
  for (std::size_t i = 0; i < want.entities.size(); ++i) {
    CHECK(got.entities[i].entity_id == want.entities[i].entity_id);
    CHECK(got.entities[i].room == want.entities[i].room);
    CHECK(got.entities[i].zone == want.entities[i].zone);
    CHECK(got.entities[i].kind == want.entities[i].kind);
  }
  CHECK(got.cat_filter.exclusive_zones == want.cat_filter.exclusive_zones);
  CHECK(got.cat_filter.entrance == want.cat_filter.entrance);
}

}  // namespace occupancy::testing
