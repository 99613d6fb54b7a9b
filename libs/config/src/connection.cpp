#include "occupancy/config/connection.hpp"

#include <charconv>
#include <stdexcept>

namespace occupancy::config {

MqttEndpoint parse_mqtt_url(const std::string& url) {
  MqttEndpoint ep;
  std::string rest;
  bool tls = false;
  if (url.rfind("mqtt://", 0) == 0) {
    rest = url.substr(7);
  } else if (url.rfind("mqtts://", 0) == 0) {
    rest = url.substr(8);
    tls = true;
  } else {
    throw std::invalid_argument("MQTT URL must start with mqtt:// or mqtts://");
  }
  if (const auto slash = rest.find('/'); slash != std::string::npos) rest.resize(slash);
  std::string shown_user;
  if (const auto at = rest.rfind('@'); at != std::string::npos) {
    const auto userinfo = rest.substr(0, at);
    rest = rest.substr(at + 1);
    const auto colon = userinfo.find(':');
    ep.username = userinfo.substr(0, colon);
    if (colon != std::string::npos) ep.password = Secret(userinfo.substr(colon + 1));
    shown_user = ep.username + (ep.password.empty() ? "" : ":***") + "@";
  }
  std::string host = rest;
  int port = tls ? 8883 : 1883;
  if (const auto colon = rest.rfind(':'); colon != std::string::npos && rest.find(']') == std::string::npos) {
    host = rest.substr(0, colon);
    const auto p = rest.substr(colon + 1);
    if (std::from_chars(p.data(), p.data() + p.size(), port).ec != std::errc{} || port < 1 || port > 65535)
      throw std::invalid_argument("MQTT URL has an invalid port '" + p + "'");
  }
  if (host.empty()) throw std::invalid_argument("MQTT URL has no host");
  ep.server_uri = std::string(tls ? "ssl://" : "tcp://") + host + ":" + std::to_string(port);
  ep.display = std::string(tls ? "mqtts://" : "mqtt://") + shown_user + host + ":" + std::to_string(port);
  return ep;
}

HttpEndpoint parse_http_url(const std::string& url, std::uint16_t default_port) {
  const auto refuse = [&] { return std::invalid_argument("expected http[s]://host[:port][/path], got '" + url + "'"); };
  const bool tls = url.rfind("https://", 0) == 0;
  if (!tls && url.rfind("http://", 0) != 0) throw refuse();
  auto rest = url.substr(tls ? 8 : 7);
  std::string path = rest.find('/') == std::string::npos ? std::string() : rest.substr(rest.find('/'));
  rest = rest.substr(0, rest.find('/'));
  while (!path.empty() && path.back() == '/') path.pop_back();
  for (const char c : path)
    if (c == '?' || c == '#' || static_cast<unsigned char>(c) <= ' ' || c == 0x7f) throw refuse();
  const auto colon = rest.rfind(':');
  HttpEndpoint ep{rest.substr(0, colon), tls ? std::uint16_t{443} : default_port, tls, path};
  if (colon != std::string::npos) {
    const auto p = rest.substr(colon + 1);
    int port = -1;
    if (std::from_chars(p.data(), p.data() + p.size(), port).ptr != p.data() + p.size() || port < 1 || port > 65535)
      throw refuse();
    ep.port = static_cast<std::uint16_t>(port);
  }
  if (ep.host.empty()) throw refuse();
  return ep;
}

}  // namespace occupancy::config
