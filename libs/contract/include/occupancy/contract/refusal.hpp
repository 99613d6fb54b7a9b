#pragma once
// A payload that passed its schema but still cannot be accepted (an unknown room, a horizon
// key that is not a number of minutes, ...). The router turns it into a dead letter.
#include <stdexcept>
#include <string>

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

}  // namespace occupancy::contract
