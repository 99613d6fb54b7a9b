#include "occupancy/store/migrations.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>

#include "migrations.hpp"

namespace occupancy::store {

std::string checksum(const std::string& text) {  // FNV-1a 64: stable across builds
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : text) h = (h ^ c) * 1099511628211ULL;
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

std::vector<Migration> builtin_migrations() {
  std::vector<Migration> out;
  for (const auto& f : embedded::files()) {
    std::string name(f.name);
    out.push_back({name.substr(0, name.size() - 4), std::string(f.text)});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.version < b.version; });
  return out;
}

std::vector<std::string> applied_migrations(Database& db) {
  std::vector<std::string> out;
  if (db.exec("SELECT to_regclass('schema_migrations') IS NOT NULL").text(0, 0) != "t") return out;
  auto r = db.exec("SELECT version FROM schema_migrations ORDER BY version");
  for (int i = 0; i < r.rows(); ++i) out.push_back(r.text(i, 0));
  return out;
}

std::vector<std::string> migrate(Database& db, const std::vector<Migration>& migrations) {
  db.exec("SELECT pg_advisory_lock(7428190)");  // one migrator at a time
  std::vector<std::string> applied;
  try {
    db.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
    for (const auto& m : migrations) {
      auto r = db.exec("SELECT checksum FROM schema_migrations WHERE version = $1", {m.version});
      if (r.rows() == 1) {
        if (r.text(0, 0) != checksum(m.sql))
          throw DatabaseError("migration " + m.version +
                              " was changed after it was applied; add a new migration instead");
        continue;
      }
      db.exec("BEGIN");
      try {
        db.exec(m.sql);
        db.exec("INSERT INTO schema_migrations (version, checksum) VALUES ($1, $2)", {m.version, checksum(m.sql)});
        db.exec("COMMIT");
      } catch (const DatabaseError& e) {
        db.exec("ROLLBACK");
        throw DatabaseError("migration " + m.version + " failed: " + e.what());
      }
      spdlog::info("applied migration {}", m.version);
      applied.push_back(m.version);
    }
  } catch (...) {
    db.exec("SELECT pg_advisory_unlock(7428190)");
    throw;
  }
  db.exec("SELECT pg_advisory_unlock(7428190)");
  return applied;
}

}  // namespace occupancy::store
