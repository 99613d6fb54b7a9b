#pragma once
// Topic names come from the contract's channel addresses ("occupancy/{home}/raw/{room}/{zone}");
// these functions fill, match and wildcard them, so no topic string is typed in code.
#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "occupancy/proto/contract.hpp"

namespace occupancy::contract {

using Params = std::map<std::string, std::string, std::less<>>;

/// The suite's services: the `{service}` of their status and dead-letter topics.
inline constexpr std::array<std::string_view, 5> kServices{"ingestor", "cleaner", "feature", "predictor", "publisher"};
/// The trainer (`occupancy train`, the retrain service): a broker role with a status of its own,
/// outside the pipeline.
inline constexpr std::string_view kTrainer = "trainer";

/// Fills every placeholder of the channel's address. Throws std::invalid_argument naming a
/// missing parameter, or a value that would break the topic (empty, '/', '+', '#').
std::string format_topic(const proto::ChannelSpec& channel, const Params& params);

/// A subscription filter: given placeholders filled, the others become '+'.
std::string subscription_filter(const proto::ChannelSpec& channel, const Params& fixed);

/// Extracts the placeholders if `topic` is an instance of the channel's address.
std::optional<Params> match_topic(const proto::ChannelSpec& channel, std::string_view topic);

}  // namespace occupancy::contract
