#pragma once
// Received messages waiting for the service thread, with their depth for /metrics.
//
// It has no bound, on purpose. Paho acknowledges a QoS 1 message as soon as it reads it and
// hands it over on its receive thread, inside its one library-wide mutex; a producer that
// waited here for room would stop the service thread's own publishes (and the
// acknowledgements those wait for arrive on that same receive thread). Measured: a bound of
// 1,000 lifted only while the service thread was inside Paho let 513,679 messages past it in
// a full-speed soak, the predictor at 490 MB (docs/benchmarks.md). Bursts are paced at their
// source instead (`occupancy replay --speed max` follows the pipeline's progress).
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <string>

namespace occupancy::runtime {

struct ReceivedMessage {
  std::string topic;
  std::string payload;
  bool retained = false;   // sent by the broker on subscribing, not live
  bool journaled = false;  // in the InboundJournal: its handling is reported there
};

class InboundQueue {
 public:
  void push(ReceivedMessage message);
  /// The oldest message, or nullopt after `timeout`.
  std::optional<ReceivedMessage> pop(std::chrono::milliseconds timeout);

  size_t size() const;
  size_t high_water() const;  // the most messages queued at once

 private:
  mutable std::mutex mutex_;
  std::condition_variable not_empty_;
  std::deque<ReceivedMessage> queue_;
  size_t high_water_ = 0;
};

}  // namespace occupancy::runtime
