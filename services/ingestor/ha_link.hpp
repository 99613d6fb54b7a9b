#pragma once
// The ingestor's connection to Home Assistant, on its own thread: WebSocket auth and
// subscribe_events, ping/pong, reconnect with capped jittered backoff, and after a reconnect a
// backfill of the missed interval from /api/history/period. It queues what it learns, in
// order, for the service thread; the IngestCore there dedupes and publishes.
#include <atomic>
#include <deque>
#include <mutex>
#include <thread>
#include <variant>

#include "occupancy/config/home_config.hpp"
#include "occupancy/http/client.hpp"
#include "occupancy/ingest/ha_protocol.hpp"

namespace occupancy::ingestor {

struct WallMark {
  Millis now;  // live event time has reached this
};
struct CurrentStates {
  std::vector<ingest::StateChange> states;  // every entity's state on the first connection
};
using LinkItem = std::variant<ingest::StateChange, CurrentStates, WallMark>;

class HaLink {
 public:
  explicit HaLink(const config::HomeConfig& config);
  ~HaLink();
  void start();
  std::deque<LinkItem> take();  // what arrived since the last call, in order
  bool connected() const { return connected_; }
  size_t malformed() const { return malformed_; }                // HA messages that were not JSON we understand
  size_t bad_history_rows() const { return bad_history_rows_; }  // backfill rows skipped as unreadable

 private:
  void run();
  void session(const http::Endpoint& ha);
  void push(LinkItem item);
  bool sleep_for(std::chrono::milliseconds d);

  const config::HomeConfig& config_;
  std::vector<std::string> entity_ids_;
  std::atomic<bool> stop_{false}, connected_{false};
  std::atomic<size_t> malformed_{0}, bad_history_rows_{0};
  Millis last_event_ = 0;  // last_changed of the newest change seen (for backfill)
  bool had_session_ = false;
  std::mutex mutex_;
  std::deque<LinkItem> queue_;
  std::thread thread_;
};

}  // namespace occupancy::ingestor
