#include "occupancy/http/server.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <deque>
#include <optional>
#include <thread>

#include "occupancy/http/rate_limiter.hpp"
#include "occupancy/http/request_parser.hpp"

namespace occupancy::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

// One accepted WebSocket: a read loop feeding on_message, and a write queue so that send()
// from any thread keeps messages whole and in order.
class WsSession : public WebSocketConnection, public std::enable_shared_from_this<WsSession> {
 public:
  WsSession(tcp::socket socket, const WebSocketHandler& handler) : ws_(std::move(socket)), handler_(handler) {}

  void accept(beast::http::request<beast::http::string_body> req) {
    ws_.set_option(beast::websocket::stream_base::timeout::suggested(beast::role_type::server));
    ws_.async_accept(req, [self = shared_from_this()](beast::error_code ec) {
      if (ec) return;
      if (self->handler_.on_open) self->handler_.on_open(self);
      self->read();
    });
  }

  void send(std::string text) override {
    asio::post(ws_.get_executor(), [self = shared_from_this(), text = std::move(text)]() mutable {
      self->queue_.push_back(std::move(text));
      if (self->queue_.size() == 1) self->write();
    });
  }

  void close() override {
    asio::post(ws_.get_executor(), [self = shared_from_this()] {
      if (!self->ws_.is_open()) return;
      self->closing_ = true;
      if (self->queue_.empty())
        self->ws_.async_close(beast::websocket::close_code::normal, [self](beast::error_code) {});
    });
  }

 private:
  void read() {
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) {  // closed by the peer, or operation_aborted at shutdown
        if (self->handler_.on_close) self->handler_.on_close(self);
        return;
      }
      const auto text = beast::buffers_to_string(self->buffer_.data());
      self->buffer_.consume(self->buffer_.size());
      if (self->handler_.on_message) self->handler_.on_message(self, text);
      self->read();
    });
  }

  void write() {
    ws_.text(true);
    ws_.async_write(asio::buffer(queue_.front()), [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return;
      self->queue_.pop_front();
      if (!self->queue_.empty())
        self->write();
      else if (self->closing_)
        self->ws_.async_close(beast::websocket::close_code::normal, [self](beast::error_code) {});
    });
  }

  beast::websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
  std::deque<std::string> queue_;
  bool closing_ = false;
  const WebSocketHandler& handler_;
};

// What protects a listener from one client: a connection cap, and a request rate per client
// address (loopback exempt: a local reverse proxy or benchmark would all share 127.0.0.1, and
// whoever is on the host already has more than the API). All touched on the io thread only.
constexpr int kMaxConnections = 64;
constexpr double kRequestsPerSecond = 20, kBurst = 40;
struct Guards {
  RateLimiter limiter{kRequestsPerSecond, kBurst};
  int connections = 0;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, const Handler& handler, const std::string& ws_path, const WebSocketHandler& ws,
          Guards& guards)
      : stream_(std::move(socket)), handler_(handler), ws_path_(ws_path), ws_(ws), guards_(guards) {
    ++guards_.connections;
  }
  ~Session() { --guards_.connections; }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void read() {
    // The limits parse_request() applies: a request beyond them ends the connection.
    parser_.emplace();
    parser_->header_limit(kLimits.header_bytes);
    parser_->body_limit(kLimits.body_bytes);
    stream_.expires_after(std::chrono::seconds(30));
    beast::http::async_read(stream_, buffer_, *parser_,
                            [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

 private:
  void on_read(beast::error_code ec) {
    if (ec) {  // end_of_stream, timeout or operation_aborted: the connection is done
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
      return;
    }
    request_ = parser_->release();
    if (!ws_path_.empty() && beast::websocket::is_upgrade(request_) &&
        request_.target().substr(0, request_.target().find('?')) == ws_path_) {
      stream_.expires_never();
      std::make_shared<WsSession>(stream_.release_socket(), ws_)->accept(std::move(request_));
      return;
    }
    Request req{std::string(request_.method_string()), std::string(request_.target()),
                std::string(request_[beast::http::field::authorization]), request_.body()};
    Response res;
    beast::error_code peer_ec;
    const auto peer = stream_.socket().remote_endpoint(peer_ec).address();
    if (!peer_ec && !peer.is_loopback() && !guards_.limiter.allow(peer.to_string(), std::chrono::steady_clock::now())) {
      res = Response{429, "text/plain; charset=utf-8", "too many requests\n", {}};
    } else {
      try {
        res = handler_(req);
      } catch (const std::exception& e) {
        res = Response{500, "text/plain; charset=utf-8", std::string("internal error: ") + e.what(), {}};
      }
    }
    response_ = {};
    response_.version(request_.version());
    response_.result(static_cast<unsigned>(res.status));
    response_.set(beast::http::field::server, "occupancy-predictor");
    response_.set(beast::http::field::content_type, res.content_type);
    if (!res.www_authenticate.empty()) response_.set(beast::http::field::www_authenticate, res.www_authenticate);
    response_.keep_alive(request_.keep_alive());
    response_.body() = std::move(res.body);
    response_.prepare_payload();
    beast::http::async_write(stream_, response_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (!ec && self->response_.keep_alive()) self->read();
    });
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  static constexpr RequestLimits kLimits{};
  std::optional<beast::http::request_parser<beast::http::string_body>> parser_;
  beast::http::request<beast::http::string_body> request_;
  beast::http::response<beast::http::string_body> response_;
  const Handler& handler_;
  const std::string& ws_path_;
  const WebSocketHandler& ws_;
  Guards& guards_;
};

}  // namespace

struct Server::Impl {
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  Handler handler;
  std::string ws_path;
  WebSocketHandler ws;
  Guards guards;
  std::thread thread;

  void accept() {
    acceptor.async_accept(asio::make_strand(io), [this](beast::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted) return;  // normal shutdown
      if (!ec && guards.connections >= kMaxConnections) {
        beast::error_code ignored;
        socket.close(ignored);  // at the cap: refused at once rather than queued
      } else if (!ec) {
        std::make_shared<Session>(std::move(socket), handler, ws_path, ws, guards)->read();
      }
      accept();
    });
  }
};

Server::Server(const std::string& bind, std::uint16_t port, Handler handler)
    : Server(bind, port, std::move(handler), {}, {}) {}

Server::Server(const std::string& bind, std::uint16_t port, Handler handler, std::string websocket_path,
               WebSocketHandler websocket)
    : impl_(std::make_unique<Impl>()) {
  impl_->handler = std::move(handler);
  impl_->ws_path = std::move(websocket_path);
  impl_->ws = std::move(websocket);
  beast::error_code ec;
  const tcp::endpoint ep(asio::ip::make_address(bind, ec), port);
  if (ec) throw std::runtime_error("HTTP bind address '" + bind + "' is invalid: " + ec.message());
  impl_->acceptor.open(ep.protocol());
  impl_->acceptor.set_option(asio::socket_base::reuse_address(true));
  impl_->acceptor.bind(ep, ec);
  if (ec) throw std::runtime_error("cannot listen on " + bind + ":" + std::to_string(port) + ": " + ec.message());
  impl_->acceptor.listen(asio::socket_base::max_listen_connections);
  impl_->accept();
  impl_->thread = std::thread([this] { impl_->io.run(); });
}

Server::~Server() { stop(); }

std::uint16_t Server::port() const { return impl_->acceptor.local_endpoint().port(); }

void Server::stop() {
  if (!impl_->thread.joinable()) return;
  asio::post(impl_->io, [this] {
    beast::error_code ignored;
    impl_->acceptor.close(ignored);
    impl_->io.stop();
  });
  impl_->thread.join();
}

}  // namespace occupancy::http
