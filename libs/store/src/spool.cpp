#include "occupancy/store/spool.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <boost/crc.hpp>
#include <cerrno>
#include <cstring>

namespace occupancy::store {
namespace {

constexpr std::size_t kCrcChars = 8;

std::uint32_t crc_of(std::string_view s) {
  boost::crc_32_type crc;
  crc.process_bytes(s.data(), s.size());
  return crc.checksum();
}

std::string hex8(std::uint32_t v) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(kCrcChars, '0');
  for (std::size_t i = kCrcChars; i-- > 0; v >>= 4) out[i] = kDigits[v & 0xF];
  return out;
}

// The record of one line ("<crc> <record>"), or false if the line is not one intact record.
bool record_of(std::string_view line, std::string_view& record) {
  if (line.size() < kCrcChars + 1 || line[kCrcChars] != ' ') return false;
  record = line.substr(kCrcChars + 1);
  return line.substr(0, kCrcChars) == hex8(crc_of(record));
}

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

std::string why(const std::filesystem::path& file, const char* doing) {
  return "spool " + file.string() + ": cannot " + doing + ": " + std::strerror(errno);
}

// Reads [from, to) of the file.
std::string read_range(int fd, const std::filesystem::path& file, std::uint64_t from, std::uint64_t to) {
  std::string out(static_cast<std::size_t>(to - from), '\0');
  std::size_t done = 0;
  while (done < out.size()) {
    const auto n = ::pread(fd, out.data() + done, out.size() - done, static_cast<off_t>(from + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw SpoolError(why(file, "read"));
    done += static_cast<std::size_t>(n);
  }
  return out;
}

int open_file(const std::filesystem::path& file) {
  const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) throw SpoolError(why(file, "open"));
  return fd;
}

}  // namespace

Spool::Spool(std::filesystem::path file) : file_(std::move(file)) {
  std::error_code ec;
  if (file_.has_parent_path()) std::filesystem::create_directories(file_.parent_path(), ec);
  if (ec) throw SpoolError("spool " + file_.string() + ": cannot create its directory: " + ec.message());
  Fd f{open_file(file_)};
  const off_t end = ::lseek(f.fd, 0, SEEK_END);
  if (end < 0) throw SpoolError(why(file_, "seek"));
  // Keep the intact records; cut a torn or corrupt tail (an append a crash interrupted).
  const std::string all = read_range(f.fd, file_, 0, static_cast<std::uint64_t>(end));
  std::size_t good = 0;
  for (std::size_t nl; (nl = all.find('\n', good)) != std::string::npos; good = nl + 1) {
    std::string_view record;
    if (!record_of(std::string_view(all).substr(good, nl - good), record)) break;
  }
  if (good < all.size()) {
    discarded_ = all.size() - good;
    if (::ftruncate(f.fd, static_cast<off_t>(good)) != 0) throw SpoolError(why(file_, "truncate"));
  }
  size_ = good;
}

void Spool::append(std::string_view record) {
  if (record.find('\n') != std::string_view::npos)
    throw std::invalid_argument("spool record holds a newline");  // a caller's bug, not the disk's
  std::string line = hex8(crc_of(record));
  line += ' ';
  line += record;
  line += '\n';
  Fd f{open_file(file_)};
  std::size_t done = 0;
  while (done < line.size()) {
    const auto n = ::write(f.fd, line.data() + done, line.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string message = why(file_, "append");
      if (::ftruncate(f.fd, static_cast<off_t>(size_)) != 0) {
      }  // best effort: a torn tail is also cut at the next open
      throw SpoolError(message);
    }
    done += static_cast<std::size_t>(n);
  }
  size_ += line.size();
}

std::vector<std::string> Spool::peek(std::size_t max_bytes) {
  peeked_ends_.clear();
  std::vector<std::string> out;
  if (empty()) return out;
  Fd f{open_file(file_)};
  std::uint64_t pos = read_pos_;
  std::size_t taken = 0;
  // Read in chunks until a budget's worth of whole records (or the end) is in hand.
  std::string buf;
  std::uint64_t buf_start = pos;
  constexpr std::uint64_t kChunk = 1 << 20;
  while (pos < size_ && (out.empty() || taken < max_bytes)) {
    const std::size_t at = static_cast<std::size_t>(pos - buf_start);
    const std::size_t nl = buf.find('\n', at);
    if (nl == std::string::npos) {
      const std::uint64_t from = buf_start + buf.size();
      if (from >= size_) throw SpoolError("spool " + file_.string() + ": ends inside a record");
      buf += read_range(f.fd, file_, from, std::min(size_, from + kChunk));
      continue;
    }
    std::string_view record;
    if (!record_of(std::string_view(buf).substr(at, nl - at), record))
      throw SpoolError("spool " + file_.string() + ": corrupt record at byte " + std::to_string(pos));
    out.emplace_back(record);
    taken += record.size();
    pos = buf_start + nl + 1;
    peeked_ends_.push_back(pos);
  }
  return out;
}

void Spool::consume(std::size_t n) {
  if (n == 0) return;
  if (n > peeked_ends_.size()) throw std::logic_error("spool: consuming more records than peeked");
  read_pos_ = peeked_ends_[n - 1];
  peeked_ends_.clear();
  if (read_pos_ < size_) return;
  Fd f{open_file(file_)};
  if (::ftruncate(f.fd, 0) != 0) throw SpoolError(why(file_, "truncate"));
  size_ = read_pos_ = 0;
}

}  // namespace occupancy::store
