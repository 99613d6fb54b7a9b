#pragma once
// What a backup needs from the database besides pg_dump: a digest of every table (row count and
// an order-independent checksum), so that a restore can prove it brought back the same rows, and
// the connection's parameters for pg_dump/pg_restore as environment variables (the password
// never on a command line, where `ps` would show it).
#include <map>
#include <string>
#include <vector>

#include "occupancy/store/database.hpp"

namespace occupancy::store {

struct TableDigest {
  std::string table;
  long long rows = 0;
  std::string checksum;  // md5 over the rows' md5s in sorted order ("" for an empty table)
  bool operator==(const TableDigest&) const = default;
};

/// Every table of schema public, by name.
std::vector<TableDigest> digest_tables(Database& db);

/// `{"created_at": ..., "tables": [{"table", "rows", "checksum"}...]}` and back (throws
/// std::runtime_error naming what is wrong).
std::string digests_to_json(const std::vector<TableDigest>& digests, const std::string& created_at);
std::vector<TableDigest> digests_from_json(const std::string& json);

/// True when schema public holds no table (a fresh database).
bool database_is_empty(Database& db);

/// PGHOST, PGPORT, PGUSER, PGDATABASE and PGPASSWORD of the live connection.
std::map<std::string, std::string> libpq_environment(Database& db);

}  // namespace occupancy::store
