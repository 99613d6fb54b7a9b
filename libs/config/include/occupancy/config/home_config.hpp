#pragma once
// The home config (config/home.yaml): rooms, zones, entities, horizons, cat rules, and one
// section per service. Loaded once at start, validated against config/home.schema.json and
// cross-checked (an entity's room must exist, ...). Rooms are data, never a C++ enum.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "occupancy/config/connection.hpp"
#include "occupancy/config/secret.hpp"
#include "occupancy/core/event_time.hpp"
#include "occupancy/core/timezone.hpp"

namespace occupancy::config {

/// A config error names the file, the key and what was expected.
class ConfigError : public std::runtime_error {
 public:
  ConfigError(const std::string& file, const std::string& key, const std::string& what)
      : std::runtime_error(file + ": " + (key.empty() ? std::string() : "key '" + key + "': ") + what), key_(key) {}
  const std::string& key() const { return key_; }

 private:
  std::string key_;
};

struct Zone {
  std::string id;
  std::string person;  // empty = shared zone
};

struct Room {
  std::string id;
  std::string name;
  std::vector<Zone> zones;
  std::vector<int> horizons_min;  // what it is forecast for: its own list, else the home's (sorted)
  bool has_zone(std::string_view zone) const;
};

struct Entity {
  std::string entity_id;
  std::string room;
  std::string zone;
  std::string kind;        // presence | motion | door | light (the contract's enum)
  bool heartbeat = false;  // reports periodically even when unchanged: silence is then a gap
};

struct CatFilterRules {
  bool enabled = true;
  double hold_window_s = 10;
  double cross_room_transition_s = 5;
  int cross_room_min_rooms = 2;  // rooms waking within cross_room_transition_s of each other that make a hop
  double exclusive_zone_window_s = 10;
  std::vector<std::vector<std::string>> exclusive_zones;  // "room/zone" groups
  double path_window_s = 30;    // a human entering a room came from a room left this recently...
  std::string entrance;         // ...or through this "room/zone" door from outside; empty = no path rule
  double episode_quiet_s = 30;  // a room's sensors all off this long ends an episode (cat or human)
  // Rules that need to know what the sensors cover; a bare entity list cannot say, so
  // `home_from_entities` turns them off (a seat mat is not the whole living room, and sparse
  // real sensors leave a person unseen for minutes while they sit still).
  bool motion_needs_presence = true;  // motion in a room with presence sensors that see nobody
  bool path_rule = true;              // nobody could have come (needs `entrance`)
  // The house everyone left: after the front door (`entrance`) with no activity inside for this
  // long, motion is the pet's until the door is used again (0: off).
  double away_after_min = 15;
};

struct CleanerSettings {
  double motion_hold_min = 5;               // rooms without presence sensors: occupied after a pulse
  double motion_hold_with_presence_s = 60;  // rooms with presence sensors: presence decides
  double sticky_max_min = 720;    // a motion-only room stays occupied until activity elsewhere, at most this long
  double door_grace_s = 30;       // a door change with no motion after it for this long ends the stay
  double max_off_latency_s = 60;  // a person's zone still on this long after they appear elsewhere is stuck
  std::map<std::string, double, std::less<>> silence_limit_min{{"presence", 5}, {"motion", 60}};  // heartbeat entities
  bool archive = true;  // clean readings, transitions and gaps to PostgreSQL
};

/// How every service's PostgreSQL archive waits for the database (store::ArchiveWriter).
struct ArchiveSettings {
  int batch = 500;               // items per write
  double memory_max_mb = 16;     // waiting in memory; beyond, they go to the spool
  std::string spool_dir;         // archive.spool_dir, else OCCUPANCY_STATE_DIR, else systemd's STATE_DIRECTORY
  double spool_max_mb = 1024;    // a spool this large takes no more: beyond, items are dropped (counted)
  int history_days = 180;        // `occupancy train --from-db` learns from this many days before the newest
  double write_stalled_s = 150;  // a write unanswered this long is interrupted (a hung server)
  /// The spool of `service` ("<spool_dir>/<home>-<service>.spool"); empty without a spool_dir.
  std::filesystem::path spool_file(std::string_view home, std::string_view service) const;
};

struct HttpSettings {
  std::string bind = "127.0.0.1";
  int port = 0;  // 0 = no HTTP endpoint
};

struct LoggingSettings {
  std::string level = "info";
  std::string format = "text";
};

struct IngestorSettings {
  std::string ha_url;        // empty = no Home Assistant: only the wall clock is published
  std::string ha_host;       // parsed from ha_url at load
  std::string ha_base_path;  // its path, if any: http://supervisor/core from an add-on
  std::uint16_t ha_port = 8123;
  bool ha_tls = false;     // https:// (and wss:// for the WebSocket API)
  std::string ha_ca_file;  // TLS: the CA to trust; empty = the system's CA store
  Secret ha_token;
  bool wall_clock = true;  // false: event time follows the events (a simulated HA)
  bool archive = true;     // every published reading to PostgreSQL's raw_readings
  double ping_interval_s = 30, backoff_max_s = 60;
};

struct PublisherSettings {
  int expire_after_s = 900;
  double heartbeat_min = 10, deadband_pct = 2, deadband_min = 1, threshold_pct = 50;
  std::map<std::string, double, std::less<>> room_thresholds;
  Secret api_token;  // empty = the HTTP API needs no token
  double threshold_for(std::string_view room) const {
    const auto it = room_thresholds.find(room);
    return it == room_thresholds.end() ? threshold_pct : it->second;
  }
};

/// Feature and predictor services: whether they use PostgreSQL (registry, restore, archive).
struct ModelServiceSettings {
  bool registry = true;  // the active model (predictor) / its priors and the room history (feature)
  bool archive = true;   // predictions to PostgreSQL (predictor)
  // A newly trained version that passes the offline gate predicts in shadow beside the active
  // one for this many hours of live minutes before it is promoted or retired (0: promoted at once).
  double shadow_hours = 24;
  // Drift (predictor): the active version worse than the baseline on the same live minutes by
  // more than drift_margin (Brier) over the last drift_window matured minutes, for drift_hold_min.
  double drift_margin = 0.03;
  int drift_window = 720;
  double drift_hold_min = 120;
};

/// The household every core shares: its rooms with their zones, the entities that watch them,
/// the people, the forecast horizons and the time zone. A core takes this and its own section
/// (CleanerSettings, PublisherSettings, ...), never the whole HomeConfig.
struct House {
  std::string home = "home";
  std::string timezone;  // IANA name; empty: UTC
  std::vector<std::string> people;
  std::vector<Room> rooms;
  std::vector<Entity> entities;
  std::vector<int> horizons_min;               // every room's horizons together (sorted): what models learn
  std::vector<int> vacant_within_min{15, 30};  // P(vacant within k min) of an occupied room (sorted)

  const Room* find_room(std::string_view id) const;
  const Entity* find_entity(std::string_view entity_id) const;
  /// The home's time zone (UTC when none is configured); throws if the zone is unknown here.
  TimeZone zone() const;
};

/// The whole config: the house, one section per core, and the connections.
struct HomeConfig : House {
  std::string source;  // the file it came from, for messages
  CatFilterRules cat_filter;
  CleanerSettings cleaner;
  ArchiveSettings archive;
  ModelServiceSettings feature, predictor;
  MqttEndpoint mqtt;
  std::string mqtt_protocol = "3.1.1";
  std::size_t mqtt_max_payload_bytes = 256 * 1024;  // larger payloads are dead letters before any parser
  Secret database_url;                              // empty = libpq's PG* environment variables
  LoggingSettings logging;
  std::map<std::string, HttpSettings, std::less<>> http;  // per service section
  std::string discovery_prefix = "homeassistant";
  PublisherSettings publisher;
  IngestorSettings ingestor;
  EventTimeLimits event_time;         // bounds on event time, enforced where events enter (router, ingest core)
  std::vector<std::string> warnings;  // worth telling the operator at start (e.g. a secret file others can read)

  /// The bounds on event time, against the wall clock when `ingestor.clock` is wall.
  EventTimeGuard event_time_guard() const;
  HttpSettings http_for(std::string_view service) const;
};

/// Reads environment variables; tests pass their own.
using EnvLookup = std::function<std::optional<std::string>(std::string_view)>;
EnvLookup process_environment();

/// Parses and validates config text. `source` names it in errors. Environment variables
/// OCCUPANCY_MQTT_URL, OCCUPANCY_MQTT_PASSWORD(_FILE) and OCCUPANCY_DB_URL override the file.
HomeConfig parse_config(std::string_view yaml_text, const std::string& source, const EnvLookup& env);

/// Loads `path`, or OCCUPANCY_CONFIG, or the project's config/home.yaml, in that order.
HomeConfig load_config(const std::optional<std::filesystem::path>& path, const EnvLookup& env = process_environment());

/// A secret from its file, without the trailing newline; a file other users can read adds a
/// warning. Throws ConfigError when it cannot be read.
Secret read_secret_file(const std::filesystem::path& path, const std::string& what, std::vector<std::string>& warnings);

/// The path load_config would read.
std::filesystem::path resolve_config_path(const std::optional<std::filesystem::path>& path, const EnvLookup& env);

}  // namespace occupancy::config
