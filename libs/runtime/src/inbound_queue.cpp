#include "occupancy/runtime/inbound_queue.hpp"

#include <algorithm>
#include <stdexcept>

namespace occupancy::runtime {

InboundQueue::InboundQueue(size_t capacity) : capacity_(capacity) {
  if (capacity == 0) throw std::invalid_argument("inbound queue capacity must be at least 1");
}

void InboundQueue::push(ReceivedMessage message) {
  std::unique_lock lock(mutex_);
  not_full_.wait(lock, [this] { return admits(); });
  if (queue_.size() >= capacity_) ++over_capacity_;
  queue_.push_back(std::move(message));
  high_water_ = std::max(high_water_, queue_.size());
  lock.unlock();
  not_empty_.notify_one();
}

std::optional<ReceivedMessage> InboundQueue::pop(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  if (!not_empty_.wait_for(lock, timeout, [this] { return !queue_.empty(); })) return std::nullopt;
  auto message = std::move(queue_.front());
  queue_.pop_front();
  lock.unlock();
  not_full_.notify_one();
  return message;
}

void InboundQueue::consumer_enters_library() {
  {
    std::lock_guard lock(mutex_);
    ++consumer_in_library_;
  }
  not_full_.notify_all();
}

void InboundQueue::consumer_leaves_library() {
  std::lock_guard lock(mutex_);
  --consumer_in_library_;
}

void InboundQueue::close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  not_full_.notify_all();
}

size_t InboundQueue::size() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

size_t InboundQueue::high_water() const {
  std::lock_guard lock(mutex_);
  return high_water_;
}

size_t InboundQueue::over_capacity() const {
  std::lock_guard lock(mutex_);
  return over_capacity_;
}

}  // namespace occupancy::runtime
