#include "occupancy/store/database.hpp"

#include <spdlog/spdlog.h>

#include <vector>

namespace occupancy::store {
namespace {

void route_notice(void*, const char* message) {
  std::string m(message);
  while (!m.empty() && m.back() == '\n') m.pop_back();
  spdlog::debug("postgres: {}", m);
}

// A database that accepts connections but never answers must not hang a service or a job:
// libpq gives up connecting after connect_timeout, the server ends a statement after
// statement_timeout, and TCP keepalives notice a peer that went away. Set before the URL's own
// parameters, which win.
PGconn* connect_with_timeouts(const std::string& url) {
  std::vector<const char*> keys{"connect_timeout",     "options",         "keepalives", "keepalives_idle",
                                "keepalives_interval", "keepalives_count"};
  std::vector<const char*> values{"5", "-c statement_timeout=120000", "1", "30", "10", "3"};
  if (!url.empty()) {
    keys.push_back("dbname");  // expanded: a URI or a key=value string, as PQconnectdb takes
    values.push_back(url.c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  return PQconnectdbParams(keys.data(), values.data(), 1);
}

}  // namespace

Database::Database(const config::Secret& url) : conn_(connect_with_timeouts(url.reveal()), &PQfinish) {
  if (PQstatus(conn_.get()) != CONNECTION_OK) {
    std::string err = PQerrorMessage(conn_.get());
    while (!err.empty() && err.back() == '\n') err.pop_back();
    throw DatabaseUnavailable("cannot connect to PostgreSQL (" +
                              (url.empty() ? std::string("PG* environment") : config::redact_uri(url.reveal())) +
                              "): " + err);
  }
  PQsetNoticeProcessor(conn_.get(), &route_notice, nullptr);
}

Result Database::exec(const std::string& sql, const std::vector<std::optional<std::string>>& params) {
  PGresult* r;
  if (params.empty()) {
    r = PQexec(conn_.get(), sql.c_str());
  } else {
    std::vector<const char*> values;
    for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
    r = PQexecParams(conn_.get(), sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr,
                     nullptr, 0);
  }
  Result result(r);
  const auto status = PQresultStatus(r);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    std::string err = PQresultErrorMessage(r);
    while (!err.empty() && err.back() == '\n') err.pop_back();
    throw DatabaseError(err);
  }
  return result;
}

std::string Database::describe() const {
  return std::string(PQdb(conn_.get())) + "@" + PQhost(conn_.get()) + ":" + PQport(conn_.get());
}

}  // namespace occupancy::store
