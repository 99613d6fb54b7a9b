#include "occupancy/contract/topics.hpp"

#include <stdexcept>
#include <vector>

namespace occupancy::contract {
namespace {

std::vector<std::string_view> split(std::string_view s) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    const auto slash = s.find('/', start);
    out.push_back(s.substr(start, slash - start));
    if (slash == std::string_view::npos) return out;
    start = slash + 1;
  }
}

bool is_placeholder(std::string_view level) { return level.size() > 2 && level.front() == '{' && level.back() == '}'; }

std::string_view name_of(std::string_view level) { return level.substr(1, level.size() - 2); }

template <class Fill>
std::string build(const proto::ChannelSpec& channel, Fill fill) {
  std::string out;
  for (const auto level : split(channel.address)) {
    if (!out.empty()) out += '/';
    out += is_placeholder(level) ? fill(name_of(level)) : std::string(level);
  }
  return out;
}

}  // namespace

std::string format_topic(const proto::ChannelSpec& channel, const Params& params) {
  return build(channel, [&](std::string_view name) {
    const auto it = params.find(name);
    if (it == params.end())
      throw std::invalid_argument("topic " + std::string(channel.address) + ": parameter '" + std::string(name) +
                                  "' missing");
    if (it->second.empty() || it->second.find_first_of("/+#") != std::string::npos)
      throw std::invalid_argument("topic " + std::string(channel.address) + ": parameter '" + std::string(name) +
                                  "' has an invalid value '" + it->second + "'");
    return it->second;
  });
}

std::string subscription_filter(const proto::ChannelSpec& channel, const Params& fixed) {
  return build(channel, [&](std::string_view name) {
    const auto it = fixed.find(name);
    return it == fixed.end() ? std::string("+") : it->second;
  });
}

std::optional<Params> match_topic(const proto::ChannelSpec& channel, std::string_view topic) {
  const auto pattern = split(channel.address);
  const auto levels = split(topic);
  if (pattern.size() != levels.size()) return std::nullopt;
  Params params;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (is_placeholder(pattern[i])) {
      if (levels[i].empty()) return std::nullopt;
      params.emplace(std::string(name_of(pattern[i])), std::string(levels[i]));
    } else if (pattern[i] != levels[i]) {
      return std::nullopt;
    }
  }
  return params;
}

}  // namespace occupancy::contract
