#pragma once
// Received messages waiting for the service thread, with a bound. Paho acknowledges a QoS 1
// message as soon as it reads it, so an unbounded queue lets a burst (a replay, a backfill)
// pile up in the service's heap. Here the producer — Paho's receive thread — waits while the
// queue is full: it stops reading the socket and the broker keeps the backlog.
//
// One exception keeps this from deadlocking: Paho C calls the message callback holding its
// one library-wide mutex, so a waiting producer would stop the consumer's own publishes (and
// the acknowledgements they wait for come in on that same receive thread). While the consumer
// is inside the MQTT library (`ConsumerInLibrary`), the producer is let through past the
// bound; the bound is therefore soft, and `high_water()` shows by how much.
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
};

class InboundQueue {
 public:
  explicit InboundQueue(size_t capacity);

  /// Producer: waits while the queue is full, unless the consumer is inside the MQTT library
  /// or the queue is closed.
  void push(ReceivedMessage message);
  /// Consumer: the oldest message, or nullopt after `timeout`.
  std::optional<ReceivedMessage> pop(std::chrono::milliseconds timeout);

  /// The consumer enters or leaves the MQTT library (calls nest).
  void consumer_enters_library();
  void consumer_leaves_library();
  /// From now on nothing waits (shutdown: the consumer no longer drains).
  void close();

  size_t size() const;
  size_t capacity() const { return capacity_; }
  size_t high_water() const;     // the most messages queued at once
  size_t over_capacity() const;  // messages admitted past the bound (consumer in the library, closed)

 private:
  bool admits() const { return queue_.size() < capacity_ || consumer_in_library_ > 0 || closed_; }

  const size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable not_empty_, not_full_;
  std::deque<ReceivedMessage> queue_;
  int consumer_in_library_ = 0;
  bool closed_ = false;
  size_t high_water_ = 0;
  size_t over_capacity_ = 0;
};

/// Marks the consumer as inside the MQTT library for its lifetime.
class ConsumerInLibrary {
 public:
  explicit ConsumerInLibrary(InboundQueue& queue) : queue_(queue) { queue_.consumer_enters_library(); }
  ~ConsumerInLibrary() { queue_.consumer_leaves_library(); }
  ConsumerInLibrary(const ConsumerInLibrary&) = delete;
  ConsumerInLibrary& operator=(const ConsumerInLibrary&) = delete;

 private:
  InboundQueue& queue_;
};

}  // namespace occupancy::runtime
