#pragma once
// The inbound queue, persisted. Paho acknowledges a QoS 1 message as soon as it reads it, before
// the service has handled it (inbound_queue.hpp), so a process killed with messages queued
// would lose them silently. Each received message is appended here (on Paho's thread, before it
// enters the queue) and counted as handled once its handler ran and the broker acknowledged what
// the handler published (MqttClient waits for that: outputs still in Paho's memory die with the
// process too); a restarted service first handles what the last run did not finish. The file is `<state
// dir>/<home>-<service>.inbox` with a `.done` counter beside it, and is emptied whenever everything in it is handled
// and it has grown past a threshold.
//
// Records survive the process (SIGKILL, a crash): they are in the kernel's page cache once
// write() returns. They do not survive a power cut (no fsync per message: that would cost more
// than the message). What a service keeps in memory after handling a message (the cleaner's
// hold window) is its own state, not covered here.
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <vector>

#include "occupancy/runtime/inbound_queue.hpp"

namespace occupancy::runtime {

class InboundJournal {
 public:
  /// Opens or creates the journal; throws std::runtime_error naming the file.
  explicit InboundJournal(std::filesystem::path path, std::uint64_t compact_bytes = 1 << 20);
  ~InboundJournal();
  InboundJournal(const InboundJournal&) = delete;
  InboundJournal& operator=(const InboundJournal&) = delete;

  /// What a previous run received and did not handle, oldest first (read once, at open).
  /// Handling each of them must be reported with handled(), in order, like any other message.
  std::vector<ReceivedMessage> take_unfinished();
  /// Paho's thread: a message received, before it enters the queue. Throws on a write error.
  void append(const ReceivedMessage& m);
  /// Service thread: the oldest message not yet reported was handled.
  void handled();
  std::uint64_t pending() const;

  const std::filesystem::path& path() const { return path_; }

 private:
  void write_done();
  std::filesystem::path path_;
  std::uint64_t compact_bytes_;
  int fd_ = -1, done_fd_ = -1;
  mutable std::mutex mutex_;
  std::uint64_t appended_ = 0, handled_ = 0, bytes_ = 0;
  std::vector<ReceivedMessage> unfinished_;
};

}  // namespace occupancy::runtime
