#pragma once
// Clients for Home Assistant's and Grafana's APIs (Boost.Beast behind plain interfaces): a
// WebSocket connection and one-shot HTTP requests, plain (http, ws) or over TLS (https, wss).
// Over TLS the server's certificate is always verified — against Endpoint::ca_file, or the
// system's CA store when it is empty — and so is its host name; a failure names OpenSSL's reason.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace occupancy::http {

/// Where a client connects.
struct Endpoint {
  std::string host;
  std::uint16_t port = 80;
  bool tls = false;
  std::string ca_file;           // TLS: the CA (PEM) to trust; empty = the system's CA store
  std::string base_path;         // prefixed to every path and target ("/core": HA through the Supervisor)
  std::string describe() const;  // https://host:port[/base]
};

class ConnectionClosed : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class WebSocketClient {
 public:
  /// Connects (TLS first if the endpoint says so) and completes the WebSocket handshake, or
  /// throws std::runtime_error naming what failed.
  WebSocketClient(const Endpoint& endpoint, const std::string& path, std::chrono::milliseconds timeout);
  ~WebSocketClient();
  WebSocketClient(const WebSocketClient&) = delete;
  WebSocketClient& operator=(const WebSocketClient&) = delete;

  void send(std::string text);  // thread-safe, in order
  /// The next text message, or nullopt after `timeout`; throws ConnectionClosed once closed.
  std::optional<std::string> receive(std::chrono::milliseconds timeout);
  void close();

  struct Impl;  // client.cpp: one per stream type (plain or TLS)

 private:
  std::shared_ptr<Impl> impl_;
};

struct ClientResponse {
  int status = 0;
  std::string body;
};

/// GET with extra headers ("Name: value"); throws std::runtime_error when the server cannot be
/// reached or, over TLS, is not the one it claims to be.
ClientResponse get(const Endpoint& endpoint, const std::string& target, const std::vector<std::string>& headers,
                   std::chrono::milliseconds timeout);

/// Any method, with a body (sent as application/json when not empty).
ClientResponse request(const std::string& method, const Endpoint& endpoint, const std::string& target,
                       const std::vector<std::string>& headers, const std::string& body,
                       std::chrono::milliseconds timeout);

}  // namespace occupancy::http
