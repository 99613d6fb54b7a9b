#include "occupancy/http/client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace occupancy::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

}  // namespace

struct WebSocketClient::Impl : std::enable_shared_from_this<Impl> {
  asio::io_context io;
  beast::websocket::stream<beast::tcp_stream> ws{io};
  beast::flat_buffer buffer;
  std::deque<std::string> outgoing;
  std::thread thread;

  std::mutex mutex;
  std::condition_variable arrived;
  std::deque<std::string> incoming;
  bool closed = false;
  std::string close_reason;

  void read() {
    ws.async_read(buffer, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      std::lock_guard lock(self->mutex);
      if (ec) {
        self->closed = true;
        self->close_reason = ec == beast::websocket::error::closed ? "closed by the server" : ec.message();
      } else {
        self->incoming.push_back(beast::buffers_to_string(self->buffer.data()));
        self->buffer.consume(self->buffer.size());
      }
      self->arrived.notify_all();
      if (!ec) self->read();
    });
  }

  void write() {
    ws.text(true);
    ws.async_write(asio::buffer(outgoing.front()), [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return;
      self->outgoing.pop_front();
      if (!self->outgoing.empty()) self->write();
    });
  }
};

WebSocketClient::WebSocketClient(const std::string& host, std::uint16_t port, const std::string& path,
                                 std::chrono::milliseconds timeout)
    : impl_(std::make_shared<Impl>()) {
  auto& ws = impl_->ws;
  beast::error_code ec;
  tcp::resolver resolver(impl_->io);
  const auto endpoints = resolver.resolve(host, std::to_string(port), ec);
  if (ec) throw std::runtime_error("cannot resolve " + host + ": " + ec.message());
  beast::get_lowest_layer(ws).expires_after(timeout);
  beast::get_lowest_layer(ws).connect(endpoints, ec);
  if (ec) throw std::runtime_error("cannot connect to " + host + ":" + std::to_string(port) + ": " + ec.message());
  beast::get_lowest_layer(ws).socket().set_option(tcp::no_delay(true));
  ws.handshake(host + ":" + std::to_string(port), path, ec);
  if (ec) throw std::runtime_error("WebSocket handshake with " + host + path + " failed: " + ec.message());
  beast::get_lowest_layer(ws).expires_never();
  ws.set_option(beast::websocket::stream_base::timeout::suggested(beast::role_type::client));
  impl_->read();
  impl_->thread = std::thread([impl = impl_] { impl->io.run(); });
}

WebSocketClient::~WebSocketClient() {
  close();
  if (impl_->thread.joinable()) impl_->thread.join();
}

void WebSocketClient::send(std::string text) {
  asio::post(impl_->io, [impl = impl_, text = std::move(text)]() mutable {
    impl->outgoing.push_back(std::move(text));
    if (impl->outgoing.size() == 1) impl->write();
  });
}

std::optional<std::string> WebSocketClient::receive(std::chrono::milliseconds timeout) {
  std::unique_lock lock(impl_->mutex);
  impl_->arrived.wait_for(lock, timeout, [&] { return !impl_->incoming.empty() || impl_->closed; });
  if (!impl_->incoming.empty()) {
    auto m = std::move(impl_->incoming.front());
    impl_->incoming.pop_front();
    return m;
  }
  if (impl_->closed) throw ConnectionClosed("WebSocket " + impl_->close_reason);
  return std::nullopt;
}

void WebSocketClient::close() {
  asio::post(impl_->io, [impl = impl_] {
    if (!impl->ws.is_open()) {
      impl->io.stop();
      return;
    }
    // A polite close frame, but never wait more than a second for the peer's answer.
    impl->ws.async_close(beast::websocket::close_code::normal, [impl](beast::error_code) { impl->io.stop(); });
    auto timer = std::make_shared<asio::steady_timer>(impl->io, std::chrono::seconds(1));
    timer->async_wait([impl, timer](beast::error_code) {
      beast::error_code ignored;
      beast::get_lowest_layer(impl->ws).socket().close(ignored);
      impl->io.stop();
    });
  });
}

ClientResponse get(const std::string& host, std::uint16_t port, const std::string& target,
                   const std::vector<std::string>& headers, std::chrono::milliseconds timeout) {
  return request("GET", host, port, target, headers, "", timeout);
}

ClientResponse request(const std::string& method, const std::string& host, std::uint16_t port,
                       const std::string& target, const std::vector<std::string>& headers, const std::string& body,
                       std::chrono::milliseconds timeout) {
  asio::io_context io;
  beast::tcp_stream stream(io);
  beast::error_code ec;
  tcp::resolver resolver(io);
  const auto endpoints = resolver.resolve(host, std::to_string(port), ec);
  if (ec) throw std::runtime_error("cannot resolve " + host + ": " + ec.message());
  stream.expires_after(timeout);
  stream.connect(endpoints, ec);
  if (ec) throw std::runtime_error("cannot connect to " + host + ":" + std::to_string(port) + ": " + ec.message());
  beast::http::request<beast::http::string_body> req{beast::http::string_to_verb(method), target, 11};
  if (req.method() == beast::http::verb::unknown) throw std::invalid_argument("unknown HTTP method " + method);
  req.set(beast::http::field::host, host);
  req.set(beast::http::field::user_agent, "occupancy-predictor");
  for (const auto& h : headers) {
    const auto colon = h.find(':');
    req.set(h.substr(0, colon), h.substr(h.find_first_not_of(' ', colon + 1)));
  }
  if (!body.empty()) {
    req.set(beast::http::field::content_type, "application/json");
    req.body() = body;
  }
  req.prepare_payload();
  beast::http::write(stream, req, ec);
  if (ec) throw std::runtime_error("HTTP request to " + host + " failed: " + ec.message());
  beast::flat_buffer buffer;
  beast::http::response_parser<beast::http::string_body> parser;
  parser.body_limit(256 * 1024 * 1024);
  beast::http::read(stream, buffer, parser, ec);
  if (ec) throw std::runtime_error("HTTP response from " + host + " failed: " + ec.message());
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  return {static_cast<int>(parser.get().result_int()), parser.get().body()};
}

}  // namespace occupancy::http
