#include "occupancy/runtime/inbound_journal.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>
#include <utility>

namespace occupancy::runtime {
namespace {

// A record: topic length and payload length (4 bytes each, host order), the retained flag
// (1 byte), the topic, the payload. A record cut short at the end (a kill mid-write) is ignored.
constexpr std::size_t kHeader = 9;

[[noreturn]] void fail(const std::filesystem::path& p, const std::string& what) {
  throw std::runtime_error("inbound journal " + p.string() + ": " + what + ": " + std::strerror(errno));
}

bool write_all(int fd, const char* data, std::size_t n) {
  while (n > 0) {
    const auto w = ::write(fd, data, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    data += w;
    n -= static_cast<std::size_t>(w);
  }
  return true;
}

std::string read_all(int fd) {
  std::string out;
  char buf[1 << 16];
  for (;;) {
    const auto r = ::read(fd, buf, sizeof buf);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    out.append(buf, static_cast<std::size_t>(r));
  }
  return out;
}

}  // namespace

InboundJournal::InboundJournal(std::filesystem::path path, std::uint64_t compact_bytes)
    : path_(std::move(path)), compact_bytes_(compact_bytes) {
  fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd_ < 0) fail(path_, "cannot open");
  const auto done_path = path_.string() + ".done";
  done_fd_ = ::open(done_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (done_fd_ < 0) {
    ::close(fd_);
    fail(done_path, "cannot open");
  }
  std::uint64_t done = 0;
  if (::pread(done_fd_, &done, sizeof done, 0) != static_cast<ssize_t>(sizeof done)) done = 0;
  const std::string text = read_all(fd_);
  std::size_t at = 0;
  std::vector<ReceivedMessage> all;
  while (text.size() - at >= kHeader) {
    std::uint32_t topic_len = 0, payload_len = 0;
    std::memcpy(&topic_len, text.data() + at, 4);
    std::memcpy(&payload_len, text.data() + at + 4, 4);
    const bool retained = text[at + 8] != 0;
    if (text.size() - at - kHeader < static_cast<std::uint64_t>(topic_len) + payload_len) break;  // cut short
    const char* p = text.data() + at + kHeader;
    all.push_back({std::string(p, topic_len), std::string(p + topic_len, payload_len), retained});
    at += kHeader + topic_len + payload_len;
  }
  if (at < text.size() && ::ftruncate(fd_, static_cast<off_t>(at)) != 0) fail(path_, "cannot cut a torn record");
  bytes_ = at;
  appended_ = all.size();
  handled_ = std::min<std::uint64_t>(done, appended_);
  for (auto i = handled_; i < all.size(); ++i) unfinished_.push_back(std::move(all[i]));
}

InboundJournal::~InboundJournal() {
  if (fd_ >= 0) ::close(fd_);
  if (done_fd_ >= 0) ::close(done_fd_);
}

std::vector<ReceivedMessage> InboundJournal::take_unfinished() { return std::exchange(unfinished_, {}); }

void InboundJournal::append(const ReceivedMessage& m) {
  std::string record(kHeader, '\0');
  const auto topic_len = static_cast<std::uint32_t>(m.topic.size());
  const auto payload_len = static_cast<std::uint32_t>(m.payload.size());
  std::memcpy(record.data(), &topic_len, 4);
  std::memcpy(record.data() + 4, &payload_len, 4);
  record[8] = m.retained ? 1 : 0;
  record += m.topic;
  record += m.payload;
  std::lock_guard lock(mutex_);
  if (!write_all(fd_, record.data(), record.size())) fail(path_, "cannot append");
  bytes_ += record.size();
  ++appended_;
}

void InboundJournal::write_done() {
  if (::pwrite(done_fd_, &handled_, sizeof handled_, 0) != static_cast<ssize_t>(sizeof handled_))
    fail(path_.string() + ".done", "cannot write");
}

void InboundJournal::handled() {
  std::lock_guard lock(mutex_);
  if (handled_ < appended_) ++handled_;
  // Everything handled and the file large: start it again (the file first: a kill between the
  // two steps leaves a counter past an empty file, which replays nothing).
  if (handled_ == appended_ && bytes_ >= compact_bytes_) {
    if (::ftruncate(fd_, 0) != 0) fail(path_, "cannot empty");
    handled_ = appended_ = bytes_ = 0;
    write_done();
    return;
  }
  write_done();
}

std::uint64_t InboundJournal::pending() const {
  std::lock_guard lock(mutex_);
  return appended_ - handled_;
}

}  // namespace occupancy::runtime
