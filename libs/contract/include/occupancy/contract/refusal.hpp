#pragma once
// A payload that passed its schema but still cannot be accepted (an unknown room, a horizon
// key that is not a number of minutes, ...). The router turns it into a dead letter.
#include <stdexcept>
#include <string>
#include <string_view>

namespace occupancy::contract {

class Refusal : public std::runtime_error {
 public:
  Refusal(std::string keyword, std::string pointer, const std::string& message)
      : std::runtime_error(message), keyword_(std::move(keyword)), pointer_(std::move(pointer)) {}
  const std::string& keyword() const { return keyword_; }
  const std::string& pointer() const { return pointer_; }

 private:
  std::string keyword_, pointer_;
};

/// Refuses (unknown_room) a payload whose room is not the room its topic names: a message must
/// not act for another room than the one it was published for.
inline void require_topic_room(std::string_view topic_room, std::string_view payload_room) {
  if (topic_room != payload_room)
    throw Refusal(
        "unknown_room", "/room",
        "the topic names room '" + std::string(topic_room) + "' but the payload '" + std::string(payload_room) + "'");
}

}  // namespace occupancy::contract
