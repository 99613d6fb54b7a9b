#include "copy_readings.hpp"

#include <cstdlib>

namespace occupancy::store::detail {
namespace {

// COPY text format: tab-separated, backslash escapes. Our fields never hold tabs or
// newlines (ids are validated), but escape anyway so a bad value cannot break the stream.
void append_field(std::string& buf, std::string_view v) {
  for (char c : v) {
    if (c == '\t')
      buf += "\\t";
    else if (c == '\n')
      buf += "\\n";
    else if (c == '\\')
      buf += "\\\\";
    else
      buf += c;
  }
}

}  // namespace

size_t copy_readings(Database& db, const std::string& table, const std::string& home,
                     const std::vector<Reading>& readings) {
  if (readings.empty()) return 0;
  db.exec("CREATE TEMP TABLE IF NOT EXISTS " + table + "_in (LIKE " + table + ") ON COMMIT DROP");
  {
    Result start(
        PQexec(db.raw(), ("COPY " + table + "_in (home, entity_id, ts, state, room, zone, kind) FROM STDIN").c_str()));
    if (PQresultStatus(start.get()) != PGRES_COPY_IN)
      throw DatabaseError(std::string("COPY did not start: ") + PQerrorMessage(db.raw()));
  }
  std::string buf;
  buf.reserve(1 << 20);
  auto flush = [&] {
    if (PQputCopyData(db.raw(), buf.data(), static_cast<int>(buf.size())) != 1)
      throw DatabaseError(std::string("COPY failed: ") + PQerrorMessage(db.raw()));
    buf.clear();
  };
  for (const auto& r : readings) {
    append_field(buf, home);
    buf += '\t';
    append_field(buf, r.entity_id);
    buf += '\t';
    buf += format_iso8601(r.ts);
    buf += '\t';
    buf += to_string(r.state);
    buf += '\t';
    append_field(buf, r.room);
    buf += '\t';
    append_field(buf, r.zone);
    buf += '\t';
    append_field(buf, r.kind);
    buf += '\n';
    if (buf.size() > (1 << 20) - 512) flush();
  }
  flush();
  if (PQputCopyEnd(db.raw(), nullptr) != 1)
    throw DatabaseError(std::string("COPY end failed: ") + PQerrorMessage(db.raw()));
  for (PGresult* res; (res = PQgetResult(db.raw())) != nullptr;) {
    Result owned(res);
    if (PQresultStatus(res) != PGRES_COMMAND_OK)
      throw DatabaseError(std::string("COPY failed: ") + PQresultErrorMessage(res));
  }
  const auto inserted = db.exec("INSERT INTO " + table + " SELECT * FROM " + table + "_in ON CONFLICT DO NOTHING");
  db.exec("TRUNCATE " + table + "_in");
  return std::strtoull(inserted.affected().c_str(), nullptr, 10);
}

}  // namespace occupancy::store::detail
