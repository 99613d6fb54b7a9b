// Beast rule: the header must stand alone, so it is included first.
#include "occupancy/http/client.hpp"

#include <catch2/catch.hpp>

#include "occupancy/http/server.hpp"

using namespace occupancy;

TEST_CASE("an endpoint describes itself as the URL it stands for", "[http][client]") {
  CHECK(http::Endpoint{"ha.lan", 8123, false, "", ""}.describe() == "http://ha.lan:8123");
  CHECK(http::Endpoint{"ha.example.org", 443, true, "", ""}.describe() == "https://ha.example.org:443");
  CHECK(http::Endpoint{"supervisor", 80, false, "", "/core"}.describe() == "http://supervisor:80/core");
}

TEST_CASE("plain requests reach the server with their method, headers and body", "[http][client]") {
  http::Request seen;
  http::Server server("127.0.0.1", 0, [&](const http::Request& r) {
    seen = r;
    return http::Response{201, "application/json", R"({"ok":true})", {}};
  });
  const http::Endpoint ep{"127.0.0.1", server.port(), false, "", ""};
  const auto r =
      http::request("POST", ep, "/api/x?y=1", {"Authorization: Bearer t"}, R"({"a":1})", std::chrono::seconds(5));
  CHECK(r.status == 201);
  CHECK(r.body == R"({"ok":true})");
  CHECK(seen.method == "POST");
  CHECK(seen.target == "/api/x?y=1");
  CHECK(seen.body == R"({"a":1})");
}

TEST_CASE("a client that cannot connect, or cannot trust, says which and why", "[http][client]") {
  http::Server plain("127.0.0.1", 0, [](const http::Request&) { return http::Response{200, "text/plain", "hi", {}}; });
  // TLS against a plain server: the handshake fails, named as such, with the address.
  CHECK_THROWS_WITH(
      http::get({"127.0.0.1", plain.port(), true, "", ""}, "/", {}, std::chrono::seconds(5)),
      Catch::Contains("TLS handshake with https://127.0.0.1:" + std::to_string(plain.port()) + " failed"));
  CHECK_THROWS_WITH(
      http::WebSocketClient({"127.0.0.1", plain.port(), true, "", ""}, "/api/websocket", std::chrono::seconds(5)),
      Catch::Contains("TLS handshake"));
  // A CA file that cannot be read is named before any connection.
  CHECK_THROWS_WITH(
      http::get({"127.0.0.1", plain.port(), true, "/nonexistent/ca.pem", ""}, "/", {}, std::chrono::seconds(5)),
      Catch::Contains("cannot load the CA file /nonexistent/ca.pem"));
}
