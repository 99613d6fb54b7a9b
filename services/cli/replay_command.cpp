// `occupancy replay FILE.csv --speed X|max`: publishes recorded history into the live
// pipeline exactly as the ingestor would (same IngestCore: readings, dedupe, clock ticks),
// with publish flow control, so nothing is dropped.
//
// At `--speed max` it follows the pipeline (ingest/replay_pacer.hpp): while a predictor is
// online it stays at most `--ahead-min` event minutes ahead of the latest prediction, so a
// replay of months flows through the services instead of sitting in their memory.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <optional>
#include <thread>

#include "commands.hpp"
#include "job.hpp"
#include "occupancy/contract/messages.hpp"
#include "occupancy/core/time.hpp"
#include "occupancy/history/csv_history.hpp"
#include "occupancy/ingest/ingest_core.hpp"
#include "occupancy/ingest/replay_pacer.hpp"
#include "occupancy/runtime/logging.hpp"
#include "occupancy/runtime/mqtt_client.hpp"

namespace occupancy::cli {
namespace {

// Feeds the pacer what the broker says of the pipeline's last stage: the predictor's
// (retained) status and the event time of each live prediction.
void follow_pipeline(runtime::Router& router, ingest::ReplayPacer& pacer) {
  router.on(proto::channel::status, [&pacer](const runtime::Inbound& in) {
    if (in.params.at("service") == "predictor")
      pacer.predictor_status(in.doc.GetString() == std::string_view("online"));
  });
  router.on(proto::channel::prediction, [&pacer](const runtime::Inbound& in) {
    if (const auto ts = parse_iso8601(in.doc[proto::fields::prediction::ts].GetString()))
      pacer.prediction_made_at(*ts, ingest::ReplayPacer::Clock::now());
  });
}

}  // namespace

void add_replay_command(CLI::App& app, const GlobalOptions& global, int& result) {
  struct Options {
    std::string file, entities, speed = "max";
    int ahead_min = 60;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("replay", "Publish a history CSV into the live pipeline, as the ingestor would");
  cmd->add_option("file", o->file, "HA history CSV")->required()->check(CLI::ExistingFile);
  cmd->add_option("--entities", o->entities, "entities.csv (default: the home config's entities)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--speed", o->speed, "event seconds per wall second, or max")->capture_default_str();
  cmd->add_option("--ahead-min", o->ahead_min,
                  "at max speed, while a predictor is online, stay this many event minutes ahead of its latest "
                  "prediction (0: do not wait)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->callback([&global, &result, o] {
    result = run_job("replay", [&] {
      const auto cfg = config::load_config(global.config());
      runtime::setup_logging("replay", cfg.logging);
      const double speed = o->speed == "max" ? 0 : std::stod(o->speed);
      if (o->speed != "max" && speed <= 0) throw std::invalid_argument("--speed must be positive or max");
      const auto entities =
          o->entities.empty() ? history::entities_from_config(cfg) : history::read_entities_csv(o->entities);
      const auto history = history::read_history_csv(o->file, entities);
      for (const auto& e : history.errors) fmt::print(stderr, "{}: line {}: {}\n", o->file, e.line, e.reason);

      runtime::Metrics metrics("replay");
      // The router publishes through the client, which needs the router's subscriptions.
      struct Forward : runtime::Transport {
        runtime::MqttClient* client = nullptr;
        void publish(const std::string& t, const std::string& p, int q, bool r) override {
          client->publish(t, p, q, r);
        }
      } forward;
      runtime::Router router("replay", {{"home", cfg.home}}, forward, metrics);
      const bool pace = speed == 0 && o->ahead_min > 0;
      ingest::ReplayPacer pacer(static_cast<Millis>(o->ahead_min) * kMinute, std::chrono::seconds(30));
      if (pace) follow_pipeline(router, pacer);
      auto mo = runtime::mqtt_options_for(cfg, "replay");
      mo.subscriptions = router.subscriptions();
      runtime::MqttClient client(mo, metrics);
      forward.client = &client;
      std::atomic<bool> stop{false};
      if (!client.connect(stop)) return kExitUnavailable;
      client.take_new_connection();
      // Retained predictions are an earlier run's: only the predictor's status counts of them.
      const auto predictor_status = router.topic(proto::channel::status, {{"service", "predictor"}});
      std::string last_topic;
      const auto take = [&](std::chrono::milliseconds timeout) {
        client.take_new_connection();  // after a broker restart: subscribe again
        auto m = client.next(timeout);
        if (m && (!m->retained || m->topic == predictor_status)) router.dispatch(m->topic, m->payload);
        if (m) last_topic = m->topic;
        return m.has_value();
      };
      if (pace) {
        // The predictor's retained status comes with the subscription's retained messages, and
        // our own status (published at connect) with or after them. Under load that took more
        // than the half second once waited here, and the replay then ran unpaced: wait for our
        // own status instead (5 s at most), and a moment for the rest of the batch.
        using Clock = std::chrono::steady_clock;
        const auto deadline = Clock::now() + std::chrono::seconds(5);
        std::optional<Clock::time_point> own_seen;
        while (!pacer.predictor_online() && Clock::now() < deadline &&
               (!own_seen || Clock::now() < *own_seen + std::chrono::milliseconds(200)))
          if (take(std::chrono::milliseconds(50)) && last_topic == mo.status_topic && !own_seen)
            own_seen = Clock::now();
      }
      // Waits until the pipeline is close enough to `ts` (or has stalled).
      const auto keep_pace = [&](Millis ts) {
        while (true) {
          while (take(std::chrono::milliseconds(0))) {
          }
          const auto verdict = pacer.check(ts, ingest::ReplayPacer::Clock::now());
          if (verdict == ingest::ReplayPacer::Verdict::go) return;
          if (verdict == ingest::ReplayPacer::Verdict::stalled) {
            spdlog::warn("no new prediction for 30 s: not waiting for the pipeline any more");
            return;
          }
          take(std::chrono::milliseconds(50));
        }
      };

      // A recording has its own time: only a jump past max_span is refused (it would walk the
      // clock minute by minute over it).
      ingest::IngestCore core(entities, EventTimeGuard(cfg.event_time, nullptr));
      size_t readings = 0, ticks = 0;
      auto publish = [&](const std::vector<ingest::Output>& out) {
        for (const auto& item : out) {
          client.recover_if_flapping(stop);  // a broker restart that left Paho resending garbage
          if (pace && pacer.following()) keep_pace(std::visit([](const auto& x) -> Millis { return x.ts; }, item));
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
      for (const auto& r : core.take_refused())
        fmt::print(stderr, "refused {} {} at {}: {}\n", r.change.entity_id, r.change.state,
                   format_iso8601(r.change.last_changed), r.reason);
      client.shutdown();
      fmt::print("{}: replayed {} readings and {} clock ticks for home '{}' in {:.2f} s\n", o->file, readings, ticks,
                 cfg.home, std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count());
      return history.errors.empty() && core.refused() == 0 ? kExitOk : kExitData;
    });
  });
}

}  // namespace occupancy::cli
