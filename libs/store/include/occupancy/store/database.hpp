#pragma once
// A PostgreSQL connection (libpq). The URI is a secret: errors and logs show it redacted.
#include <libpq-fe.h>

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "occupancy/config/secret.hpp"

namespace occupancy::store {

class DatabaseError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The server cannot be reached or refused the login (as opposed to a failing statement).
class DatabaseUnavailable : public DatabaseError {
 public:
  using DatabaseError::DatabaseError;
};

/// A query result (owns the PGresult).
class Result {
 public:
  explicit Result(PGresult* r) : r_(r, &PQclear) {}
  int rows() const { return PQntuples(r_.get()); }
  std::string text(int row, int col) const { return PQgetvalue(r_.get(), row, col); }
  PGresult* get() const { return r_.get(); }
  std::string affected() const { return PQcmdTuples(r_.get()); }  // rows an INSERT/UPDATE touched

 private:
  std::unique_ptr<PGresult, void (*)(PGresult*)> r_;
};

class Database {
 public:
  /// Connects with a libpq URI or keyword string; an empty one uses the PG* variables.
  explicit Database(const config::Secret& url);
  Database(Database&&) noexcept = default;
  Database& operator=(Database&&) noexcept = default;

  /// Runs SQL (several statements allowed when no params). Throws DatabaseError.
  Result exec(const std::string& sql, const std::vector<std::optional<std::string>>& params = {});

  PGconn* raw() { return conn_.get(); }
  std::string describe() const;  // "db@host:port" without credentials

 private:
  std::unique_ptr<PGconn, void (*)(PGconn*)> conn_;
};

/// Runs `work` between BEGIN and COMMIT; on any exception, rolls back (if the connection still
/// can) and rethrows.
template <class Work>
void in_transaction(Database& db, Work&& work) {
  db.exec("BEGIN");
  try {
    work();
    db.exec("COMMIT");
  } catch (...) {
    try {
      db.exec("ROLLBACK");
    } catch (const DatabaseError&) {  // the connection itself is gone; the caller reconnects
    }
    throw;
  }
}

}  // namespace occupancy::store
