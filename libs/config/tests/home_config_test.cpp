#include "occupancy/config/home_config.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace occupancy::config;

namespace {

EnvLookup no_env() {
  return [](std::string_view) { return std::optional<std::string>{}; };
}

EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars](std::string_view k) -> std::optional<std::string> {
    auto it = vars.find(std::string(k));
    return it == vars.end() ? std::nullopt : std::optional(it->second);
  };
}

const std::string kMinimal = R"(
home: test
timezone: Europe/Bucharest
people: [anca]
rooms:
  - id: office
    zones: [{ id: desk_anca, person: anca }, { id: room }]
entities:
  - { entity_id: binary_sensor.office_desk, room: office, zone: desk_anca, kind: presence }
horizons_min: [15, 120]
)";

std::string with(std::string text, const std::string& from, const std::string& to) {
  const auto pos = text.find(from);
  REQUIRE(pos != std::string::npos);
  return text.replace(pos, from.size(), to);
}

std::string error_of(const std::string& yaml, const EnvLookup& env = no_env()) {
  try {
    parse_config(yaml, "home.yaml", env);
  } catch (const ConfigError& e) {
    return e.what();
  }
  FAIL("config was accepted");
  return {};
}

}  // namespace

TEST_CASE("the shipped default config loads: six rooms, both horizons", "[config]") {
  const auto c = load_config(std::string(OCCUPANCY_SOURCE_DIR) + "/config/home.yaml", no_env());
  CHECK(c.rooms.size() == 6);
  CHECK(c.find_room("guest_bedroom") != nullptr);
  CHECK(c.horizons_min == std::vector<int>{15, 120});
  CHECK(c.find_entity("binary_sensor.office_desk_anca_presence")->zone == "desk_anca");
  CHECK(c.cat_filter.exclusive_zones.size() == 2);
  CHECK(c.http_for("publisher").port == 9485);
}

TEST_CASE("horizons: a room takes the home's unless it names some of them, and P(vacant within) defaults to 15, 30",
          "[config]") {
  const auto two_rooms =
      with(with(kMinimal, "horizons_min: [15, 120]", "horizons_min: [180, 30]\nvacant_within_min: [20]"), "rooms:\n",
           "rooms:\n  - id: guest\n    horizons_min: [180]\n    zones: [{ id: bed }]\n");
  const auto c = parse_config(two_rooms, "home.yaml", no_env());
  CHECK(c.horizons_min == std::vector<int>{30, 180});  // sorted
  CHECK(c.vacant_within_min == std::vector<int>{20});
  CHECK(c.find_room("office")->horizons_min == std::vector<int>{30, 180});
  CHECK(c.find_room("guest")->horizons_min == std::vector<int>{180});
  CHECK(parse_config(kMinimal, "home.yaml", no_env()).vacant_within_min == std::vector<int>{15, 30});
  CHECK_THAT(error_of(with(two_rooms, "horizons_min: [180]", "horizons_min: [15]")),
             Catch::Contains("rooms[0].horizons_min") && Catch::Contains("got 15 min"));
  CHECK_THAT(error_of(with(two_rooms, "[180, 30]", "[30, 30]")), Catch::Contains("horizons_min"));
}

TEST_CASE("an entity mapped to an unknown room is named", "[config]") {
  const auto e = error_of(with(kMinimal, "room: office, zone", "room: attic, zone"));
  CHECK_THAT(e, Catch::StartsWith("home.yaml: key 'entities[0].room'"));
  CHECK_THAT(e, Catch::Contains("unknown room 'attic'"));
}

TEST_CASE("a wrong type names the key and the expected type", "[config]") {
  const auto e = error_of(with(kMinimal, "horizons_min: [15, 120]", "horizons_min: soon"));
  CHECK_THAT(e, Catch::Contains("key 'horizons_min'"));
  CHECK_THAT(e, Catch::Contains("expected array, got a string 'soon'"));
}

TEST_CASE("a missing key is named", "[config]") {
  const auto e = error_of(with(kMinimal, "timezone: Europe/Bucharest\n", ""));
  CHECK_THAT(e, Catch::Contains("key 'timezone': missing (required)"));
}

TEST_CASE("an unknown key (a typo) is named with the keys allowed", "[config]") {
  const auto e = error_of(with(kMinimal, "horizons_min:", "horizon_min: [1]\nhorizons_min:"));
  CHECK_THAT(e, Catch::Contains("key 'horizon_min': unknown key"));
}

TEST_CASE("bad values inside lists point at the item", "[config]") {
  CHECK_THAT(error_of(with(kMinimal, "kind: presence", "kind: radar")),
             Catch::Contains("key 'entities[0].kind': expected one of presence, motion, door, light"));
  CHECK_THAT(error_of(with(kMinimal, "id: office", "id: Office")),
             Catch::Contains("key 'rooms[0].id': expected text matching"));
  CHECK_THAT(error_of(with(kMinimal, "zone: desk_anca, kind", "zone: desk_vlad, kind")),
             Catch::Contains("unknown zone 'desk_vlad'"));
  CHECK_THAT(error_of(with(kMinimal, "person: anca", "person: bob")), Catch::Contains("rooms[0].zones[0].person"));
  CHECK_THAT(error_of(with(kMinimal, "Europe/Bucharest", "Mars/Olympus")), Catch::Contains("key 'timezone'"));
}

TEST_CASE("the Home Assistant URL is checked at load", "[config]") {
  const auto c = parse_config(kMinimal, "home.yaml", env_of({{"OCCUPANCY_HA_URL", "http://ha.lan:8124/"}}));
  CHECK(c.ingestor.ha_host == "ha.lan");
  CHECK(c.ingestor.ha_port == 8124);
  CHECK(parse_config(kMinimal, "home.yaml", env_of({{"OCCUPANCY_HA_URL", "http://ha.lan"}})).ingestor.ha_port == 8123);
  CHECK_THAT(error_of(kMinimal, env_of({{"OCCUPANCY_HA_URL", "http://ha.lan:port"}})),
             Catch::Contains("key 'ingestor.ha_url'"));
  CHECK_THAT(error_of(kMinimal, env_of({{"OCCUPANCY_HA_URL", "ws://ha.lan"}})),
             Catch::Contains("expected http[s]://host[:port]"));
  // https: TLS, port 443 unless given, and a CA file that must exist.
  const auto tls = parse_config(kMinimal, "home.yaml", env_of({{"OCCUPANCY_HA_URL", "https://ha.example.org"}}));
  CHECK(tls.ingestor.ha_tls);
  CHECK(tls.ingestor.ha_port == 443);
  CHECK(tls.ingestor.ha_ca_file.empty());  // the system's CA store
  CHECK_THAT(error_of(kMinimal, env_of({{"OCCUPANCY_HA_URL", "https://ha.lan:8123"},
                                        {"OCCUPANCY_HA_CA_FILE", "/nonexistent/ca.pem"}})),
             Catch::Contains("key 'ingestor.ca_file'") && Catch::Contains("/nonexistent/ca.pem"));
}

TEST_CASE("YAML syntax errors give line and column", "[config]") {
  CHECK_THAT(error_of("home: [unclosed\n"), Catch::Contains("line"));
}

TEST_CASE("environment overrides connections, secrets stay secret", "[config]") {
  const auto c = parse_config(kMinimal, "home.yaml",
                              env_of({{"OCCUPANCY_MQTT_URL", "mqtt://bridge@broker.lan:1884"},
                                      {"OCCUPANCY_MQTT_PASSWORD", "hunter2"},
                                      {"OCCUPANCY_DB_URL", "postgresql://occ:pw@db/occ"}}));
  CHECK(c.mqtt.server_uri == "tcp://broker.lan:1884");
  CHECK(c.mqtt.username == "bridge");
  CHECK(c.mqtt.password.reveal() == "hunter2");
  CHECK(c.database_url.reveal() == "postgresql://occ:pw@db/occ");
  std::ostringstream shown;
  shown << c.mqtt.password << ' ' << c.mqtt.display << ' ' << redact_uri(c.database_url.reveal());
  CHECK(shown.str().find("hunter2") == std::string::npos);
  CHECK(shown.str().find(":pw@") == std::string::npos);
}

TEST_CASE("the MQTT password can come from a file", "[config]") {
  const auto file = std::filesystem::temp_directory_path() / "occupancy-test-mqtt-password";
  std::ofstream(file) << "s3cret\n";
  const auto c = parse_config(kMinimal, "home.yaml", env_of({{"OCCUPANCY_MQTT_PASSWORD_FILE", file.string()}}));
  CHECK(c.mqtt.password.reveal() == "s3cret");
  std::filesystem::remove(file);
  CHECK_THROWS_WITH(parse_config(kMinimal, "home.yaml", env_of({{"OCCUPANCY_MQTT_PASSWORD_FILE", file.string()}})),
                    Catch::Contains("cannot read the MQTT password file"));
}

TEST_CASE("the cat rules an entity list cannot decide are keys of the config", "[config]") {
  const auto cat =
      "cat_filter: { entrance: office/room, cross_room_min_rooms: 3, motion_needs_presence: false,"
      " path_rule: false, away_after_min: 20 }\n";
  const auto c = parse_config(kMinimal + cat, "home.yaml", no_env());
  CHECK(c.cat_filter.cross_room_min_rooms == 3);
  CHECK_FALSE(c.cat_filter.motion_needs_presence);
  CHECK_FALSE(c.cat_filter.path_rule);
  CHECK(c.cat_filter.away_after_min == 20);
  CHECK_THAT(error_of(kMinimal + "cat_filter: { cross_room_min_rooms: 1 }\n"), Catch::Contains("cross_room_min_rooms"));
}

// Found by config_fuzz: a key with invalid UTF-8 made RapidJSON read out of bounds while the
// schema error named it (tests/fuzz/corpus/config_fuzz/regression-invalid-utf8-key).
TEST_CASE("a config that is not valid UTF-8 is refused, naming the byte", "[config]") {
  CHECK_THAT(error_of(kMinimal + "\nt\xE5mezone: UTC\n"), Catch::Contains("not valid UTF-8 (byte"));
}

TEST_CASE("TLS to the broker: files only with mqtts://, each must exist, a client certificate needs its key",
          "[config]") {
  const auto ca = std::filesystem::temp_directory_path() / "occupancy-test-ca.crt";
  std::ofstream(ca) << "not checked here: the TLS library reads it\n";
  const auto tls = env_of({{"OCCUPANCY_MQTT_URL", "mqtts://broker.lan"}, {"OCCUPANCY_MQTT_CA_FILE", ca.string()}});
  const auto c = parse_config(kMinimal, "home.yaml", tls);
  CHECK(c.mqtt.tls());
  CHECK(c.mqtt.server_uri == "ssl://broker.lan:8883");
  CHECK(c.mqtt.ca_file == ca.string());
  CHECK_THAT(error_of(kMinimal, env_of({{"OCCUPANCY_MQTT_CA_FILE", ca.string()}})),
             Catch::Contains("mqtt.ca_file") && Catch::Contains("not mqtts://"));
  CHECK_THAT(error_of(kMinimal, env_of({{"OCCUPANCY_MQTT_URL", "mqtts://broker.lan"},
                                        {"OCCUPANCY_MQTT_CA_FILE", "/nonexistent/ca.crt"}})),
             Catch::Contains("no such file: /nonexistent/ca.crt"));
  CHECK_THAT(error_of(kMinimal + "mqtt: { url: mqtts://broker.lan, cert_file: " + ca.string() + " }\n"),
             Catch::Contains("needs both cert_file and key_file"));
}

TEST_CASE("secrets: a password in the file's URLs is refused, a secret file others can read is a warning", "[config]") {
  CHECK_THAT(
      error_of(kMinimal + "mqtt: { url: 'mqtt://suite:hunter2@broker.lan' }\n"),
      Catch::Contains("mqtt.url") && Catch::Contains("password in the URL is refused") && !Catch::Contains("hunter2"));
  CHECK_THAT(error_of(kMinimal + "database: { url: 'postgresql://occ:hunter2@db/occ' }\n"),
             Catch::Contains("database.url") && !Catch::Contains("hunter2"));
  // The environment may carry one (a unit's EnvironmentFile, readable by root only).
  CHECK(parse_config(kMinimal, "home.yaml", env_of({{"OCCUPANCY_MQTT_URL", "mqtt://suite:pw@broker.lan"}}))
            .mqtt.password.reveal() == "pw");

  const auto file = std::filesystem::temp_directory_path() / "occupancy-test-mqtt.password";
  std::ofstream(file) << "pw\n";
  std::filesystem::permissions(file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write |
                                         std::filesystem::perms::group_read | std::filesystem::perms::others_read);
  auto c = parse_config(kMinimal, "home.yaml", env_of({{"OCCUPANCY_MQTT_PASSWORD_FILE", file.string()}}));
  REQUIRE(c.warnings.size() == 1);
  CHECK_THAT(c.warnings[0], Catch::Contains("can be read by other users (mode 0644)") && !Catch::Contains("pw\n"));
  std::filesystem::permissions(file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  c = parse_config(kMinimal, "home.yaml", env_of({{"OCCUPANCY_MQTT_PASSWORD_FILE", file.string()}}));
  CHECK(c.warnings.empty());
}

TEST_CASE("a prediction API beyond loopback without a token is a warning at start", "[config]") {
  const auto open = kMinimal + "publisher: { http: { bind: 0.0.0.0, port: 9485 } }\n";
  auto c = parse_config(open, "home.yaml", no_env());
  REQUIRE(c.warnings.size() == 1);
  CHECK_THAT(c.warnings[0], Catch::Contains("listens on 0.0.0.0 without a token"));
  CHECK(parse_config(open, "home.yaml", env_of({{"OCCUPANCY_API_TOKEN", "t"}})).warnings.empty());
  CHECK(parse_config(kMinimal + "publisher: { http: { bind: 127.0.0.1, port: 9485 } }\n", "home.yaml", no_env())
            .warnings.empty());
}

TEST_CASE(
    "the archive's spool directory: the file's key, OCCUPANCY_STATE_DIR over it, systemd's STATE_DIRECTORY "
    "when neither is set",
    "[config]") {
  CHECK(parse_config(kMinimal, "home.yaml", no_env()).archive.spool_file("h", "cleaner").empty());
  const auto in_file =
      parse_config(kMinimal + "archive: { spool_dir: /srv/spool, memory_max_mb: 2 }\n", "home.yaml", no_env());
  CHECK(in_file.archive.spool_file("h", "cleaner") == "/srv/spool/h-cleaner.spool");
  CHECK(in_file.archive.memory_max_mb == 2);
  CHECK(parse_config(kMinimal + "archive: { spool_dir: /srv/spool }\n", "home.yaml",
                     env_of({{"OCCUPANCY_STATE_DIR", "/var/lib/x"}}))
            .archive.spool_dir == "/var/lib/x");
  CHECK(parse_config(kMinimal, "home.yaml", env_of({{"STATE_DIRECTORY", "/var/lib/occupancy/cleaner:/other"}}))
            .archive.spool_dir == "/var/lib/occupancy/cleaner");
  CHECK_THAT(error_of(kMinimal + "archive: { memory_max_mb: 0 }\n"), Catch::Contains("memory_max_mb"));
}

TEST_CASE("OCCUPANCY_HTTP_BIND moves every service's HTTP address (containers), ports stay", "[config]") {
  const auto shipped = load_config(std::string(OCCUPANCY_SOURCE_DIR) + "/config/home.yaml", no_env());
  CHECK(shipped.http_for("predictor").bind == "127.0.0.1");
  const auto text = [] {
    std::ifstream in(std::string(OCCUPANCY_SOURCE_DIR) + "/config/home.yaml");
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }();
  const auto c = parse_config(text, "home.yaml", env_of({{"OCCUPANCY_HTTP_BIND", "0.0.0.0"}}));
  for (const char* service : {"ingestor", "cleaner", "feature", "predictor", "publisher"}) {
    INFO(service);
    CHECK(c.http_for(service).bind == "0.0.0.0");
    CHECK(c.http_for(service).port == shipped.http_for(service).port);
  }
}

TEST_CASE("the payload limit is configurable within bounds", "[config]") {
  CHECK(parse_config(kMinimal, "home.yaml", no_env()).mqtt_max_payload_bytes == 262144);
  CHECK(parse_config(kMinimal + "mqtt: { max_payload_bytes: 65536 }\n", "home.yaml", no_env()).mqtt_max_payload_bytes ==
        65536);
  CHECK_THAT(error_of(kMinimal + "mqtt: { max_payload_bytes: 100 }\n"), Catch::Contains("mqtt.max_payload_bytes"));
  CHECK_THAT(error_of(kMinimal + "mqtt: { max_payload_bytes: 1e9 }\n"), Catch::Contains("mqtt.max_payload_bytes"));
}
