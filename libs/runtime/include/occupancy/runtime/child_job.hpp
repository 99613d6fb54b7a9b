#pragma once
// A helper program run in the background (the trainer's `occupancy train`): started from the
// service thread, polled from a timer there, so the service keeps answering while it runs.
#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "occupancy/runtime/child_process.hpp"

namespace occupancy::runtime {

class ChildJob {
 public:
  /// Starts `exe args` (run_tool: its output goes to ours). One at a time: the caller decides.
  void start(const std::string& exe, std::vector<std::string> args) {
    exit_->store(-1);
    // Detached: a stop while it runs ends the service, and the service manager the child with it.
    std::thread([exit = exit_, exe, args = std::move(args)] { exit->store(run_tool(exe, args)); }).detach();
  }
  /// Its exit code once it ended (once), else nullopt.
  std::optional<int> take_exit() {
    const int code = exit_->exchange(-1);
    return code < 0 ? std::nullopt : std::optional(code);
  }

 private:
  std::shared_ptr<std::atomic<int>> exit_ = std::make_shared<std::atomic<int>>(-1);
};

}  // namespace occupancy::runtime
