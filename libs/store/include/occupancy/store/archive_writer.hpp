#pragma once
// Writes batches to PostgreSQL on its own thread, so a service's MQTT flow never waits on the
// database. While the database is down, batches wait in memory and the writer reconnects with
// capped backoff; beyond `max_buffered` items the oldest are dropped (and counted). A write
// happens once `batch_size` items wait, or every second.
// Batch needs size(), append(Batch&&), drop_oldest(n) and a default state that is empty.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "occupancy/config/secret.hpp"
#include "occupancy/store/database.hpp"

namespace occupancy::store {

template <class Batch>
class ArchiveWriter {
 public:
  using Write = std::function<void(Database&, const Batch&)>;
  struct Stats {
    std::size_t buffered = 0, written = 0, dropped = 0, failures = 0;
    bool connected = false;
  };

  ArchiveWriter(config::Secret url, Write write, std::size_t batch_size, std::size_t max_buffered)
      : url_(std::move(url)),
        write_(std::move(write)),
        batch_size_(batch_size),
        max_buffered_(max_buffered),
        thread_([this] { run(); }) {}

  ~ArchiveWriter() {
    if (stats().connected) flush(std::chrono::seconds(5));  // never hang a shutdown on a dead database
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }

  /// Queues items; never blocks on the database.
  void add(Batch items) {
    if (items.size() == 0) return;
    {
      std::lock_guard lock(mutex_);
      pending_.append(std::move(items));
      if (pending_.size() > max_buffered_) stats_.dropped += pending_.drop_oldest(pending_.size() - max_buffered_);
      stats_.buffered = pending_.size();
      if (pending_.size() < batch_size_) return;
    }
    wake_.notify_all();
  }

  /// Waits until everything queued is written, or the timeout passes. True if empty.
  bool flush(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    flushing_ = true;
    wake_.notify_all();
    const bool done = idle_.wait_for(lock, timeout, [&] { return pending_.size() == 0 && !writing_; });
    flushing_ = false;
    return done;
  }

  Stats stats() const {
    std::lock_guard lock(mutex_);
    return stats_;
  }

 private:
  void run() {
    std::optional<Database> db;
    auto backoff = std::chrono::milliseconds(500);
    std::unique_lock lock(mutex_);
    while (true) {
      // Never a predicate that stays true while there is nothing to write: wait_for would return
      // without releasing the lock, and flush() could never take it (seen as a shutdown hang).
      wake_.wait_for(lock, std::chrono::seconds(1),
                     [&] { return stopping_ || pending_.size() >= batch_size_ || (flushing_ && pending_.size() > 0); });
      if (pending_.size() == 0) {
        idle_.notify_all();
        if (stopping_) return;
        continue;
      }
      if (stopping_ && !db) return;  // shutting down with the database away: give up
      Batch batch = std::exchange(pending_, Batch{});
      writing_ = true;
      lock.unlock();
      bool ok = false;
      try {
        if (!db) db.emplace(url_);
        write_(*db, batch);
        ok = true;
      } catch (const DatabaseError& e) {
        spdlog::warn("archive: {} (keeping {} items, retrying)", e.what(), batch.size());
        db.reset();  // reconnect next time: the connection may be gone
      }
      lock.lock();
      writing_ = false;
      stats_.connected = ok;
      if (ok) {
        stats_.written += batch.size();
        backoff = std::chrono::milliseconds(500);
      } else {
        ++stats_.failures;
        batch.append(std::exchange(pending_, Batch{}));  // keep the order: the failed batch first
        pending_ = std::move(batch);
        if (pending_.size() > max_buffered_) stats_.dropped += pending_.drop_oldest(pending_.size() - max_buffered_);
        wake_.wait_for(lock, backoff, [&] { return stopping_; });
        backoff = std::min(backoff * 2, std::chrono::milliseconds(30'000));
      }
      stats_.buffered = pending_.size();
      if (pending_.size() == 0) idle_.notify_all();
    }
  }

  config::Secret url_;
  Write write_;
  std::size_t batch_size_, max_buffered_;
  mutable std::mutex mutex_;
  std::condition_variable wake_, idle_;
  Batch pending_;
  Stats stats_;
  bool stopping_ = false, writing_ = false, flushing_ = false;
  std::thread thread_;
};

}  // namespace occupancy::store
