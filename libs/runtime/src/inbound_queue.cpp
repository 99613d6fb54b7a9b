#include "occupancy/runtime/inbound_queue.hpp"

#include <algorithm>

namespace occupancy::runtime {

void InboundQueue::push(ReceivedMessage message) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(message));
    high_water_ = std::max(high_water_, queue_.size());
  }
  not_empty_.notify_one();
}

std::optional<ReceivedMessage> InboundQueue::pop(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  if (!not_empty_.wait_for(lock, timeout, [this] { return !queue_.empty(); })) return std::nullopt;
  auto message = std::move(queue_.front());
  queue_.pop_front();
  return message;
}

size_t InboundQueue::size() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

size_t InboundQueue::high_water() const {
  std::lock_guard lock(mutex_);
  return high_water_;
}

}  // namespace occupancy::runtime
