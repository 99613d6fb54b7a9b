#pragma once
// Writes batches to an archive (PostgreSQL: store/postgres_target.hpp) on its own thread, so a
// service's MQTT flow never waits on the database. While the archive is away, items wait in
// memory up to `memory_bytes`; beyond that they go to a local append-only spool file, replayed
// (before anything newer) once the archive takes writes again. Nothing is dropped unless the
// spool is missing, full (`spool_bytes`) or cannot be written (disk full): then it is counted
// and named in stats().spool_error. At shutdown, what the archive did not take goes to the spool.
//
// Writes must be idempotent and independent of order (a replay may repeat or reorder them):
// every archive in store/ keys its rows and merges, it never blindly appends.
//
// Batch needs size() (items), bytes() (memory, roughly), append(Batch&&), to_record() and
// static from_record() (a spool record: one line), and an empty default state.
#include <spdlog/spdlog.h>

#include <chrono>
#include <condition_variable>
#include <exception>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include "occupancy/store/spool.hpp"

namespace occupancy::store {

/// Where an ArchiveWriter writes: one connection. write() throws when it fails (the writer then
/// drops this target and connects a new one); interrupt() may be called from another thread
/// while write() runs, and must make it fail soon (a hung server at shutdown).
template <class Batch>
class ArchiveTarget {
 public:
  virtual ~ArchiveTarget() = default;
  virtual void write(const Batch& batch) = 0;
  virtual void interrupt() noexcept {}
};

struct ArchiveLimits {
  std::size_t batch_items = 500;                     // a write starts once this many wait (else every second)
  std::size_t memory_bytes = 16u << 20;              // beyond, what waits goes to the spool
  std::filesystem::path spool_file;                  // empty: no spool, beyond memory_bytes items are dropped
  std::uint64_t spool_bytes = 1ull << 30;            // a spool this large takes no more
  std::size_t replay_bytes = 1u << 20;               // spool records per replayed write
  std::chrono::milliseconds shutdown_flush{5000};    // at shutdown, how long the archive may take to drain
  std::chrono::milliseconds write_stalled{150'000};  // a write this old is interrupted (a hung server)
};

template <class Batch>
class ArchiveWriter {
 public:
  using Connect = std::function<std::unique_ptr<ArchiveTarget<Batch>>()>;
  struct Stats {
    std::size_t buffered = 0, buffered_bytes = 0;  // waiting in memory
    std::uint64_t spool_bytes = 0;                 // waiting in the spool
    std::size_t written = 0, spooled = 0, replayed = 0, dropped = 0, failures = 0;
    bool connected = false;
    std::string spool_error;  // the spool's last failure while it lasts (e.g. disk full); empty when fine
  };

  ArchiveWriter(Connect connect, ArchiveLimits limits) : connect_(std::move(connect)), limits_(std::move(limits)) {
    if (!limits_.spool_file.empty()) {
      try {
        spool_.emplace(limits_.spool_file);
        if (spool_->discarded_bytes() > 0)
          spdlog::warn("archive spool {}: cut {} bytes of a torn last record (an interrupted write)",
                       limits_.spool_file.string(), spool_->discarded_bytes());
        if (!spool_->empty())
          spdlog::info("archive spool {}: {} bytes to replay", limits_.spool_file.string(), spool_->pending_bytes());
        stats_.spool_bytes = spool_->pending_bytes();
      } catch (const std::exception& e) {
        stats_.spool_error = e.what();
        spdlog::error("archive: no spool, items beyond the memory bound will be dropped: {}", e.what());
      }
    }
    thread_ = std::thread([this] { run(); });
  }

  ArchiveWriter(const ArchiveWriter&) = delete;
  ArchiveWriter& operator=(const ArchiveWriter&) = delete;

  /// Drains for up to `shutdown_flush` if the archive is reachable, then stops; what is left in
  /// memory goes to the spool. A write hung on the server is interrupted.
  ~ArchiveWriter() {
    if (stats().connected) flush(limits_.shutdown_flush);
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
      if (inflight_) inflight_->interrupt();
    }
    wake_.notify_all();
    thread_.join();
  }

  /// Queues items; never waits on the archive (past the memory bound it appends to the spool).
  void add(Batch items) {
    if (items.size() == 0) return;
    {
      std::lock_guard lock(mutex_);
      pending_bytes_ += items.bytes();
      pending_.append(std::move(items));
      if (pending_bytes_ > limits_.memory_bytes) spill_locked();
      interrupt_if_stalled_locked();
      update_stats_locked();
      if (pending_.size() < limits_.batch_items) return;
    }
    wake_.notify_all();
  }

  /// Waits until memory and spool are written, or the timeout passes. True if both are empty.
  bool flush(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    ++flushing_;
    wake_.notify_all();
    const bool done = idle_.wait_for(lock, timeout, [&] { return drained_locked(); });
    --flushing_;
    return done;
  }

  Stats stats() const {
    std::lock_guard lock(mutex_);
    return stats_;
  }

  /// Interrupts a write the server has left unanswered for `write_stalled`. add() checks too,
  /// but a write can hang after the last item came: the service calls this every second.
  void check_stalled() {
    std::lock_guard lock(mutex_);
    interrupt_if_stalled_locked();
  }

 private:
  void interrupt_if_stalled_locked() {
    if (!inflight_ || std::chrono::steady_clock::now() - inflight_since_ <= limits_.write_stalled) return;
    if (interrupted_ == inflight_since_) return;  // once per write
    spdlog::warn("archive: a write has hung for {} s, interrupting it",
                 std::chrono::duration_cast<std::chrono::seconds>(limits_.write_stalled).count());
    interrupted_ = inflight_since_;
    inflight_->interrupt();
  }

  bool spool_waiting_locked() const { return spool_ && !spool_->empty(); }
  bool drained_locked() const { return pending_.size() == 0 && !spool_waiting_locked() && !writing_; }

  void update_stats_locked() {
    stats_.buffered = pending_.size();
    stats_.buffered_bytes = pending_bytes_;
    stats_.spool_bytes = spool_ ? spool_->pending_bytes() : 0;
  }

  // Moves everything waiting in memory to the spool (or drops it, counted, when it cannot).
  void spill_locked() {
    if (pending_.size() == 0) return;
    const std::size_t n = pending_.size();
    std::string failure;
    if (!spool_) {
      failure = stats_.spool_error.empty() ? "no spool configured (archive.spool_dir)" : stats_.spool_error;
    } else if (spool_->pending_bytes() >= limits_.spool_bytes) {
      failure = "spool " + limits_.spool_file.string() + " is full (" + std::to_string(limits_.spool_bytes) +
                " bytes, archive.spool_max_mb)";
    } else {
      try {
        spool_->append(pending_.to_record());
        stats_.spooled += n;
        stats_.spool_error.clear();
      } catch (const SpoolError& e) {
        failure = e.what();
      }
    }
    if (!failure.empty()) {
      if (stats_.spool_error != failure) spdlog::error("archive: dropping {} items: {}", n, failure);
      stats_.dropped += n;
      stats_.spool_error = failure;
    }
    pending_ = Batch{};
    pending_bytes_ = 0;
  }

  void run() {
    std::unique_ptr<ArchiveTarget<Batch>> target;
    auto backoff = std::chrono::milliseconds(500);
    std::unique_lock lock(mutex_);
    while (true) {
      // Never a predicate that stays true while there is nothing to write: wait_for would return
      // without releasing the lock, and flush() could never take it (seen as a shutdown hang).
      wake_.wait_for(lock, std::chrono::seconds(1), [&] {
        return stopping_ || pending_.size() >= limits_.batch_items || spool_waiting_locked() ||
               (flushing_ > 0 && pending_.size() > 0);
      });
      if (stopping_) {
        spill_locked();  // what the archive did not take survives the restart
        update_stats_locked();
        idle_.notify_all();
        return;
      }
      // The spool first: it holds what is older.
      Batch batch;
      std::size_t records = 0;
      if (spool_waiting_locked()) {
        try {
          const auto lines = spool_->peek(limits_.replay_bytes);
          for (const auto& line : lines) batch.append(Batch::from_record(line));
          records = lines.size();
        } catch (const std::exception& e) {  // unreadable: nothing newer can be written past it
          spdlog::error("archive: spool {} cannot be replayed, set aside: {}", limits_.spool_file.string(), e.what());
          set_aside_spool_locked();
          continue;
        }
      } else if (pending_.size() > 0) {
        batch = std::exchange(pending_, Batch{});
        pending_bytes_ = 0;
      } else {
        update_stats_locked();
        idle_.notify_all();
        continue;
      }
      const std::size_t n = batch.size();
      const bool ok = write_unlocked(lock, target, batch);
      stats_.connected = ok;
      if (ok) {
        stats_.written += n;
        if (records > 0) {
          stats_.replayed += n;
          consume_spool_locked(records);
        }
        backoff = std::chrono::milliseconds(500);
      } else {
        ++stats_.failures;
        if (records == 0) {  // back in front of what came meanwhile
          pending_bytes_ += batch.bytes();
          batch.append(std::exchange(pending_, Batch{}));
          pending_ = std::move(batch);
          if (pending_bytes_ > limits_.memory_bytes) spill_locked();
        }
        update_stats_locked();
        wake_.wait_for(lock, backoff, [&] { return stopping_; });
        backoff = std::min(backoff * 2, std::chrono::milliseconds(30'000));
      }
      update_stats_locked();
      if (drained_locked()) idle_.notify_all();
    }
  }

  // One write, with the lock released; true if the archive took it.
  bool write_unlocked(std::unique_lock<std::mutex>& lock, std::unique_ptr<ArchiveTarget<Batch>>& target,
                      const Batch& batch) {
    writing_ = true;
    lock.unlock();
    std::string error;
    try {
      if (!target) target = connect_();
      {
        std::lock_guard guard(mutex_);
        if (stopping_) throw std::runtime_error("shutting down");
        inflight_ = target.get();
        inflight_since_ = std::chrono::steady_clock::now();
      }
      target->write(batch);
    } catch (const std::exception& e) {
      error = e.what();
    }
    lock.lock();
    inflight_ = nullptr;
    writing_ = false;
    if (error.empty()) return true;
    spdlog::warn("archive: {} (keeping {} items, retrying)", error, batch.size());
    target.reset();  // reconnect next time: the connection may be gone
    return false;
  }

  void consume_spool_locked(std::size_t records) {
    try {
      spool_->consume(records);
    } catch (const std::exception& e) {
      spdlog::error("archive: spool {}: {}", limits_.spool_file.string(), e.what());
      set_aside_spool_locked();
    }
  }

  // A spool that cannot be read on is renamed aside for an operator (never deleted) and a new
  // one started.
  void set_aside_spool_locked() {
    const auto aside = limits_.spool_file.string() + ".unreadable";
    std::error_code ec;
    std::filesystem::rename(limits_.spool_file, aside, ec);
    try {
      spool_.emplace(limits_.spool_file);
      stats_.spool_error = "spool set aside as " + aside + " (unreadable)";
    } catch (const std::exception& e) {
      spool_.reset();
      stats_.spool_error = e.what();
    }
    update_stats_locked();
  }

  Connect connect_;
  ArchiveLimits limits_;
  mutable std::mutex mutex_;
  std::condition_variable wake_, idle_;
  Batch pending_;
  std::size_t pending_bytes_ = 0;
  std::optional<Spool> spool_;
  Stats stats_;
  ArchiveTarget<Batch>* inflight_ = nullptr;             // the target inside write(), for interrupt()
  std::chrono::steady_clock::time_point interrupted_{};  // inflight_since_ of the write last interrupted
  std::chrono::steady_clock::time_point inflight_since_;
  bool stopping_ = false, writing_ = false;
  int flushing_ = 0;
  std::thread thread_;
};

}  // namespace occupancy::store
