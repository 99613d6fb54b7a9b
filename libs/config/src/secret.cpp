#include "occupancy/config/secret.hpp"

#include <regex>

namespace occupancy::config {

bool Secret::matches(std::string_view candidate) const {
  unsigned char diff = value_.size() == candidate.size() ? 0 : 1;
  for (std::size_t i = 0; i < candidate.size(); ++i)
    diff |= static_cast<unsigned char>(candidate[i] ^ (i < value_.size() ? value_[i] : 0));
  return diff == 0;
}

std::ostream& operator<<(std::ostream& os, const Secret& s) { return os << (s.empty() ? "" : "***"); }

std::string redact_uri(const std::string& uri) {
  static const std::regex userinfo(R"(^([a-z][a-z0-9+.-]*://[^:/@]*):[^@/]*@)", std::regex::icase);
  static const std::regex keyword(R"((password\s*=\s*)('[^']*'|\S+))", std::regex::icase);
  return std::regex_replace(std::regex_replace(uri, userinfo, "$1:***@"), keyword, "$1***");
}

}  // namespace occupancy::config
