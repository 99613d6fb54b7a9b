#include "ha_link.hpp"

#include <spdlog/spdlog.h>

#include <random>

#include "occupancy/runtime/logging.hpp"

namespace occupancy::ingestor {
namespace {

ingest::HaSession::Settings session_settings(const config::HomeConfig& cfg) {
  ingest::HaSession::Settings s;
  s.token = cfg.ingestor.ha_token.reveal();
  for (const auto& e : cfg.entities) s.entity_ids.push_back(e.entity_id);
  s.ping_every = std::chrono::milliseconds(static_cast<long long>(cfg.ingestor.ping_interval_s * 1000));
  s.wall_clock = cfg.ingestor.wall_clock;
  return s;
}

Millis steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

HaLink::HaLink(const config::HomeConfig& config)
    : config_(config),
      ha_{config.ingestor.ha_host, config.ingestor.ha_port, config.ingestor.ha_tls, config.ingestor.ha_ca_file,
          config.ingestor.ha_base_path},
      session_(session_settings(config)) {}

HaLink::~HaLink() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void HaLink::start() {
  thread_ = std::thread([this] { run(); });
}

std::deque<ingest::SessionItem> HaLink::take() {
  std::lock_guard lock(mutex_);
  return std::exchange(queue_, {});
}

bool HaLink::sleep_for(std::chrono::milliseconds d) {
  for (auto slept = std::chrono::milliseconds(0); slept < d && !stop_; slept += std::chrono::milliseconds(100))
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  return !stop_;
}

// Does what the session asked: frames sent, the HTTP request made (its answer fed back), items
// queued, lines logged.
void HaLink::carry_out(http::WebSocketClient& ws, ingest::SessionOutput out) {
  for (const auto& f : out.frames) ws.send(f);
  for (const auto& l : out.logs) runtime::log_line(l);
  if (!out.items.empty()) {
    std::lock_guard lock(mutex_);
    for (auto& item : out.items) queue_.push_back(std::move(item));
  }
  malformed_ = session_.malformed();
  bad_history_rows_ = session_.bad_history_rows();
  if (out.up) {
    connected_ = true;
    spdlog::info("connected to Home Assistant at {}", ha_.describe());
  }
  if (out.request) {
    const auto res = http::get(ha_, out.request->target,
                               {"Authorization: Bearer " + config_.ingestor.ha_token.reveal()}, out.request->timeout);
    carry_out(ws, session_.on_response(res.status, res.body));
  }
}

void HaLink::session(http::WebSocketClient& ws) {
  session_.connect();
  while (!stop_) {
    if (auto text = ws.receive(std::chrono::milliseconds(250)))
      carry_out(ws, session_.on_frame(*text, wall_clock_now()));
    carry_out(ws, session_.on_tick(steady_ms(), wall_clock_now()));
  }
}

void HaLink::run() {
  ingest::Backoff backoff(std::chrono::seconds(1),
                          std::chrono::milliseconds(static_cast<long long>(config_.ingestor.backoff_max_s * 1000)));
  std::mt19937 rng(std::random_device{}());
  while (!stop_) {
    try {
      http::WebSocketClient ws(ha_, "/api/websocket", std::chrono::seconds(10));
      session(ws);
    } catch (const ingest::SessionEnded& e) {
      if (e.auth_refused())
        spdlog::error("Home Assistant refused the access token ({}): check OCCUPANCY_HA_TOKEN", e.what());
      else
        spdlog::warn("Home Assistant connection: {}", e.what());
    } catch (const std::exception& e) {
      spdlog::warn("Home Assistant connection: {}", e.what());
    }
    session_.disconnect();
    const bool was_connected = connected_.exchange(false);
    if (was_connected) backoff.reset();
    if (stop_) break;
    const auto wait = backoff.next(std::uniform_real_distribution<double>(0, 1)(rng));
    spdlog::info("reconnecting to Home Assistant in {} ms", wait.count());
    sleep_for(wait);
  }
}

}  // namespace occupancy::ingestor
