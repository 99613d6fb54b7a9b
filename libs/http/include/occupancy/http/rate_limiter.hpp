#pragma once
// A token bucket per client address: `per_second` requests on average, bursts up to `burst`.
// Pure (time is passed in), so it is tested without sockets. The server keeps one per listener.
#include <chrono>
#include <string>
#include <unordered_map>

namespace occupancy::http {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  RateLimiter(double per_second, double burst) : rate_(per_second), burst_(burst) {}

  /// Takes one token for `client`; false when its bucket is empty (answer 429).
  bool allow(const std::string& client, Clock::time_point now);
  std::size_t clients() const { return buckets_.size(); }

 private:
  struct Bucket {
    double tokens;
    Clock::time_point last;
  };
  double rate_, burst_;
  std::unordered_map<std::string, Bucket> buckets_;  // bounded: full buckets are forgotten when it grows
};

}  // namespace occupancy::http
