#include "occupancy/store/prediction_archive.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iterator>

namespace occupancy::store {

namespace {

template <typename T>
void move_append(std::vector<T>& to, std::vector<T>& from) {
  to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
  from.clear();
}

template <typename T>
std::size_t erase_front(std::vector<T>& v, std::size_t n) {
  n = std::min(n, v.size());
  v.erase(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(n));
  return n;
}

// Outcomes as PostgreSQL array literals, for one UPDATE ... FROM unnest(...). Room ids are
// [a-z0-9_] (config schema) and timestamps ISO 8601: nothing to quote.
void update_outcomes(Database& db, const std::string& home, const std::vector<PredictionOutcome>& outcomes) {
  std::string rooms = "{", times = "{", horizons = "{", values = "{";
  for (const auto& o : outcomes) {
    const char* sep = rooms.size() > 1 ? "," : "";
    rooms += sep + o.room;
    times += sep + format_iso8601(o.made_at);
    horizons += sep + std::to_string(o.horizon_min);
    values += std::string(sep) + (o.occupied ? "t" : "f");
  }
  db.exec(
      "UPDATE predictions p SET outcome = v.outcome "
      "FROM unnest($2::text[], $3::timestamptz[], $4::int[], $5::bool[]) AS v(room, ts, horizon_min, outcome) "
      "WHERE p.home = $1 AND p.room = v.room AND p.ts = v.ts AND p.horizon_min = v.horizon_min",
      {home, rooms + "}", times + "}", horizons + "}", values + "}"});
}

}  // namespace

void PredictionBatch::append(PredictionBatch&& other) {
  move_append(items, other.items);
  move_append(outcomes, other.outcomes);
}

std::size_t PredictionBatch::drop_oldest(std::size_t n) {
  const std::size_t dropped = erase_front(items, n);
  return dropped + erase_front(outcomes, n - dropped);
}

void archive_predictions(Database& db, const std::string& home, const PredictionBatch& batch) {
  if (batch.items.empty() && batch.outcomes.empty()) return;
  in_transaction(db, [&] {
    if (batch.items.empty()) return update_outcomes(db, home, batch.outcomes);
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
    if (!batch.outcomes.empty()) update_outcomes(db, home, batch.outcomes);
  });
}

}  // namespace occupancy::store
