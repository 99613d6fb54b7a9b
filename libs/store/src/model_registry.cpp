#include "occupancy/store/model_registry.hpp"

namespace occupancy::store {
namespace {

constexpr const char* kColumns =
    "version, home, feature_set, status, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
    "coalesce(to_char(activated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), ''), metrics::text, "
    "coalesce(to_char(shadow_since AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), ''), coalesce(decision, '')";

std::vector<ModelRecord> records(const Result& r) {
  std::vector<ModelRecord> out;
  for (int i = 0; i < r.rows(); ++i)
    out.push_back({r.text(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3), r.text(i, 4), r.text(i, 5), r.text(i, 6),
                   r.text(i, 7), r.text(i, 8)});
  return out;
}

std::string to_hex(const std::string& bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

std::string from_hex(const std::string& hex) {
  std::string out;
  out.reserve(hex.size() / 2);
  const auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    out += static_cast<char>((nibble(hex[i]) << 4) | nibble(hex[i + 1]));
  return out;
}

std::optional<ModelRecord> first(std::vector<ModelRecord> v) {
  if (v.empty()) return std::nullopt;
  return std::move(v.front());
}

}  // namespace

void register_model(Database& db, const ModelRecord& m, const std::vector<ModelFile>& files) {
  in_transaction(db, [&] {
    db.exec("INSERT INTO models (version, home, feature_set, status, metrics) VALUES ($1, $2, $3, 'candidate', $4)",
            {m.version, m.home, m.feature_set, m.metrics_json});
    for (const auto& f : files)
      db.exec(
          "INSERT INTO model_files (version, room, target, format, data) VALUES ($1, $2, $3, $4, decode($5, 'hex'))",
          {m.version, f.room, f.target, f.format, to_hex(f.data)});
  });
}

std::vector<ModelRecord> list_models(Database& db, const std::string& home) {
  return records(
      db.exec(std::string("SELECT ") + kColumns + " FROM models WHERE home = $1 ORDER BY created_at DESC, version DESC",
              {home}));
}

std::optional<ModelRecord> find_model(Database& db, const std::string& version) {
  return first(records(db.exec(std::string("SELECT ") + kColumns + " FROM models WHERE version = $1", {version})));
}

std::optional<ModelRecord> active_model(Database& db, const std::string& home) {
  return first(records(
      db.exec(std::string("SELECT ") + kColumns + " FROM models WHERE home = $1 AND status = 'active'", {home})));
}

std::optional<ModelRecord> previous_model(Database& db, const std::string& home) {
  return first(records(db.exec(std::string("SELECT ") + kColumns +
                                   " FROM models WHERE home = $1 AND status = 'retired' AND activated_at IS NOT NULL "
                                   "ORDER BY retired_at DESC NULLS LAST, activated_at DESC LIMIT 1",
                               {home})));
}

std::vector<ModelFile> load_model_files(Database& db, const std::string& version) {
  const auto r = db.exec(
      "SELECT room, target, format, encode(data, 'hex') FROM model_files WHERE version = $1 ORDER BY room, target",
      {version});
  std::vector<ModelFile> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back({r.text(i, 0), r.text(i, 1), r.text(i, 2), from_hex(r.text(i, 3))});
  return out;
}

ModelRecord activate_model(Database& db, const std::string& home, const std::string& version) {
  in_transaction(db, [&] {
    const auto found = db.exec("SELECT 1 FROM models WHERE home = $1 AND version = $2 FOR UPDATE", {home, version});
    if (found.rows() == 0) throw DatabaseError("no model version '" + version + "' for home '" + home + "'");
    db.exec(
        "UPDATE models SET status = 'retired', retired_at = now() WHERE home = $1 AND status = 'active' AND version <> "
        "$2",
        {home, version});
    db.exec("UPDATE models SET status = 'active', activated_at = now() WHERE version = $1", {version});
  });
  return *find_model(db, version);
}

ModelRecord start_shadow(Database& db, const std::string& home, const std::string& version) {
  in_transaction(db, [&] {
    const auto found = db.exec(
        "SELECT 1 FROM models WHERE home = $1 AND version = $2 AND status = 'candidate' FOR UPDATE", {home, version});
    if (found.rows() == 0) throw DatabaseError("no candidate version '" + version + "' for home '" + home + "'");
    db.exec(
        "UPDATE models SET status = 'retired', retired_at = now(), decision = 'superseded by ' || $2 "
        "WHERE home = $1 AND status = 'candidate' AND shadow_since IS NOT NULL AND version <> $2",
        {home, version});
    db.exec("UPDATE models SET shadow_since = now(), decision = NULL WHERE version = $1", {version});
  });
  return *find_model(db, version);
}

std::optional<ModelRecord> shadow_model(Database& db, const std::string& home) {
  return first(records(db.exec(std::string("SELECT ") + kColumns +
                                   " FROM models WHERE home = $1 AND status = 'candidate' AND shadow_since IS NOT NULL "
                                   "ORDER BY shadow_since DESC LIMIT 1",
                               {home})));
}

ModelRecord decide_shadow(Database& db, const std::string& home, const std::string& version, bool promote,
                          const std::string& reason) {
  const auto found =
      db.exec("SELECT 1 FROM models WHERE home = $1 AND version = $2 AND status = 'candidate'", {home, version});
  if (found.rows() == 0) throw DatabaseError("'" + version + "' is not a candidate of home '" + home + "'");
  if (promote) activate_model(db, home, version);
  db.exec(std::string("UPDATE models SET decision = $3") + (promote ? "" : ", status = 'retired', retired_at = now()") +
              " WHERE home = $1 AND version = $2",
          {home, version, reason});
  return *find_model(db, version);
}

std::optional<ModelToServe> model_to_serve(Database& db, const std::string& home,
                                           const std::optional<std::string>& version) {
  auto record = version ? find_model(db, *version) : active_model(db, home);
  if (!record) {
    if (version) throw DatabaseError("model " + *version + " is not in the registry");
    return std::nullopt;
  }
  auto files = load_model_files(db, record->version);
  return ModelToServe{std::move(*record), std::move(files)};
}

}  // namespace occupancy::store
