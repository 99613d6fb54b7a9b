#include "occupancy/runtime/service.hpp"

#include <malloc.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <csignal>
#include <iostream>
#include <thread>

#include "occupancy/contract/topics.hpp"
#include "occupancy/runtime/exit_codes.hpp"
#include "occupancy/runtime/logging.hpp"
#include "occupancy/runtime/mqtt_client.hpp"

namespace occupancy::runtime {

void ServiceContext::every(std::chrono::milliseconds period, std::function<void()> task) {
  timers.push_back({period, std::move(task), std::chrono::steady_clock::now() + period});
}

void ServiceContext::on_connected(std::function<void()> task) { connected_tasks.push_back(std::move(task)); }

void ServiceContext::route(std::string path_prefix, http::Handler handler) {
  routes.emplace_back(std::move(path_prefix), std::move(handler));
}

void ServiceContext::health(std::function<std::string()> problem) { health_checks.push_back(std::move(problem)); }

void ServiceContext::require_room(const std::string& room) const {
  if (config.find_room(room) == nullptr)
    throw Refusal("unknown_room", "/room", "room '" + room + "' is not in the home config");
}

void ServiceContext::apply(contract::Step&& step) {
  for (const auto& l : step.logs) log_line(l);
  for (const auto& p : step.publications) {
    if (p.payload.IsNull())
      router.clear_retained(*p.channel, p.params);
    else
      router.publish(*p.channel, p.params, p.payload);
  }
  for (const auto& d : step.dead_letters) router.dead_letter(d.source, d.payload, {d.keyword, d.pointer, d.message});
  for (const auto& m : step.metrics) {
    switch (m.op) {
      case contract::MetricUpdate::Op::add:
        metrics.add(m.name, m.labels, m.value);
        break;
      case contract::MetricUpdate::Op::set:
        metrics.set(m.name, m.labels, m.value);
        break;
      case contract::MetricUpdate::Op::forget:
        metrics.forget(m.name, m.labels);
        break;
    }
  }
  if (archive_rows && !step.archive.empty()) archive_rows(std::move(step.archive));
}

void ServiceContext::declare(const std::vector<contract::MetricFamily>& families) {
  for (const auto& f : families) metrics.declare(f.name, f.type, f.help);
}

namespace {

// SIGTERM/SIGINT are blocked in every thread and taken by one waiting thread, so no handler
// runs in the middle of Paho's or Beast's work.
class SignalWaiter {
 public:
  explicit SignalWaiter(std::atomic<bool>& stop) {
    sigemptyset(&set_);
    sigaddset(&set_, SIGTERM);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGUSR1);  // our own wake-up at exit
    pthread_sigmask(SIG_BLOCK, &set_, nullptr);
    thread_ = std::thread([this, &stop] {
      int sig = 0;
      sigwait(&set_, &sig);
      if (sig == SIGUSR1) return;
      spdlog::info("received {}, shutting down", sig == SIGTERM ? "SIGTERM" : "SIGINT");
      stop = true;
    });
  }
  ~SignalWaiter() {
    pthread_kill(thread_.native_handle(), SIGUSR1);
    thread_.join();
  }

 private:
  sigset_t set_;
  std::thread thread_;
};

}  // namespace

int run_service(std::string_view name, std::string_view description, int argc, char** argv, const Wiring& wire) {
  CLI::App app{std::string(description), "occupancy-" + std::string(name)};
  std::string config_path, log_level;
  app.add_option("-c,--config", config_path, "home config (YAML); default $OCCUPANCY_CONFIG or config/home.yaml");
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error");
  app.set_version_flag("--version", std::string(OCCUPANCY_VERSION));
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  }

  std::atomic<bool> stop{false};
  // Block the signals before any thread exists, so every thread inherits the mask.
  SignalWaiter signals(stop);

  config::HomeConfig cfg;
  try {
    cfg = config::load_config(config_path.empty() ? std::nullopt : std::optional<std::filesystem::path>(config_path));
    if (!log_level.empty()) cfg.logging.level = log_level;
    setup_logging(name, cfg.logging);
  } catch (const std::exception& e) {
    std::cerr << "occupancy-" << name << ": " << e.what() << '\n';
    return kExitConfig;
  }

  Metrics metrics{std::string(name)};
  const contract::Params base{{"home", cfg.home}, {"discovery_prefix", cfg.discovery_prefix}};

  MqttOptions mqtt_options = mqtt_options_for(cfg, name);
  if (!cfg.archive.spool_dir.empty())  // the state directory: messages received, not yet handled
    mqtt_options.inbox = std::filesystem::path(cfg.archive.spool_dir) / (cfg.home + "-" + std::string(name) + ".inbox");

  // The router publishes through the client, which needs the router's subscriptions: the
  // client is created after wiring, behind this forwarding transport.
  struct Forward : Transport {
    MqttClient* client = nullptr;
    void publish(const std::string& t, const std::string& p, int q, bool r) override { client->publish(t, p, q, r); }
  } forward;
  Router router(std::string(name), base, forward, metrics);
  router.guard_event_time(cfg.event_time_guard());
  router.limit_payloads({cfg.mqtt_max_payload_bytes, contract::kMaxNesting});
  ServiceContext ctx{std::string(name), cfg, router, metrics, config_path, {}, {}, {}, {}, {}};
  try {
    wire(ctx);
  } catch (const std::exception& e) {
    spdlog::critical("cannot start: {}", e.what());
    return kExitConfig;
  }
  mqtt_options.subscriptions = router.subscriptions();
  MqttClient client(mqtt_options, metrics);
  forward.client = &client;
  auto unfinished = client.take_unfinished();  // handled after the first connection's tasks

  std::unique_ptr<http::Server> server;
  const auto http_settings = cfg.http_for(name);
  if (http_settings.port != 0) {
    try {
      server = std::make_unique<http::Server>(
          http_settings.bind, static_cast<std::uint16_t>(http_settings.port),
          [&](const http::Request& req) -> http::Response {
            const auto path = req.target.substr(0, req.target.find('?'));
            if (path == "/healthz") {  // 503 with every problem named, one per line
              std::string problems = client.connected() ? "" : "broker disconnected\n";
              for (const auto& check : ctx.health_checks)
                if (auto p = check(); !p.empty()) problems += p + "\n";
              return {
                  problems.empty() ? 200 : 503, "text/plain; charset=utf-8", problems.empty() ? "ok\n" : problems, {}};
            }
            if (path == "/metrics") return {200, "text/plain; version=0.0.4; charset=utf-8", metrics.render(), {}};
            for (const auto& [prefix, handler] : ctx.routes)
              if (path.rfind(prefix, 0) == 0) return handler(req);
            return {404, "text/plain; charset=utf-8", "not found\n", {}};
          });
      spdlog::info("HTTP on {}:{} (/healthz, /metrics)", http_settings.bind, server->port());
    } catch (const std::exception& e) {
      spdlog::critical("{}", e.what());
      return kExitUnavailable;
    }
  }

  for (const auto& w : cfg.warnings) spdlog::warn("{}", w);
  spdlog::info("starting occupancy-{} {} for home '{}' ({} rooms), broker {}", name, OCCUPANCY_VERSION, cfg.home,
               cfg.rooms.size(), cfg.mqtt.display);
  // A burst (a replay, a backfill) queues messages in the inbound queue faster than they are
  // handled; once handled, hand the freed heap back to the system so the resident set returns
  // to the steady state instead of staying at the burst's peak (the soak benchmark).
  ctx.every(std::chrono::seconds(30), [] { malloc_trim(0); });
  if (!client.connect(stop)) return kExitOk;  // stopped before the broker ever answered

  while (!stop) {
    run_contained(
        "checking the connection", "connection", [&] { client.recover_if_flapping(stop); }, metrics);
    bool new_connection = false;
    run_contained(
        "taking a new connection", "connection", [&] { new_connection = client.take_new_connection(); }, metrics);
    if (new_connection) {
      for (auto& task : ctx.connected_tasks) run_contained("an on-connect task", "on_connect", task, metrics);
      if (!unfinished.empty()) {  // before anything received since: they are older
        spdlog::info("handling {} messages the last run received but did not handle", unfinished.size());
        metrics.add("occupancy_mqtt_inbox_replayed_total", {}, static_cast<double>(unfinished.size()));
        for (const auto& m : unfinished) {
          router.dispatch(m.topic, m.payload);
          client.handled(m);
        }
        unfinished.clear();
      }
    }

    auto now = std::chrono::steady_clock::now();
    auto wait = std::chrono::milliseconds(200);
    for (auto& t : ctx.timers) {
      if (t.due <= now) {
        run_contained("a timer", "timer", t.task, metrics);
        t.due = now + t.period;
      }
      wait = std::min(wait, std::chrono::duration_cast<std::chrono::milliseconds>(t.due - now));
    }
    auto msg = client.next(std::max(wait, std::chrono::milliseconds(1)));
    if (!msg) continue;
    const auto started = std::chrono::steady_clock::now();
    router.dispatch(msg->topic, msg->payload);
    client.handled(*msg);
    metrics.observe_processing_seconds(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  }

  // Messages already received (and acknowledged) are finished before going offline.
  while (auto msg = client.next(std::chrono::milliseconds(0))) {
    router.dispatch(msg->topic, msg->payload);
    client.handled(*msg);
  }
  client.shutdown();
  if (server) server->stop();
  spdlog::info("stopped");
  return kExitOk;
}

bool run_contained(std::string_view what, const std::string& kind, const std::function<void()>& task,
                   Metrics& metrics) {
  try {
    task();
    return true;
  } catch (const std::exception& e) {
    spdlog::error("{} failed: {}", what, e.what());
  } catch (...) {
    spdlog::error("{} failed with a non-standard exception", what);
  }
  metrics.add("occupancy_errors_total", {{"kind", kind}});
  return false;
}

}  // namespace occupancy::runtime
