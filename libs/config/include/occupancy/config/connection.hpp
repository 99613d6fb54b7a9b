#pragma once
// Broker URLs as the ecosystem writes them: mqtt://user@host:port (mqtts:// for TLS).
#include <cstdint>
#include <string>

#include "occupancy/config/secret.hpp"

namespace occupancy::config {

struct MqttEndpoint {
  std::string server_uri;  // Paho form: tcp://host:port or ssl://host:port
  std::string username;    // empty = anonymous
  Secret password;         // from the URL, the environment or a file
  std::string display;     // the URL without its password, for logs
  // TLS (mqtts://): the broker's certificate is verified against ca_file (empty: the system's
  // CA store); cert_file/key_file are an optional client certificate.
  std::string ca_file, cert_file, key_file;
  bool tls() const { return server_uri.rfind("ssl://", 0) == 0; }
};

/// Parses mqtt[s]://[user[:password]@]host[:port]. Throws std::invalid_argument naming the
/// problem.
MqttEndpoint parse_mqtt_url(const std::string& url);

/// An HTTP server's address (Home Assistant's, Grafana's); tls for https.
struct HttpEndpoint {
  std::string host;
  std::uint16_t port = 80;
  bool tls = false;
  std::string base_path;  // "/core" in http://supervisor/core: every request's path starts with it
};

/// Parses http[s]://host[:port][/path]. Without a port: `default_port` for http, 443 for https.
/// A path is kept as the base path (no trailing '/'): HA behind the Supervisor's proxy
/// (http://supervisor/core) or a reverse proxy's sub-path. Throws std::invalid_argument
/// "expected http[s]://host[:port][/path], got '...'" for anything else (a query, a fragment).
HttpEndpoint parse_http_url(const std::string& url, std::uint16_t default_port);

}  // namespace occupancy::config
