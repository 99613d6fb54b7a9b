#pragma once
// Validates payloads against the contract's JSON Schemas (draft-04, compiled once at start).
#include <rapidjson/document.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "occupancy/proto/contract.hpp"

namespace occupancy::contract {

/// Why a payload was refused: the schema keyword that failed (or "parse"), where in the
/// payload (a JSON pointer) and a sentence for humans.
struct ValidationError {
  std::string keyword;
  std::string pointer;
  std::string message;
};

/// Limits on a payload before it is parsed: the contract's messages are a few KB and a few
/// levels deep (a feature vector ~1 KB, depth 3).
inline constexpr std::size_t kMaxPayloadBytes = 256 * 1024;
inline constexpr std::size_t kMaxNesting = 32;

/// The limits a service applies (`mqtt.max_payload_bytes` sets the size; the broker's
/// `message_size_limit` should match it).
struct PayloadLimits {
  std::size_t bytes = kMaxPayloadBytes;
  std::size_t nesting = kMaxNesting;
};

/// The deepest nesting of arrays and objects in JSON text (brackets inside strings do not
/// count); stops counting once past `stop_at`. Linear and without recursion, so it can look at
/// any input before a recursive parser does.
std::size_t json_nesting(std::string_view text, std::size_t stop_at = SIZE_MAX);

class Validator {
 public:
  Validator();  // compiles every schema of the contract; throws if one is broken
  ~Validator();
  Validator(const Validator&) = delete;
  Validator& operator=(const Validator&) = delete;

  /// Parses and validates a payload for a channel. text/plain channels are validated as one
  /// JSON string. On success the parsed document is returned.
  std::variant<rapidjson::Document, ValidationError> parse(const proto::ChannelSpec& channel, std::string_view payload,
                                                           const PayloadLimits& limits = {}) const;

  /// Validates an already built document against a schema file of the contract.
  std::optional<ValidationError> check(std::string_view schema_file, const rapidjson::Value& doc) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// One shared instance (schemas are immutable).
const Validator& validator();

}  // namespace occupancy::contract
