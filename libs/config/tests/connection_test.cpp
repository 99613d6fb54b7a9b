#include "occupancy/config/connection.hpp"

#include <catch2/catch.hpp>
#include <string>

#include "occupancy/config/secret.hpp"

using namespace occupancy::config;

TEST_CASE("MQTT URLs follow the mqtt://user@host:port convention", "[config]") {
  auto ep = parse_mqtt_url("mqtt://127.0.0.1:18830");
  CHECK(ep.server_uri == "tcp://127.0.0.1:18830");
  CHECK(ep.username.empty());
  ep = parse_mqtt_url("mqtts://ha@broker");
  CHECK(ep.server_uri == "ssl://broker:8883");
  CHECK(ep.username == "ha");
  ep = parse_mqtt_url("mqtt://u:pw@h:1");
  CHECK(ep.password.reveal() == "pw");
  CHECK(ep.display == "mqtt://u:***@h:1");
  CHECK_THROWS_WITH(parse_mqtt_url("http://h"), Catch::Contains("mqtt://"));
  CHECK_THROWS_WITH(parse_mqtt_url("mqtt://h:port"), Catch::Contains("invalid port"));
  CHECK_THROWS(parse_mqtt_url("mqtt://:1883"));
}

TEST_CASE("URIs are redacted for logs", "[config]") {
  CHECK(redact_uri("postgresql://occ:secret@db:5432/occ") == "postgresql://occ:***@db:5432/occ");
  CHECK(redact_uri("host=db password=secret user=occ") == "host=db password=*** user=occ");
  CHECK(redact_uri("postgresql://db/occ") == "postgresql://db/occ");
}

TEST_CASE("a secret matches only the same bytes, whatever the lengths", "[config]") {
  const Secret token("s3cret-token");
  CHECK(token.matches("s3cret-token"));
  CHECK_FALSE(token.matches("s3cret-tokem"));
  CHECK_FALSE(token.matches("s3cret-token "));
  CHECK_FALSE(token.matches("s3cret"));
  CHECK_FALSE(token.matches(""));
  CHECK_FALSE(token.matches(std::string("s3cret-token\0", 13)));
  CHECK(Secret().matches(""));
}

TEST_CASE("HTTP URLs: host, port and TLS, or a refusal that shows what was given", "[config]") {
  auto ep = parse_http_url("http://ha.lan:8124/", 8123);
  CHECK(ep.host == "ha.lan");
  CHECK(ep.port == 8124);
  CHECK_FALSE(ep.tls);
  ep = parse_http_url("http://grafana.lan", 80);
  CHECK(ep.port == 80);
  ep = parse_http_url("https://ha.example.org", 8123);  // behind a TLS proxy: the https port
  CHECK(ep.host == "ha.example.org");
  CHECK(ep.port == 443);
  CHECK(ep.tls);
  ep = parse_http_url("https://ha.lan:8123/", 8123);  // HA serving TLS itself
  CHECK(ep.port == 8123);
  CHECK(ep.tls);
  CHECK(ep.base_path.empty());
  // A path is the base of every request: HA through the Supervisor's proxy, or a sub-path.
  ep = parse_http_url("http://supervisor/core", 8123);
  CHECK(ep.host == "supervisor");
  CHECK(ep.port == 8123);
  CHECK(ep.base_path == "/core");
  CHECK(parse_http_url("https://example.org/grafana/", 80).base_path == "/grafana");
  for (const char* bad : {"ftp://grafana.lan", "http://:3000", "https://:443", "http://g:99999", "http://g:0",
                          "http://g:30x0", "g:3000", "httpss://g", "http://g/a?b=1", "http://g/a#x", "http://g/a b"})
    CHECK_THROWS_WITH(parse_http_url(bad, 80),
                      Catch::Contains("expected http[s]://host[:port][/path], got '" + std::string(bad)));
}
