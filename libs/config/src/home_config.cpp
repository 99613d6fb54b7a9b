#include "occupancy/config/home_config.hpp"

#include <fmt/format.h>
#include <rapidjson/pointer.h>
#include <rapidjson/schema.h>
#include <rapidjson/stringbuffer.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>

#include "config_schema.hpp"
#include "occupancy/config/yaml_json.hpp"
#include "occupancy/core/utf8.hpp"
#include "sections.hpp"

namespace occupancy::config {
namespace {

// "/rooms/2/zones" -> "rooms[2].zones"
std::string key_of(const std::string& pointer) {
  std::string key;
  std::istringstream in(pointer);
  std::string part;
  std::getline(in, part, '/');  // leading empty part
  while (std::getline(in, part, '/')) {
    if (!part.empty() && part.find_first_not_of("0123456789") == std::string::npos)
      key += "[" + part + "]";
    else
      key += (key.empty() ? "" : ".") + part;
  }
  return key;
}

std::string type_name(const rapidjson::Value& v) {
  if (v.IsNull()) return "null";
  if (v.IsBool()) return "a boolean";
  if (v.IsInt64() || v.IsUint64()) return "an integer";
  if (v.IsNumber()) return "a number";
  if (v.IsString()) return "a string '" + std::string(v.GetString()) + "'";
  if (v.IsArray()) return "a list";
  return "a mapping";
}

std::string join_json(const rapidjson::Value& arr) {
  std::string out;
  for (const auto& v : arr.GetArray()) {
    if (!out.empty()) out += ", ";
    if (v.IsString())
      out += v.GetString();
    else if (v.IsNumber())
      out += fmt::format("{}", v.GetDouble());
  }
  return out;
}

// A sentence for the failed keyword, from the schema node that failed and the value found.
std::string expectation(const std::string& keyword, const rapidjson::Value& rule, const rapidjson::Value* found,
                        std::string& key) {
  const auto& r = rule;
  if (keyword == "type") {
    const auto& t = r["type"];
    return "expected " + (t.IsArray() ? join_json(t) : std::string(t.GetString())) + ", got " +
           (found ? type_name(*found) : "nothing");
  }
  if (keyword == "required" && found && found->IsObject()) {
    for (const auto& name : r["required"].GetArray())
      if (!found->HasMember(name.GetString())) {
        key += (key.empty() ? "" : ".") + std::string(name.GetString());
        return "missing (required)";
      }
  }
  if (keyword == "additionalProperties") {
    const auto props = r.FindMember("properties");
    std::string known;
    if (props != r.MemberEnd())
      for (const auto& p : props->value.GetObject())
        known += (known.empty() ? "" : ", ") + std::string(p.name.GetString());
    // RapidJSON 1.1 points at the unknown member itself; newer versions at its object.
    if (found && found->IsObject() && props != r.MemberEnd())
      for (const auto& m : found->GetObject())
        if (!props->value.HasMember(m.name)) {
          key += (key.empty() ? "" : ".") + std::string(m.name.GetString());
          break;
        }
    return "unknown key (expected one of: " + known + ")";
  }
  if (keyword == "enum")
    return "expected one of " + join_json(r["enum"]) + ", got " + (found ? type_name(*found) : "nothing");
  if (keyword == "pattern")
    return "expected text matching " + std::string(r["pattern"].GetString()) + ", got " +
           (found ? type_name(*found) : "nothing");
  if (keyword == "minimum" || keyword == "maximum" || keyword == "minItems" || keyword == "minLength")
    return fmt::format("expected {} {}, got {}", keyword, r[keyword.c_str()].GetDouble(),
                       found ? type_name(*found) : "nothing");
  if (keyword == "uniqueItems") return "expected no repeated items";
  return "violates '" + keyword + "'";
}

// config/home.schema.json, compiled once; the raw document also explains failures.
struct ConfigSchema {
  rapidjson::Document raw;
  std::unique_ptr<rapidjson::SchemaDocument> compiled;
  ConfigSchema() {
    const auto f = embedded::files()[0];
    raw.Parse(f.text.data(), f.text.size());
    compiled = std::make_unique<rapidjson::SchemaDocument>(raw);
  }
};

const ConfigSchema& config_schema() {
  static const ConfigSchema schema;
  return schema;
}

std::string read_text(const std::filesystem::path& p, const std::string& what) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw ConfigError(p.string(), "", "cannot read " + what);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

// Readable by group or others is worth a warning (the token or password is then one `cat`
// away for every local user), not a refusal (some setups share a group on purpose).
Secret read_secret_file(const std::filesystem::path& p, const std::string& what, std::vector<std::string>& warnings) {
  std::error_code ec;
  const auto perms = std::filesystem::status(p, ec).permissions();
  using std::filesystem::perms;
  if (!ec && (perms & (perms::group_all | perms::others_all)) != perms::none)
    warnings.push_back(what + " " + p.string() + " can be read by other users (mode " +
                       fmt::format("{:04o}", static_cast<unsigned>(perms & perms::mask)) + "); chmod 600 it");
  return Secret(trim(read_text(p, what)));
}

std::string str(const rapidjson::Value& obj, const char* name, std::string fallback) {
  const auto it = obj.FindMember(name);
  return it != obj.MemberEnd() && it->value.IsString() ? it->value.GetString() : fallback;
}

bool Room::has_zone(std::string_view zone) const {
  for (const auto& z : zones)
    if (z.id == zone) return true;
  return false;
}

std::filesystem::path ArchiveSettings::spool_file(std::string_view home, std::string_view service) const {
  if (spool_dir.empty()) return {};
  return std::filesystem::path(spool_dir) / (std::string(home) + "-" + std::string(service) + ".spool");
}

EventTimeGuard HomeConfig::event_time_guard() const {
  return EventTimeGuard(event_time, ingestor.wall_clock ? std::function<Millis()>(wall_clock_now) : nullptr);
}

TimeZone House::zone() const { return timezone.empty() ? TimeZone::utc() : TimeZone::load(timezone); }

const Room* House::find_room(std::string_view id) const {
  for (const auto& r : rooms)
    if (r.id == id) return &r;
  return nullptr;
}

const Entity* House::find_entity(std::string_view entity_id) const {
  for (const auto& e : entities)
    if (e.entity_id == entity_id) return &e;
  return nullptr;
}

HttpSettings HomeConfig::http_for(std::string_view service) const {
  const auto it = http.find(service);
  return it == http.end() ? HttpSettings{} : it->second;
}

EnvLookup process_environment() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* v = std::getenv(std::string(name).c_str());
    if (v == nullptr || *v == '\0') return std::nullopt;
    return std::string(v);
  };
}

HomeConfig parse_config(std::string_view yaml_text, const std::string& source, const EnvLookup& env) {
  if (const auto bad = invalid_utf8_at(yaml_text))
    throw ConfigError(source, "", "not valid UTF-8 (byte " + std::to_string(*bad) + ")");
  rapidjson::Document doc;
  try {
    doc = yaml_to_json(yaml_text);
  } catch (const std::exception& e) {
    throw ConfigError(source, "", e.what());
  }
  if (!doc.IsObject()) throw ConfigError(source, "", "expected a mapping at the top level, got " + type_name(doc));

  const auto& schema = config_schema();
  rapidjson::SchemaValidator validator(*schema.compiled);
  if (!doc.Accept(validator)) {
    rapidjson::StringBuffer where, rule;
    validator.GetInvalidDocumentPointer().StringifyUriFragment(where);
    validator.GetInvalidSchemaPointer().StringifyUriFragment(rule);
    std::string doc_ptr = where.GetString(), schema_ptr = rule.GetString();
    if (!doc_ptr.empty() && doc_ptr[0] == '#') doc_ptr.erase(0, 1);
    if (!schema_ptr.empty() && schema_ptr[0] == '#') schema_ptr.erase(0, 1);
    const auto* found = rapidjson::Pointer(doc_ptr.c_str()).Get(doc);
    const auto* rule_node = rapidjson::Pointer(schema_ptr.c_str()).Get(schema.raw);
    std::string key = key_of(doc_ptr);
    const std::string keyword = validator.GetInvalidSchemaKeyword();
    const std::string what = rule_node ? expectation(keyword, *rule_node, found, key) : "violates '" + keyword + "'";
    throw ConfigError(source, key, what);
  }

  HomeConfig c;
  c.source = source;
  read_house(doc, source, c);

  if (doc.HasMember("cat_filter")) read_cat_filter(doc["cat_filter"], c, source, c.cat_filter);

  // Connections: the environment completes and overrides the file; secrets never live in it.
  std::string mqtt_url = "mqtt://127.0.0.1:1883";
  std::string password_file, ca_file, cert_file, key_file;
  if (doc.HasMember("mqtt")) {
    mqtt_url = str(doc["mqtt"], "url", mqtt_url);
    password_file = str(doc["mqtt"], "password_file");
    c.mqtt_protocol = str(doc["mqtt"], "protocol", c.mqtt_protocol);
    if (doc["mqtt"].HasMember("max_payload_bytes"))  // the schema bounds it
      c.mqtt_max_payload_bytes = static_cast<std::size_t>(doc["mqtt"]["max_payload_bytes"].GetInt64());
    ca_file = str(doc["mqtt"], "ca_file");
    cert_file = str(doc["mqtt"], "cert_file");
    key_file = str(doc["mqtt"], "key_file");
  }
  // Secrets never live in the config file (it is shared, versioned, printed): a password in
  // its URLs is refused. The environment may carry one.
  try {
    if (!parse_mqtt_url(mqtt_url).password.empty())
      throw ConfigError(
          source, "mqtt.url",
          "a password in the URL is refused here: use OCCUPANCY_MQTT_PASSWORD(_FILE) or mqtt.password_file");
  } catch (const std::invalid_argument&) {  // named below, once the environment had its say
  }
  if (doc.HasMember("database") && redact_uri(str(doc["database"], "url")) != str(doc["database"], "url"))
    throw ConfigError(source, "database.url",
                      "a password in the URL is refused here: use OCCUPANCY_DB_URL or PGPASSFILE");
  if (auto v = env("OCCUPANCY_MQTT_URL")) mqtt_url = *v;
  if (auto v = env("OCCUPANCY_MQTT_CA_FILE")) ca_file = *v;
  try {
    c.mqtt = parse_mqtt_url(mqtt_url);
  } catch (const std::invalid_argument& e) {
    throw ConfigError(source, "mqtt.url", e.what());
  }
  if (!c.mqtt.tls() && !(ca_file.empty() && cert_file.empty() && key_file.empty()))
    throw ConfigError(source, "mqtt.ca_file", "TLS files are set but mqtt.url is not mqtts://");
  if (cert_file.empty() != key_file.empty())
    throw ConfigError(source, "mqtt.cert_file", "a client certificate needs both cert_file and key_file");
  for (const auto& [key, file] :
       {std::pair{"mqtt.ca_file", &ca_file}, {"mqtt.cert_file", &cert_file}, {"mqtt.key_file", &key_file}})
    if (!file->empty() && !std::filesystem::is_regular_file(*file))
      throw ConfigError(source, key, "no such file: " + *file);
  c.mqtt.ca_file = ca_file;
  c.mqtt.cert_file = cert_file;
  c.mqtt.key_file = key_file;
  if (auto f = env("OCCUPANCY_MQTT_PASSWORD_FILE")) password_file = *f;
  if (auto p = env("OCCUPANCY_MQTT_PASSWORD")) {
    c.mqtt.password = Secret(*p);
  } else if (!password_file.empty()) {
    c.mqtt.password = read_secret_file(password_file, "the MQTT password file (mqtt.password_file)", c.warnings);
  }

  if (doc.HasMember("database")) c.database_url = Secret(str(doc["database"], "url"));
  if (auto v = env("OCCUPANCY_DB_URL")) c.database_url = Secret(*v);

  if (doc.HasMember("logging")) {
    c.logging.level = str(doc["logging"], "level", c.logging.level);
    c.logging.format = str(doc["logging"], "format", c.logging.format);
  }
  if (auto v = env("OCCUPANCY_LOG_LEVEL")) c.logging.level = *v;
  if (auto v = env("OCCUPANCY_LOG_FORMAT")) c.logging.format = *v;

  for (const char* service :
       {"ingestor", "cleaner", "feature", "predictor", "publisher", "trainer"}) {  // http sections
    if (!doc.HasMember(service)) continue;
    const auto& section = doc[service];
    if (section.HasMember("http")) {
      HttpSettings h;
      h.bind = str(section["http"], "bind", h.bind);
      if (section["http"].HasMember("port")) h.port = section["http"]["port"].GetInt();
      c.http.emplace(service, h);
    }
  }
  // In a container every service listens on all interfaces (compose.yaml); elsewhere the
  // config's addresses (loopback by default) stand.
  if (auto v = env("OCCUPANCY_HTTP_BIND"); v && !v->empty())
    for (const char* service : {"ingestor", "cleaner", "feature", "predictor", "publisher", "trainer"}) {
      auto h = c.http_for(service);
      h.bind = *v;
      c.http[service] = h;
    }
  if (doc.HasMember("cleaner")) read_cleaner(doc["cleaner"], c.cleaner);
  if (doc.HasMember("feature")) read_model_service(doc["feature"], c.feature);
  if (doc.HasMember("predictor")) read_model_service(doc["predictor"], c.predictor);
  if (doc.HasMember("archive")) {
    const auto& a = doc["archive"];
    if (a.HasMember("batch")) c.archive.batch = a["batch"].GetInt();
    if (a.HasMember("memory_max_mb")) c.archive.memory_max_mb = a["memory_max_mb"].GetDouble();
    if (a.HasMember("spool_max_mb")) c.archive.spool_max_mb = a["spool_max_mb"].GetDouble();
    if (a.HasMember("history_days")) c.archive.history_days = a["history_days"].GetInt();
    if (a.HasMember("write_stalled_s")) c.archive.write_stalled_s = a["write_stalled_s"].GetDouble();
    c.archive.spool_dir = str(a, "spool_dir");
  }
  if (auto v = env("OCCUPANCY_STATE_DIR"); v && !v->empty()) c.archive.spool_dir = *v;
  if (auto v = env("STATE_DIRECTORY"); v && !v->empty() && c.archive.spool_dir.empty())
    c.archive.spool_dir = v->substr(0, v->find(':'));  // systemd's StateDirectory= (the first, if several)
  if (doc.HasMember("event_time")) {
    const auto& e = doc["event_time"];
    if (e.HasMember("max_ahead_s"))
      c.event_time.max_ahead = static_cast<Millis>(std::llround(e["max_ahead_s"].GetDouble() * 1000));
    if (e.HasMember("max_span_days"))
      c.event_time.max_span = static_cast<Millis>(std::llround(e["max_span_days"].GetDouble() * kDay));
  }
  read_ingestor(doc.HasMember("ingestor") ? &doc["ingestor"] : nullptr, env, source, c.ingestor, c.warnings);

  read_publisher(doc.HasMember("publisher") ? &doc["publisher"] : nullptr, env, source, c, c.publisher,
                 c.discovery_prefix, c.warnings);
  if (const auto api = c.http_for("publisher");
      api.port != 0 && c.publisher.api_token.empty() && api.bind != "127.0.0.1" && api.bind != "::1")
    c.warnings.push_back("the prediction API listens on " + api.bind +
                         " without a token: anyone who can reach it can read when rooms are occupied (set "
                         "publisher.api_token_file or OCCUPANCY_API_TOKEN_FILE)");

  if (std::filesystem::exists("/usr/share/zoneinfo") && !std::filesystem::exists("/usr/share/zoneinfo/" + c.timezone))
    throw ConfigError(source, "timezone",
                      "expected an IANA time zone such as Europe/Bucharest, got '" + c.timezone + "'");
  return c;
}

std::filesystem::path resolve_config_path(const std::optional<std::filesystem::path>& path, const EnvLookup& env) {
  if (path) return *path;
  if (auto v = env("OCCUPANCY_CONFIG")) return *v;
  return OCCUPANCY_DEFAULT_CONFIG;
}

HomeConfig load_config(const std::optional<std::filesystem::path>& path, const EnvLookup& env) {
  const auto p = resolve_config_path(path, env);
  return parse_config(read_text(p, "the home config"), p.string(), env);
}

}  // namespace occupancy::config
