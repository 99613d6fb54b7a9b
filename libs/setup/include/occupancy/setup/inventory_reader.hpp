#pragma once
// Reads a home's inventory from Home Assistant's WebSocket API, sans-IO: frames from HA go in,
// frames to send come out. auth_required -> auth -> auth_ok -> the five commands at once
// (area, device and entity registries, get_states, get_config) -> their results -> done.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "occupancy/setup/ha_inventory.hpp"

namespace occupancy::setup {

class InventoryReader {
 public:
  explicit InventoryReader(std::string token) : token_(std::move(token)) {}

  struct Output {
    std::vector<std::string> frames;  // to send, in order
    bool done = false;                // inventory() is ready
  };
  /// One frame from HA. Throws InventoryError when HA refuses the token or a command, or sends
  /// what its API does not document.
  Output on_frame(std::string_view text);
  const HaInventory& inventory() const { return inventory_; }

  /// The commands, in the order their ids are given (1..5).
  static const std::vector<std::string>& commands();

 private:
  std::string token_;
  bool authenticated_ = false;
  std::map<long long, std::string> results_;  // id -> the result's JSON
  HaInventory inventory_;
};

}  // namespace occupancy::setup
