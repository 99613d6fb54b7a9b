// `occupancy sim serve`: a simulated Home Assistant. The simulated past is history (REST);
// the simulated future plays live over the WebSocket API at --speed times real time.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>

#include "commands.hpp"
#include "household_options.hpp"
#include "job.hpp"
#include "occupancy/runtime/exit_codes.hpp"
#include "occupancy/simulation/ha_api.hpp"

namespace occupancy::cli {
namespace {

struct ServeOptions {
  std::string bind = "127.0.0.1", token, token_file;
  std::string base_path;  // "/core": served as the Supervisor's proxy serves HA to add-ons
  int port = 8123, history_days = 30, future_days = 7;
  double speed = 1;
  std::optional<std::int64_t> clock_origin;
  HouseholdOptions household;
  simulation::RestFaults faults;
};

// Maps wall-clock time to simulated time: the past ends at `anchor` when the clock starts.
struct SimClock {
  Millis anchor, origin;
  double speed;
  Millis now() const { return anchor + static_cast<Millis>(static_cast<double>(wall_clock_now() - origin) * speed); }
  Millis wall_for(Millis sim) const { return origin + static_cast<Millis>(static_cast<double>(sim - anchor) / speed); }
};

int serve(const GlobalOptions& global, const ServeOptions& o) {
  std::string token = o.token;
  if (token.empty() && !o.token_file.empty()) {
    std::ifstream in(o.token_file);
    std::getline(in, token);
  }
  if (token.empty())
    if (const char* t = std::getenv("OCCUPANCY_HA_TOKEN")) token = t;
  if (token.empty()) {
    std::cerr << "occupancy sim serve: a token is required (--token, --token-file or OCCUPANCY_HA_TOKEN)\n";
    return kExitUsage;
  }
  const auto home = config::load_config(global.config());
  const auto household = o.household.load();
  auto sim = simulation::simulate(home, household, o.history_days + o.future_days);
  const SimClock clock{sim.start + static_cast<Millis>(o.history_days) * 24 * 60 * kMinute,
                       o.clock_origin.value_or(wall_clock_now()), o.speed};
  const simulation::HaHome ha(home, std::move(sim.events));

  std::mutex mutex;  // guards sessions
  std::map<http::WebSocketConnection*,
           std::pair<std::shared_ptr<http::WebSocketConnection>, simulation::HaWebSocketSession>>
      sessions;
  http::WebSocketHandler ws;
  ws.on_open = [&](const std::shared_ptr<http::WebSocketConnection>& c) {
    std::lock_guard lock(mutex);
    auto& s = sessions.emplace(c.get(), std::make_pair(c, simulation::HaWebSocketSession(ha, token))).first->second;
    c->send(s.second.hello());
  };
  ws.on_message = [&](const std::shared_ptr<http::WebSocketConnection>& c, const std::string& text) {
    std::lock_guard lock(mutex);
    auto it = sessions.find(c.get());
    if (it == sessions.end()) return;
    auto out = it->second.second.receive(text, clock.now());
    for (auto& m : out.messages) c->send(std::move(m));
    if (out.close) {
      c->close();
      sessions.erase(it);
    }
  };
  ws.on_close = [&](const std::shared_ptr<http::WebSocketConnection>& c) {
    std::lock_guard lock(mutex);
    sessions.erase(c.get());
  };

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  http::Server server(
      o.bind, static_cast<std::uint16_t>(o.port),
      [&](http::Request req) {
        if (req.target.rfind(o.base_path + "/", 0) != 0) return http::Response{404, "text/plain", "404: Not Found", {}};
        req.target.erase(0, o.base_path.size());
        return simulation::handle_rest(ha, token, req, clock.now(), o.faults);
      },
      o.base_path + "/api/websocket", ws);

  std::atomic<bool> stop{false};
  std::thread player([&] {
    const auto& events = ha.events();
    std::map<std::string, const simulation::SimEvent*> last;
    for (const auto& s : ha.states_at(clock.now())) last[s.entity->entity_id] = s.event;
    size_t i = 0;
    while (i < events.size() && events[i].ts <= clock.now()) ++i;
    while (!stop && i < events.size()) {
      const Millis due = clock.wall_for(events[i].ts);
      if (wall_clock_now() < due) {
        std::this_thread::sleep_for(std::chrono::milliseconds(std::min<Millis>(100, due - wall_clock_now())));
        continue;
      }
      const auto& ev = events[i++];
      std::lock_guard lock(mutex);
      for (auto& [_, s] : sessions)
        for (auto& m : s.second.on_change(ev, last[ev.entity_id])) s.first->send(std::move(m));
      last[ev.entity_id] = &ev;
    }
  });

  fmt::print(
      "simulated Home Assistant on http://{}:{}{}/ (WebSocket {}/api/websocket), {} entities, {} days of history, "
      "{} days live at {}x; simulated now {}\n",
      o.bind, server.port(), o.base_path, o.base_path, home.entities.size(), o.history_days, o.future_days, o.speed,
      format_iso8601(clock.now()));
  std::fflush(stdout);
  int sig = 0;
  sigwait(&signals, &sig);
  stop = true;
  player.join();
  server.stop();
  return kExitOk;
}

}  // namespace

void add_sim_serve_command(CLI::App& sim, const GlobalOptions& global, int& result) {
  auto o = std::make_shared<ServeOptions>();
  auto* cmd = sim.add_subcommand("serve", "Run a simulated Home Assistant (WebSocket + REST API) until SIGTERM/Ctrl-C");
  cmd->add_option("--port", o->port, "TCP port (0 = any free port)")->capture_default_str();
  cmd->add_option("--bind", o->bind, "address to listen on")->capture_default_str();
  cmd->add_option("--token", o->token, "the long-lived access token clients must present");
  cmd->add_option("--token-file", o->token_file, "read the token from a file");
  cmd->add_option("--speed", o->speed, "simulated seconds per real second")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--history-days", o->history_days, "days of simulated past, served as history")
      ->check(CLI::Range(0, 3650))
      ->capture_default_str();
  cmd->add_option("--future-days", o->future_days, "days of simulated future, played live")
      ->check(CLI::Range(1, 3650))
      ->capture_default_str();
  o->household.add_to(*cmd);
  cmd->add_option("--base-path", o->base_path,
                  "serve under this path, as the Supervisor's proxy serves HA to add-ons (e.g. /core)")
      ->check([](const std::string& p) {
        return p.empty() || (p.front() == '/' && p.back() != '/') ? std::string() : "expected /path";
      });
  cmd->add_flag("--bad-history-row", o->faults.bad_history_row,
                "fault injection: each history answer carries one malformed row");
  cmd->add_option("--clock-origin", o->clock_origin,
                  "wall-clock ms at which the simulated past ends (reuse it to restart on the same timeline)");
  cmd->callback([&global, &result, o] { result = run_job("sim serve", [&] { return serve(global, *o); }); });
}

}  // namespace occupancy::cli
