#pragma once
// The ingestor's socket to Home Assistant, on its own thread: it runs an ingest::HaSession
// (the protocol, sans-IO) over a WebSocket and HTTP GETs, reconnects with capped jittered
// backoff, and queues what the session learnt, in order, for the service thread.
#include <atomic>
#include <deque>
#include <mutex>
#include <thread>

#include "occupancy/config/home_config.hpp"
#include "occupancy/http/client.hpp"
#include "occupancy/ingest/ha_session.hpp"
#include "occupancy/ingest/ingestor_service.hpp"

namespace occupancy::ingestor {

class HaLink {
 public:
  explicit HaLink(const config::HomeConfig& config);
  ~HaLink();
  void start();
  std::deque<ingest::SessionItem> take();  // what arrived since the last call, in order
  ingest::LinkStats stats() const { return {connected_, malformed_, bad_history_rows_}; }

 private:
  void run();
  void session(http::WebSocketClient& ws);
  void carry_out(http::WebSocketClient& ws, ingest::SessionOutput out);
  bool sleep_for(std::chrono::milliseconds d);

  const config::HomeConfig& config_;
  http::Endpoint ha_;
  ingest::HaSession session_;  // used on the link's thread only
  std::atomic<bool> stop_{false}, connected_{false};
  std::atomic<size_t> malformed_{0}, bad_history_rows_{0};
  std::mutex mutex_;
  std::deque<ingest::SessionItem> queue_;
  std::thread thread_;
};

}  // namespace occupancy::ingestor
