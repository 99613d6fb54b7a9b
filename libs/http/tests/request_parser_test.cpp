#include "occupancy/http/request_parser.hpp"

#include <catch2/catch.hpp>
#include <string>

using occupancy::http::parse_request;

TEST_CASE("a request is parsed: method, target and Authorization", "[http]") {
  const auto r = parse_request("GET /api/v1/rooms?x=1 HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer t\r\n\r\n");
  REQUIRE(r.request);
  CHECK(r.request->method == "GET");
  CHECK(r.request->target == "/api/v1/rooms?x=1");
  CHECK(r.request->authorization == "Bearer t");
}

// Found by http_api_fuzz: a request cut inside its final chunk made Beast assert when offered
// the same bytes again (tests/fuzz/corpus/http_api_fuzz/regression-cut-final-chunk).
TEST_CASE("cut, empty, oversized and garbled requests are refused with a reason", "[http]") {
  CHECK(parse_request("").error == "empty request");
  CHECK(parse_request("GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n0").error ==
        "incomplete request");
  CHECK(parse_request("GET /healthz HTTP/1.1\r\nHost: x\r\n").error == "incomplete request");
  const auto big = parse_request("GET / HTTP/1.1\r\nX: " + std::string(10'000, 'a') + "\r\n\r\n");
  CHECK_FALSE(big.request);
  CHECK_THAT(big.error, Catch::Contains("header limit"));
  const auto body = parse_request("POST / HTTP/1.1\r\nContent-Length: 20000\r\n\r\n" + std::string(20'000, 'b'));
  CHECK_THAT(body.error, Catch::Contains("body limit"));
  CHECK_FALSE(parse_request("GET\x01 / HTTP/1.1\r\n\r\n").request);
}
