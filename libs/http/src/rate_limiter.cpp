#include "occupancy/http/rate_limiter.hpp"

#include <algorithm>
#include <iterator>

namespace occupancy::http {
namespace {
constexpr std::size_t kMaxClients = 4096;  // beyond this, clients whose bucket refilled are dropped
}

bool RateLimiter::allow(const std::string& client, Clock::time_point now) {
  const auto refill = [&](Bucket& b) {
    b.tokens = std::min(burst_, b.tokens + rate_ * std::chrono::duration<double>(now - b.last).count());
    b.last = now;
  };
  if (buckets_.size() >= kMaxClients)
    for (auto it = buckets_.begin(); it != buckets_.end();) {
      refill(it->second);
      it = it->second.tokens >= burst_ ? buckets_.erase(it) : std::next(it);
    }
  auto [it, fresh] = buckets_.try_emplace(client, Bucket{burst_, now});
  if (!fresh) refill(it->second);
  if (it->second.tokens < 1) return false;
  it->second.tokens -= 1;
  return true;
}

}  // namespace occupancy::http
