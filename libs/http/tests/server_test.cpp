// Beast rule: the header must stand alone, so it is included first.
#include "occupancy/http/server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace {

// A deliberately plain HTTP client, so the test does not share code with the server.
int open_connection(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  return fd;
}

std::string raw_get(std::uint16_t port, const std::string& request) {
  const int fd = open_connection(port);
  REQUIRE(::send(fd, request.data(), request.size(), 0) == static_cast<ssize_t>(request.size()));
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) out.append(buf, static_cast<size_t>(n));
  ::close(fd);
  return out;
}

}  // namespace

TEST_CASE("the server answers with the handler's response", "[http]") {
  occupancy::http::Server server("127.0.0.1", 0, [](const occupancy::http::Request& r) {
    if (r.target == "/boom") throw std::runtime_error("kaput");
    return occupancy::http::Response{
        r.target == "/ok" ? 200 : 404, "text/plain", r.method + " " + r.target + " " + r.authorization, {}};
  });
  REQUIRE(server.port() != 0);
  auto res =
      raw_get(server.port(), "GET /ok HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\nConnection: close\r\n\r\n");
  CHECK_THAT(res, Catch::StartsWith("HTTP/1.1 200"));
  CHECK_THAT(res, Catch::EndsWith("GET /ok Bearer t"));
  res = raw_get(server.port(), "GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  CHECK_THAT(res, Catch::StartsWith("HTTP/1.1 404"));
  res = raw_get(server.port(), "GET /boom HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  CHECK_THAT(res, Catch::StartsWith("HTTP/1.1 500"));
  CHECK_THAT(res, Catch::Contains("kaput"));
}

TEST_CASE("a busy port is reported with the address", "[http]") {
  occupancy::http::Server first("127.0.0.1", 0, [](const auto&) { return occupancy::http::Response{}; });
  CHECK_THROWS_WITH(
      occupancy::http::Server("127.0.0.1", first.port(), [](const auto&) { return occupancy::http::Response{}; }),
      Catch::Contains("cannot listen on 127.0.0.1:"));
}

TEST_CASE("connections beyond the cap are closed at once, and a freed slot is used again", "[http]") {
  occupancy::http::Server server("127.0.0.1", 0, [](const auto&) { return occupancy::http::Response{}; });
  std::vector<int> idle;
  for (int i = 0; i < 64; ++i) idle.push_back(open_connection(server.port()));
  // One more: accepted by the kernel, then closed by the server without an answer.
  const int extra = open_connection(server.port());
  timeval wait{5, 0};
  ::setsockopt(extra, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
  char byte;
  CHECK(::recv(extra, &byte, 1, 0) == 0);  // orderly close, not a timeout (-1)
  ::close(extra);
  ::close(idle.back());  // its session ends, the slot is free again
  idle.pop_back();
  std::string answer;
  for (int attempt = 0; attempt < 50 && answer.empty(); ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    answer = raw_get(server.port(), "GET /ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  }
  CHECK_THAT(answer, Catch::StartsWith("HTTP/1.1 200"));
  for (int fd : idle) ::close(fd);
}
