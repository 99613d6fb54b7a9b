#pragma once
// One HTTP/1.1 request parsed from bytes with the limits the server applies to every
// connection, so that the server and its fuzz target parse the same way.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "occupancy/http/server.hpp"

namespace occupancy::http {

struct RequestLimits {
  std::uint32_t header_bytes = 8 * 1024;  // request line and headers
  std::uint64_t body_bytes = 16 * 1024;   // the APIs are read-only: GET bodies stay small
};

struct ParsedRequest {
  std::optional<Request> request;  // set when a whole request was read within the limits
  std::string error;               // otherwise why not (Beast's message), e.g. "header limit exceeded"
};

ParsedRequest parse_request(std::string_view bytes, const RequestLimits& limits = {});

}  // namespace occupancy::http
