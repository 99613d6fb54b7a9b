#include "occupancy/store/prediction_archive.hpp"

#include <cstdio>
#include <cstdlib>
#include <iterator>

namespace occupancy::store {

void PredictionBatch::append(PredictionBatch&& other) {
  items.insert(items.end(), std::make_move_iterator(other.items.begin()), std::make_move_iterator(other.items.end()));
  other.items.clear();
}

std::size_t PredictionBatch::drop_oldest(std::size_t n) {
  n = std::min(n, items.size());
  items.erase(items.begin(), items.begin() + static_cast<std::ptrdiff_t>(n));
  return n;
}

void archive_predictions(Database& db, const std::string& home, const PredictionBatch& batch) {
  if (batch.items.empty()) return;
  in_transaction(db, [&] {
    db.exec("CREATE TEMP TABLE IF NOT EXISTS predictions_in (LIKE predictions) ON COMMIT DROP");
    {
      Result start(PQexec(db.raw(),
                          "COPY predictions_in (home, room, ts, horizon_min, probability, model_version, fallback) "
                          "FROM STDIN"));
      if (PQresultStatus(start.get()) != PGRES_COPY_IN)
        throw DatabaseError(std::string("COPY did not start: ") + PQerrorMessage(db.raw()));
    }
    std::string buf;
    for (const auto& p : batch.items)
      for (const auto& [h, q] : p.occupancy) {
        char num[32];
        std::snprintf(num, sizeof num, "%.9f", q);
        buf += home + '\t' + p.room + '\t' + format_iso8601(p.ts) + '\t' + std::to_string(h) + '\t' + num + '\t' +
               p.model_version + '\t' + (p.fallback ? *p.fallback : std::string("\\N")) + '\n';
      }
    if (PQputCopyData(db.raw(), buf.data(), static_cast<int>(buf.size())) != 1 || PQputCopyEnd(db.raw(), nullptr) != 1)
      throw DatabaseError(std::string("COPY failed: ") + PQerrorMessage(db.raw()));
    for (PGresult* res; (res = PQgetResult(db.raw())) != nullptr;) {
      Result owned(res);
      if (PQresultStatus(res) != PGRES_COMMAND_OK)
        throw DatabaseError(std::string("COPY failed: ") + PQresultErrorMessage(res));
    }
    db.exec("INSERT INTO predictions SELECT * FROM predictions_in ON CONFLICT DO NOTHING");
  });
}

std::size_t count_predictions(Database& db, const std::string& home) {
  return std::strtoull(db.exec("SELECT count(*) FROM predictions WHERE home = $1", {home}).text(0, 0).c_str(), nullptr,
                       10);
}

}  // namespace occupancy::store
