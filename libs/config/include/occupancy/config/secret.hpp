#pragma once
// A secret (password, token, URI with credentials) that cannot be printed by accident.
#include <ostream>
#include <string>
#include <string_view>

namespace occupancy::config {

class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) {}
  const std::string& reveal() const { return value_; }  // only at the point of use
  bool empty() const { return value_.empty(); }
  /// Compares in time that depends only on the candidate's length, not on where it first
  /// differs (an API token must not be guessable byte by byte from response times).
  bool matches(std::string_view candidate) const;

 private:
  std::string value_;
};

std::ostream& operator<<(std::ostream& os, const Secret& s);  // prints "***"

/// Removes the password from a URI ("scheme://user:pw@host" -> "scheme://user:***@host"),
/// and password=... from libpq keyword strings, for logs.
std::string redact_uri(const std::string& uri);

}  // namespace occupancy::config
