#pragma once
// A small HTTP/1.1 server (Boost.Beast behind a plain interface) for /healthz, /metrics and
// read-only APIs. Runs its own thread; the handler must be thread-safe.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>

namespace occupancy::http {

struct Request {
  std::string method;
  std::string target;         // path and query
  std::string authorization;  // the Authorization header, if any
  std::string body;           // within RequestLimits::body_bytes
};

struct Response {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::string www_authenticate;  // set with 401
};

using Handler = std::function<Response(const Request&)>;

/// The server side of one WebSocket connection. send() and close() may be called from any
/// thread; messages are written in order.
class WebSocketConnection {
 public:
  virtual ~WebSocketConnection() = default;
  virtual void send(std::string text) = 0;
  virtual void close() = 0;
};

struct WebSocketHandler {
  std::function<void(const std::shared_ptr<WebSocketConnection>&)> on_open;
  std::function<void(const std::shared_ptr<WebSocketConnection>&, const std::string&)> on_message;
  std::function<void(const std::shared_ptr<WebSocketConnection>&)> on_close;
};

class Server {
 public:
  /// Binds at once (throws std::runtime_error naming the address if it cannot). Port 0 picks a
  /// free port.
  Server(const std::string& bind, std::uint16_t port, Handler handler);
  /// Also accepts WebSocket upgrades on `websocket_path`.
  Server(const std::string& bind, std::uint16_t port, Handler handler, std::string websocket_path,
         WebSocketHandler websocket);
  ~Server();  // stops and joins
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  std::uint16_t port() const;
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace occupancy::http
