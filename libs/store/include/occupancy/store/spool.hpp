#pragma once
// A local append-only file of records: where an archive puts what PostgreSQL cannot take yet
// (down longer than the memory bound holds, or at shutdown), to be replayed when it returns.
// One record per line, "<crc32 hex> <record>\n"; a record holds no newline. A torn or corrupt
// tail (a crash mid-append) is cut off when the file is opened again, and counted.
// Not thread-safe: its owner serialises calls.
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace occupancy::store {

/// Writing the spool failed (disk full, read-only, permissions): names the file and the cause.
class SpoolError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Spool {
 public:
  /// Opens `file` (creating its directory); throws SpoolError if it cannot be read or created.
  explicit Spool(std::filesystem::path file);

  /// Appends one record and flushes it to the kernel; throws SpoolError and leaves the file as
  /// it was (a partial write is cut back) when it cannot.
  void append(std::string_view record);

  /// Up to `max_bytes` of records (at least one if any) from the replay position, not consumed.
  std::vector<std::string> peek(std::size_t max_bytes);
  /// Consumes `n` records returned by the last peek(); an emptied spool is truncated to 0.
  void consume(std::size_t n);

  bool empty() const { return read_pos_ == size_; }
  /// Bytes not yet replayed.
  std::uint64_t pending_bytes() const { return size_ - read_pos_; }
  /// Bytes cut off as torn or corrupt when the file was opened.
  std::uint64_t discarded_bytes() const { return discarded_; }
  const std::filesystem::path& file() const { return file_; }

 private:
  std::filesystem::path file_;
  std::uint64_t size_ = 0, read_pos_ = 0, discarded_ = 0;
  std::vector<std::uint64_t> peeked_ends_;  // the file offset after each record of the last peek
};

}  // namespace occupancy::store
