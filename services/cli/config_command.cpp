// `occupancy config check|acl|init`: validate the home config, print the broker ACL it implies,
// or propose one from Home Assistant's own registries.
#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>

#include "commands.hpp"
#include "job.hpp"
#include "occupancy/config/home_config.hpp"
#include "occupancy/contract/broker_acl.hpp"
#include "occupancy/http/client.hpp"
#include "occupancy/setup/home_proposal.hpp"
#include "occupancy/setup/inventory_reader.hpp"

namespace occupancy::cli {
namespace {

struct InitOptions {
  std::string ha_url, token_file, ca_file, out, home = "home";
  bool force = false;
};

// Asks HA over its WebSocket API for everything a proposal needs.
setup::HaInventory read_inventory(const InitOptions& o, const std::string& token) {
  const auto url = config::parse_http_url(o.ha_url, 8123);
  const http::Endpoint ha{url.host, url.port, url.tls, o.ca_file, url.base_path};
  http::WebSocketClient ws(ha, "/api/websocket", std::chrono::seconds(10));
  setup::InventoryReader reader(token);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    const auto frame = ws.receive(std::chrono::seconds(1));
    if (!frame) continue;
    auto out = reader.on_frame(*frame);
    for (auto& f : out.frames) ws.send(std::move(f));
    if (out.done) {
      ws.close();
      return reader.inventory();
    }
  }
  throw std::runtime_error("Home Assistant at " + ha.describe() + " did not answer within 60 s");
}

void add_init(CLI::App& config, int& result) {
  auto o = std::make_shared<InitOptions>();
  auto* init = config.add_subcommand(
      "init",
      "Propose a home config from Home Assistant's areas, devices, entities and people, with every guess commented");
  init->add_option("--ha-url", o->ha_url, "Home Assistant, e.g. http://homeassistant.local:8123 (https works)")
      ->required();
  init->add_option("--token-file", o->token_file,
                   "A file holding an administrator's long-lived access token (else OCCUPANCY_HA_TOKEN)");
  init->add_option("--ca-file", o->ca_file, "The CA (PEM) of HA's certificate, if not a public one")
      ->check(CLI::ExistingFile);
  init->add_option("--home", o->home, "The home's id: the topic prefix occupancy/<home>/")->capture_default_str();
  init->add_option("--out", o->out, "Where to write the proposed home.yaml")->required();
  init->add_flag("--force", o->force, "Overwrite --out if it exists");
  init->callback([&result, o] {
    result = run_job("config init", [&] {
      if (std::filesystem::exists(o->out) && !o->force)
        throw CLI::ValidationError("--out", o->out + " exists: pass --force to overwrite it");
      if (setup::slug(o->home) != o->home || o->home.empty())
        throw CLI::ValidationError("--home", "expected lower case letters, digits and '_', got '" + o->home + "'");
      std::vector<std::string> warnings;
      std::string token;
      if (!o->token_file.empty()) {
        token =
            config::read_secret_file(o->token_file, "the Home Assistant token file (--token-file)", warnings).reveal();
      } else if (const char* t = std::getenv("OCCUPANCY_HA_TOKEN")) {
        token = t;
      } else {
        throw CLI::ValidationError("--token-file", "expected --token-file or OCCUPANCY_HA_TOKEN");
      }
      for (const auto& w : warnings) fmt::print(stderr, "warning: {}\n", w);
      const auto inventory = read_inventory(*o, token);
      const auto token_path = o->token_file.empty() ? std::string() : std::filesystem::absolute(o->token_file).string();
      const auto ca_path = o->ca_file.empty() ? std::string() : std::filesystem::absolute(o->ca_file).string();
      const auto proposal = setup::propose_home(inventory, {o->home, o->ha_url, token_path, ca_path});
      if (proposal.rooms.empty())
        throw std::runtime_error(
            "Home Assistant has no area with a presence, motion, door or light entity in it: put the sensors in "
            "their rooms' areas in HA (Settings > Areas), then run this again");
      const auto yaml = setup::render_yaml(proposal);
      // The proposal must load as it is: a config init that writes an invalid config is a bug.
      config::parse_config(yaml, o->out, [](std::string_view) { return std::optional<std::string>(); });
      std::ofstream(o->out) << yaml;
      fmt::print("{}: {} rooms, {} entities, {} people, time zone {}\n", o->out, proposal.rooms.size(),
                 proposal.entities.size(), proposal.people.size(), proposal.timezone);
      if (!proposal.not_used.empty())
        fmt::print("{} things in HA are not used (listed at the end of the file, with why)\n",
                   proposal.not_used.size());
      fmt::print("next: check the comments, then  occupancy --config {} config check\n", o->out);
      return kExitOk;
    });
  });
}

}  // namespace

void add_config_command(CLI::App& app, const GlobalOptions& global, int& result) {
  auto* config = app.add_subcommand("config", "Inspect the home config, or propose one from Home Assistant");
  config->require_subcommand(1);
  config->add_subcommand("check", "Validate the home config and print what it describes")->callback([&] {
    result = with_config("config", global, [](const config::HomeConfig& c) {
      fmt::print("{}: valid\nhome: {} ({})\n", c.source, c.home, c.timezone);
      for (const auto& r : c.rooms) {
        int entities = 0;
        for (const auto& e : c.entities) entities += e.room == r.id;
        fmt::print("  room {:<16} {} zones, {} entities\n", r.id, r.zones.size(), entities);
      }
      fmt::print("broker: {}\n", c.mqtt.display);
      for (const auto& w : c.warnings) fmt::print("warning: {}\n", w);
      return kExitOk;
    });
  });
  config->add_subcommand("acl", "Print the Mosquitto ACL for this home: one user per service, from the topic contract")
      ->callback([&] {
        result = with_config("config", global, [](const config::HomeConfig& c) {
          fmt::print("{}", contract::mosquitto_acl(c.home, c.discovery_prefix));
          return kExitOk;
        });
      });
  add_init(*config, result);
}

}  // namespace occupancy::cli
