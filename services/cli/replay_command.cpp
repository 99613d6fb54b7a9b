// `occupancy replay FILE.csv --speed X|max`: publishes recorded history into the live
// pipeline exactly as the ingestor would (same IngestCore: readings, dedupe, clock ticks),
// with publish flow control, so nothing is dropped.
#include <fmt/format.h>

#include <thread>

#include "commands.hpp"
#include "job.hpp"
#include "occupancy/contract/messages.hpp"
#include "occupancy/history/csv_history.hpp"
#include "occupancy/ingest/ingest_core.hpp"
#include "occupancy/runtime/logging.hpp"
#include "occupancy/runtime/mqtt_client.hpp"

namespace occupancy::cli {

void add_replay_command(CLI::App& app, const GlobalOptions& global, int& result) {
  struct Options {
    std::string file, entities, speed = "max";
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("replay", "Publish a history CSV into the live pipeline, as the ingestor would");
  cmd->add_option("file", o->file, "HA history CSV")->required()->check(CLI::ExistingFile);
  cmd->add_option("--entities", o->entities, "entities.csv (default: the home config's entities)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--speed", o->speed, "event seconds per wall second, or max")->capture_default_str();
  cmd->callback([&global, &result, o] {
    result = run_job("replay", [&] {
      const auto cfg = config::load_config(
          global.config_path.empty() ? std::nullopt : std::optional<std::filesystem::path>(global.config_path));
      runtime::setup_logging("replay", cfg.logging);
      const double speed = o->speed == "max" ? 0 : std::stod(o->speed);
      if (o->speed != "max" && speed <= 0) throw std::invalid_argument("--speed must be positive or max");
      const auto entities =
          o->entities.empty() ? history::entities_from_config(cfg) : history::read_entities_csv(o->entities);
      const auto history = history::read_history_csv(o->file, entities);
      for (const auto& e : history.errors) fmt::print(stderr, "{}: line {}: {}\n", o->file, e.line, e.reason);

      runtime::Metrics metrics("replay");
      runtime::MqttOptions mo;
      mo.endpoint = cfg.mqtt;
      mo.protocol = cfg.mqtt_protocol;
      mo.client_id = "occupancy-" + cfg.home + "-replay";
      mo.status_topic = contract::format_topic(proto::channel::status, {{"home", cfg.home}, {"service", "replay"}});
      runtime::MqttClient client(mo, metrics);
      std::atomic<bool> stop{false};
      if (!client.connect(stop)) return kExitUnavailable;
      client.take_new_connection();
      runtime::Router router("replay", {{"home", cfg.home}}, client, metrics);

      ingest::IngestCore core(entities);
      size_t readings = 0, ticks = 0;
      auto publish = [&](const std::vector<ingest::Output>& out) {
        for (const auto& item : out) {
          if (const auto* r = std::get_if<Reading>(&item)) {
            router.publish(proto::channel::raw, {{"room", r->room}, {"zone", r->zone}}, contract::to_json(*r));
            ++readings;
          } else {
            router.publish(proto::channel::clock, {}, contract::clock_json(std::get<ingest::ClockTick>(item).ts));
            ++ticks;
          }
        }
      };
      const auto wall0 = std::chrono::steady_clock::now();
      const Millis event0 = history.readings.empty() ? 0 : history.readings.front().ts;
      for (const auto& r : history.readings) {
        if (speed > 0) {  // pace event time against the wall clock
          const auto due =
              wall0 + std::chrono::milliseconds(static_cast<long long>(static_cast<double>(r.ts - event0) / speed));
          std::this_thread::sleep_until(due);
        }
        publish(core.on_change({r.entity_id, to_string(r.state), r.ts}));
      }
      if (!history.readings.empty()) publish(core.advance_to(history.readings.back().ts));
      client.shutdown();
      fmt::print("{}: replayed {} readings and {} clock ticks for home '{}' in {:.2f} s\n", o->file, readings, ticks,
                 cfg.home, std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count());
      return history.errors.empty() ? kExitOk : kExitData;
    });
  });
}

}  // namespace occupancy::cli
