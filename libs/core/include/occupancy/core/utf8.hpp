#pragma once
// UTF-8 validation for text from outside (MQTT payloads, YAML, CSV): RapidJSON 1.1 reads past
// the end of a string while escaping an invalid sequence in a JSON pointer, so invalid UTF-8
// is refused before any parser sees it.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace occupancy {

/// The offset of the first byte that does not start a well-formed UTF-8 sequence (overlong
/// forms, surrogates and code points past U+10FFFF included), or nullopt if the text is valid.
std::optional<std::size_t> invalid_utf8_at(std::string_view text);

/// The text with every byte that is not part of a well-formed sequence replaced by U+FFFD, for
/// showing refused input (a dead letter quotes what it refused).
std::string to_valid_utf8(std::string_view text);

}  // namespace occupancy
