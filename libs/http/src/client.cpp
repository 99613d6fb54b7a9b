#include "occupancy/http/client.hpp"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace occupancy::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

// Verification is not optional: a client that trusts any certificate would hand the HA token to
// whoever answers. A private CA (or a self-signed certificate) goes in ca_file.
std::unique_ptr<ssl::context> tls_context(const Endpoint& ep) {
  auto ctx = std::make_unique<ssl::context>(ssl::context::tls_client);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                   ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  ctx->set_verify_mode(ssl::verify_peer);
  beast::error_code ec;
  if (ep.ca_file.empty())
    ctx->set_default_verify_paths(ec);
  else
    ctx->load_verify_file(ep.ca_file, ec);
  if (ec)
    throw std::runtime_error("cannot load the CA " + (ep.ca_file.empty() ? "store" : "file " + ep.ca_file) + ": " +
                             ec.message());
  return ctx;
}

void connect(beast::tcp_stream& stream, const Endpoint& ep, std::chrono::milliseconds timeout) {
  beast::error_code ec;
  tcp::resolver resolver(stream.get_executor());
  const auto endpoints = resolver.resolve(ep.host, std::to_string(ep.port), ec);
  if (ec) throw std::runtime_error("cannot resolve " + ep.host + ": " + ec.message());
  stream.expires_after(timeout);
  stream.connect(endpoints, ec);
  if (ec) throw std::runtime_error("cannot connect to " + ep.describe() + ": " + ec.message());
  stream.socket().set_option(tcp::no_delay(true));
}

// TLS on a connected stream: SNI, the host name checked against the certificate, and on failure
// the reason OpenSSL's verification gave (unknown issuer, expired, host name mismatch, ...).
void tls_handshake(TlsStream& stream, const Endpoint& ep) {
  beast::error_code ec;
  if (asio::ip::make_address(ep.host, ec), ec)  // SNI carries names, never addresses
    SSL_set_tlsext_host_name(stream.native_handle(), ep.host.c_str());
  stream.set_verify_callback(ssl::host_name_verification(ep.host));
  stream.handshake(ssl::stream_base::client, ec);
  if (!ec) return;
  std::string why = ec.message();
  if (const long verify = SSL_get_verify_result(stream.native_handle()); verify != X509_V_OK)
    why += std::string(": ") + X509_verify_cert_error_string(verify);
  throw std::runtime_error(
      "TLS handshake with " + ep.describe() + " failed: " + why +
      (ep.ca_file.empty() ? " (trusted: the system's CA store)" : " (trusted: " + ep.ca_file + ")"));
}

template <class Stream>
ClientResponse exchange(Stream& stream, const std::string& method, const Endpoint& ep, const std::string& target,
                        const std::vector<std::string>& headers, const std::string& body) {
  beast::http::request<beast::http::string_body> req{beast::http::string_to_verb(method), ep.base_path + target, 11};
  if (req.method() == beast::http::verb::unknown) throw std::invalid_argument("unknown HTTP method " + method);
  req.set(beast::http::field::host, ep.host);
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
  beast::error_code ec;
  beast::http::write(stream, req, ec);
  if (ec) throw std::runtime_error("HTTP request to " + ep.describe() + " failed: " + ec.message());
  beast::flat_buffer buffer;
  beast::http::response_parser<beast::http::string_body> parser;
  parser.body_limit(256 * 1024 * 1024);
  beast::http::read(stream, buffer, parser, ec);
  if (ec) throw std::runtime_error("HTTP response from " + ep.describe() + " failed: " + ec.message());
  return {static_cast<int>(parser.get().result_int()), parser.get().body()};
}

}  // namespace

std::string Endpoint::describe() const {
  return std::string(tls ? "https://" : "http://") + host + ":" + std::to_string(port) + base_path;
}

// What the public interface needs of a connection, whatever its stream.
struct WebSocketClient::Impl {
  virtual ~Impl() = default;
  virtual void start_reading() = 0;
  virtual void enqueue(std::string text) = 0;  // on the io thread
  virtual void shut() = 0;                     // on the io thread

  asio::io_context io;
  std::thread thread;
  std::mutex mutex;
  std::condition_variable arrived;
  std::deque<std::string> incoming;
  bool closed = false;
  std::string close_reason;
};

namespace {

template <class Next>
struct StreamImpl final : WebSocketClient::Impl, std::enable_shared_from_this<StreamImpl<Next>> {
  std::unique_ptr<ssl::context> ctx;  // TLS only; outlives the stream built on it
  beast::websocket::stream<Next> ws;
  beast::flat_buffer buffer;
  std::deque<std::string> outgoing;

  StreamImpl() : ws(io) {}
  explicit StreamImpl(std::unique_ptr<ssl::context> c) : ctx(std::move(c)), ws(io, *ctx) {}

  void start_reading() override { read(); }
  void read() {
    ws.async_read(buffer, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
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

  void enqueue(std::string text) override {
    outgoing.push_back(std::move(text));
    if (outgoing.size() == 1) write();
  }
  void write() {
    ws.text(true);
    ws.async_write(asio::buffer(outgoing.front()),
                   [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                     if (ec) return;
                     self->outgoing.pop_front();
                     if (!self->outgoing.empty()) self->write();
                   });
  }

  void shut() override {
    if (!ws.is_open()) {
      io.stop();
      return;
    }
    // A polite close frame, but never wait more than a second for the peer's answer.
    auto self = this->shared_from_this();
    ws.async_close(beast::websocket::close_code::normal, [self](beast::error_code) { self->io.stop(); });
    auto timer = std::make_shared<asio::steady_timer>(io, std::chrono::seconds(1));
    timer->async_wait([self, timer](beast::error_code) {
      beast::error_code ignored;
      beast::get_lowest_layer(self->ws).socket().close(ignored);
      self->io.stop();
    });
  }
};

template <class Next>
void ws_handshake(beast::websocket::stream<Next>& ws, const Endpoint& ep, const std::string& path) {
  beast::error_code ec;
  ws.handshake(ep.host + ":" + std::to_string(ep.port), ep.base_path + path, ec);
  if (ec) throw std::runtime_error("WebSocket handshake with " + ep.describe() + path + " failed: " + ec.message());
  beast::get_lowest_layer(ws).expires_never();
  ws.set_option(beast::websocket::stream_base::timeout::suggested(beast::role_type::client));
}

}  // namespace

WebSocketClient::WebSocketClient(const Endpoint& ep, const std::string& path, std::chrono::milliseconds timeout) {
  if (ep.tls) {
    auto impl = std::make_shared<StreamImpl<TlsStream>>(tls_context(ep));
    connect(beast::get_lowest_layer(impl->ws), ep, timeout);
    tls_handshake(impl->ws.next_layer(), ep);
    ws_handshake(impl->ws, ep, path);
    impl_ = impl;
  } else {
    auto impl = std::make_shared<StreamImpl<beast::tcp_stream>>();
    connect(beast::get_lowest_layer(impl->ws), ep, timeout);
    ws_handshake(impl->ws, ep, path);
    impl_ = impl;
  }
  impl_->start_reading();
  impl_->thread = std::thread([impl = impl_] { impl->io.run(); });
}

WebSocketClient::~WebSocketClient() {
  close();
  if (impl_->thread.joinable()) impl_->thread.join();
}

void WebSocketClient::send(std::string text) {
  asio::post(impl_->io, [impl = impl_, text = std::move(text)]() mutable { impl->enqueue(std::move(text)); });
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
  asio::post(impl_->io, [impl = impl_] { impl->shut(); });
}

ClientResponse get(const Endpoint& ep, const std::string& target, const std::vector<std::string>& headers,
                   std::chrono::milliseconds timeout) {
  return request("GET", ep, target, headers, "", timeout);
}

ClientResponse request(const std::string& method, const Endpoint& ep, const std::string& target,
                       const std::vector<std::string>& headers, const std::string& body,
                       std::chrono::milliseconds timeout) {
  asio::io_context io;
  if (!ep.tls) {
    beast::tcp_stream stream(io);
    connect(stream, ep, timeout);
    auto response = exchange(stream, method, ep, target, headers, body);
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    return response;
  }
  const auto ctx = tls_context(ep);
  TlsStream stream(io, *ctx);
  connect(beast::get_lowest_layer(stream), ep, timeout);
  tls_handshake(stream, ep);
  auto response = exchange(stream, method, ep, target, headers, body);
  beast::error_code ignored;  // many servers close without TLS's close_notify: not an error here
  stream.shutdown(ignored);
  return response;
}

}  // namespace occupancy::http
