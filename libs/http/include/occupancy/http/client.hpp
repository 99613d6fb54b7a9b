#pragma once
// Clients for Home Assistant's APIs (Boost.Beast behind plain interfaces): a WebSocket
// connection and a one-shot HTTP GET. Plain http/ws on the LAN; TLS is not supported yet.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace occupancy::http {

class ConnectionClosed : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class WebSocketClient {
 public:
  /// Connects and completes the WebSocket handshake, or throws std::runtime_error.
  WebSocketClient(const std::string& host, std::uint16_t port, const std::string& path,
                  std::chrono::milliseconds timeout);
  ~WebSocketClient();
  WebSocketClient(const WebSocketClient&) = delete;
  WebSocketClient& operator=(const WebSocketClient&) = delete;

  void send(std::string text);  // thread-safe, in order
  /// The next text message, or nullopt after `timeout`; throws ConnectionClosed once closed.
  std::optional<std::string> receive(std::chrono::milliseconds timeout);
  void close();

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

struct ClientResponse {
  int status = 0;
  std::string body;
};

/// GET http://host:port/target with extra headers ("Name: value"); throws std::runtime_error
/// when the server cannot be reached.
ClientResponse get(const std::string& host, std::uint16_t port, const std::string& target,
                   const std::vector<std::string>& headers, std::chrono::milliseconds timeout);

/// Any method, with a body (sent as application/json when not empty).
ClientResponse request(const std::string& method, const std::string& host, std::uint16_t port,
                       const std::string& target, const std::vector<std::string>& headers, const std::string& body,
                       std::chrono::milliseconds timeout);

}  // namespace occupancy::http
