#include "occupancy/store/database.hpp"

#include <spdlog/spdlog.h>

namespace occupancy::store {
namespace {

void route_notice(void*, const char* message) {
  std::string m(message);
  while (!m.empty() && m.back() == '\n') m.pop_back();
  spdlog::debug("postgres: {}", m);
}

}  // namespace

Database::Database(const config::Secret& url) : conn_(PQconnectdb(url.reveal().c_str()), &PQfinish) {
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
