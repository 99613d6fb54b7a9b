#include "occupancy/http/request_parser.hpp"

#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http.hpp>

namespace occupancy::http {

ParsedRequest parse_request(std::string_view bytes, const RequestLimits& limits) {
  namespace bhttp = boost::beast::http;
  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(limits.header_bytes);
  parser.body_limit(limits.body_bytes);
  parser.eager(true);
  if (bytes.empty()) return {std::nullopt, "empty request"};
  boost::beast::error_code ec;
  std::size_t used = 0;
  while (used < bytes.size() && !parser.is_done()) {
    const std::size_t n = parser.put(boost::asio::buffer(bytes.data() + used, bytes.size() - used), ec);
    // need_more: everything offered was looked at and is not enough. Beast expects more bytes
    // than last time on the next call (it asserts so), and there are none: the request is cut.
    if (ec == bhttp::error::need_more) return {std::nullopt, "incomplete request"};
    if (ec) return {std::nullopt, ec.message()};
    if (n == 0) break;
    used += n;
  }
  // A request's end is known from its headers (never "until the connection closes").
  if (!parser.is_done()) return {std::nullopt, "incomplete request"};
  const auto& req = parser.get();
  return {Request{std::string(req.method_string()), std::string(req.target()),
                  std::string(req[bhttp::field::authorization]), req.body()},
          {}};
}

}  // namespace occupancy::http
