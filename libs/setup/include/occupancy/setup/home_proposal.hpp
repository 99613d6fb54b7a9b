#pragma once
// A home config proposed from what Home Assistant knows (its inventory), with the reason for
// every guess so the user can correct it:
// - rooms from areas (those with a sensor), in HA's order;
// - entities by kind: device_class occupancy/presence -> presence, motion/moving -> motion,
//   door/opening/garage_door -> door, the light domain -> light; anything else is listed as
//   not used, with why;
// - a zone from the entity's name once its area and kind words are taken off ("room" when
//   nothing is left); a zone whose name holds a person's name (HA's person entities) is theirs;
// - the cat filter's exclusive zones (one person's and another's zone of the same kind in a
//   room) and its entrance (a door named front/entrance/entry/main).
// Pure; `render_yaml` writes the commented home.yaml.
#include <string>
#include <vector>

#include "occupancy/config/home_config.hpp"
#include "occupancy/setup/ha_inventory.hpp"

namespace occupancy::setup {

struct ProposalOptions {
  std::string home = "home";  // the topic prefix: occupancy/<home>/...
  std::string ha_url;         // written as ingestor.ha_url
  std::string token_file;     // written as ingestor.token_file (the path, never the token)
  std::string ca_file;        // written as ingestor.ca_file when HA's certificate is a private CA's
};

struct Guessed {
  std::string why;  // the comment beside it in the YAML
};

struct ProposedRoom : Guessed {
  config::Room room;
};
struct ProposedEntity : Guessed {
  config::Entity entity;
};
struct NotUsed {
  std::string entity_id, why;
};

struct HomeProposal {
  ProposalOptions options;
  std::string timezone, timezone_why;
  std::vector<std::string> people;
  std::vector<ProposedRoom> rooms;
  std::vector<ProposedEntity> entities;
  std::vector<std::vector<std::string>> exclusive_zones;  // "room/zone" groups
  std::vector<std::string> exclusive_why;
  std::string entrance, entrance_why;
  std::vector<NotUsed> not_used;
};

HomeProposal propose_home(const HaInventory& inventory, const ProposalOptions& options);

/// The proposal as a complete home.yaml (every other section keeps its defaults), commented.
std::string render_yaml(const HomeProposal& proposal);

/// HA's slugify, for ids: lower case, [a-z0-9_], runs of anything else become one '_'.
std::string slug(std::string_view text);

}  // namespace occupancy::setup
