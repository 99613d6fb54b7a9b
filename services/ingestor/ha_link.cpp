#include "ha_link.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <random>

#include "occupancy/http/client.hpp"
#include "occupancy/ingest/ingest_core.hpp"

namespace occupancy::ingestor {
namespace {

class AuthRefused : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

ingest::HaMessage expect(http::WebSocketClient& ws, std::chrono::milliseconds timeout) {
  auto text = ws.receive(timeout);
  if (!text) throw std::runtime_error("Home Assistant did not answer in time");
  return ingest::parse_ha_message(*text);
}

}  // namespace

HaLink::HaLink(const config::HomeConfig& config) : config_(config) {
  for (const auto& e : config.entities) entity_ids_.push_back(e.entity_id);
}

HaLink::~HaLink() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void HaLink::start() {
  thread_ = std::thread([this] { run(); });
}

std::deque<LinkItem> HaLink::take() {
  std::lock_guard lock(mutex_);
  return std::exchange(queue_, {});
}

void HaLink::push(LinkItem item) {
  std::lock_guard lock(mutex_);
  queue_.push_back(std::move(item));
}

bool HaLink::sleep_for(std::chrono::milliseconds d) {
  for (auto slept = std::chrono::milliseconds(0); slept < d && !stop_; slept += std::chrono::milliseconds(100))
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  return !stop_;
}

void HaLink::session(const http::Endpoint& ha) {
  http::WebSocketClient ws(ha, "/api/websocket", std::chrono::seconds(10));
  if (expect(ws, std::chrono::seconds(10)).kind != ingest::HaMessage::Kind::auth_required)
    throw std::runtime_error("expected auth_required from Home Assistant");
  ws.send(ingest::auth_message(config_.ingestor.ha_token.reveal()));
  const auto auth = expect(ws, std::chrono::seconds(10));
  if (auth.kind == ingest::HaMessage::Kind::auth_invalid) throw AuthRefused(auth.error);
  if (auth.kind != ingest::HaMessage::Kind::auth_ok) throw std::runtime_error("expected auth_ok from Home Assistant");
  ws.send(ingest::subscribe_state_changed(1));
  // Live events may arrive before the result; keep them for after the backfill.
  std::vector<ingest::StateChange> early;
  while (true) {
    const auto m = expect(ws, std::chrono::seconds(10));
    if (m.kind == ingest::HaMessage::Kind::event && m.change) early.push_back(*m.change);
    if (m.kind != ingest::HaMessage::Kind::result || m.id != 1) continue;
    if (!m.success) throw std::runtime_error("subscribe_events refused: " + m.error);
    break;
  }
  const std::vector<std::string> auth_header{"Authorization: Bearer " + config_.ingestor.ha_token.reveal()};
  if (!had_session_) {  // first connection: every entity's current state seeds the pipeline
    const auto res = http::get(ha, "/api/states", auth_header, std::chrono::seconds(30));
    if (res.status != 200) throw std::runtime_error("states request failed with HTTP " + std::to_string(res.status));
    CurrentStates current{ingest::parse_states(res.body)};
    for (const auto& c : current.states) last_event_ = std::max(last_event_, c.last_changed);
    push(std::move(current));
  }
  if (had_session_ && last_event_ > 0) {  // what happened while we were away, in time order
    const Millis until = std::max(wall_clock_now(), last_event_) + 24 * 60 * kMinute;
    const auto res =
        http::get(ha, ingest::history_target(last_event_, until, entity_ids_),
                  {"Authorization: Bearer " + config_.ingestor.ha_token.reveal()}, std::chrono::seconds(60));
    if (res.status != 200) throw std::runtime_error("history request failed with HTTP " + std::to_string(res.status));
    auto [missed, skipped] = ingest::parse_history(res.body);
    for (const auto& why : skipped) spdlog::warn("backfill: skipped a history row Home Assistant sent ({})", why);
    bad_history_rows_ += skipped.size();
    // HA starts each entity's list with its state at the window start: not a missed change.
    const Millis since = last_event_;
    std::erase_if(missed, [since](const auto& c) { return c.last_changed < since; });
    std::stable_sort(missed.begin(), missed.end(),
                     [](const auto& a, const auto& b) { return a.last_changed < b.last_changed; });
    spdlog::info("backfilled {} state changes since {}", missed.size(), format_iso8601(last_event_));
    for (auto& c : missed) {
      last_event_ = std::max(last_event_, c.last_changed);
      push(std::move(c));
    }
  }
  for (auto& c : early) {
    last_event_ = std::max(last_event_, c.last_changed);
    push(std::move(c));
  }
  had_session_ = true;
  connected_ = true;
  spdlog::info("connected to Home Assistant at {}", ha.describe());

  long long next_id = 2;
  auto last_ping = std::chrono::steady_clock::now();
  bool awaiting_pong = false;
  const auto ping_every = std::chrono::milliseconds(static_cast<long long>(config_.ingestor.ping_interval_s * 1000));
  while (!stop_) {
    if (auto text = ws.receive(std::chrono::milliseconds(250))) {
      const auto m = ingest::parse_ha_message(*text);
      if (m.kind == ingest::HaMessage::Kind::event && m.change) {
        last_event_ = std::max(last_event_, m.change->last_changed);
        push(*m.change);
      } else if (m.kind == ingest::HaMessage::Kind::pong) {
        awaiting_pong = false;
      } else if (m.kind == ingest::HaMessage::Kind::malformed) {
        ++malformed_;
        spdlog::warn("ignoring a malformed message from Home Assistant: {}", m.error);
      }
    }
    if (config_.ingestor.wall_clock) push(WallMark{wall_clock_now() - 2000});  // events may lag a little
    if (std::chrono::steady_clock::now() - last_ping >= ping_every) {
      if (awaiting_pong) throw std::runtime_error("no pong from Home Assistant");
      ws.send(ingest::ping_message(next_id++));
      awaiting_pong = true;
      last_ping = std::chrono::steady_clock::now();
    }
  }
}

void HaLink::run() {
  const auto& i = config_.ingestor;
  const http::Endpoint ha{i.ha_host, i.ha_port, i.ha_tls, i.ha_ca_file};
  ingest::Backoff backoff(std::chrono::seconds(1),
                          std::chrono::milliseconds(static_cast<long long>(config_.ingestor.backoff_max_s * 1000)));
  std::mt19937 rng(std::random_device{}());
  while (!stop_) {
    try {
      session(ha);
    } catch (const AuthRefused& e) {
      spdlog::error("Home Assistant refused the access token ({}): check OCCUPANCY_HA_TOKEN", e.what());
    } catch (const std::exception& e) {
      spdlog::warn("Home Assistant connection: {}", e.what());
    }
    const bool was_connected = connected_.exchange(false);
    if (was_connected) backoff.reset();
    if (stop_) break;
    const auto wait = backoff.next(std::uniform_real_distribution<double>(0, 1)(rng));
    spdlog::info("reconnecting to Home Assistant in {} ms", wait.count());
    sleep_for(wait);
  }
}

}  // namespace occupancy::ingestor
