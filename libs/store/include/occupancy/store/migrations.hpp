#pragma once
// Plain SQL migrations (libs/store/migrations/NNNN_name.sql, compiled in), applied in order
// and recorded with a checksum in schema_migrations. An applied file that changed is an error.
#include <string>
#include <vector>

#include "occupancy/store/database.hpp"

namespace occupancy::store {

struct Migration {
  std::string version;  // the file name without .sql, e.g. 0001_initial
  std::string sql;
};

std::vector<Migration> builtin_migrations();

/// Applies what is missing, each in its own transaction, under an advisory lock so two
/// processes cannot migrate at once. Returns the versions applied now.
std::vector<std::string> migrate(Database& db, const std::vector<Migration>& migrations);

/// Versions recorded in schema_migrations (empty if the table does not exist).
std::vector<std::string> applied_migrations(Database& db);

std::string checksum(const std::string& text);

}  // namespace occupancy::store
