#include "occupancy/store/prediction_archive.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iterator>

#include "spool_records.hpp"

namespace occupancy::store {

namespace {

template <typename T>
void move_append(std::vector<T>& to, std::vector<T>& from) {
  to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
  from.clear();
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
  // An outcome whose prediction is not archived yet waits for it (see apply_early_outcomes).
  db.exec(
      "WITH v AS (SELECT * FROM unnest($2::text[], $3::timestamptz[], $4::int[], $5::bool[]) "
      "AS v(room, ts, horizon_min, outcome)), "
      "done AS (UPDATE predictions p SET outcome = v.outcome FROM v WHERE p.home = $1 AND p.room = v.room "
      "AND p.ts = v.ts AND p.horizon_min = v.horizon_min RETURNING p.room, p.ts, p.horizon_min) "
      "INSERT INTO prediction_outcomes_early (home, room, ts, horizon_min, outcome) "
      "SELECT $1, v.room, v.ts, v.horizon_min, v.outcome FROM v WHERE NOT EXISTS (SELECT 1 FROM done d "
      "WHERE d.room = v.room AND d.ts = v.ts AND d.horizon_min = v.horizon_min) ON CONFLICT DO NOTHING",
      {home, rooms + "}", times + "}", horizons + "}", values + "}"});
}

// Outcomes that arrived before their predictions (a spool replayed out of order) fill them now.
void apply_early_outcomes(Database& db, const std::string& home) {
  db.exec(
      "WITH e AS (DELETE FROM prediction_outcomes_early e USING predictions p WHERE e.home = $1 AND p.home = $1 "
      "AND p.room = e.room AND p.ts = e.ts AND p.horizon_min = e.horizon_min RETURNING e.*) "
      "UPDATE predictions p SET outcome = e.outcome FROM e WHERE p.home = $1 AND p.room = e.room AND p.ts = e.ts "
      "AND p.horizon_min = e.horizon_min",
      {home});
}

}  // namespace

void PredictionBatch::append(PredictionBatch&& other) {
  move_append(items, other.items);
  move_append(outcomes, other.outcomes);
}

std::size_t PredictionBatch::bytes() const { return detail::approx_bytes(items) + detail::approx_bytes(outcomes); }

std::string PredictionBatch::to_record() const {
  return detail::write_record([&](detail::JsonWriter& w) {
    detail::write_list(w, "predictions", items);
    detail::write_list(w, "outcomes", outcomes);
  });
}

PredictionBatch PredictionBatch::from_record(std::string_view record) {
  const auto d = detail::parse_record(record);
  return {detail::read_list<Prediction>(d, "predictions"), detail::read_list<PredictionOutcome>(d, "outcomes")};
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
    apply_early_outcomes(db, home);
  });
}

std::vector<Prediction> load_pending_predictions(Database& db, const std::string& home, int max_horizon_min) {
  const auto r = db.exec(
      "SELECT room, to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), horizon_min, probability, "
      "model_version, fallback FROM predictions WHERE home = $1 AND outcome IS NULL AND ts >= (SELECT max(ts) FROM "
      "predictions WHERE home = $1) - make_interval(mins => $2::int + 1) ORDER BY ts, room, horizon_min",
      {home, std::to_string(max_horizon_min)});
  std::vector<Prediction> out;
  for (int i = 0; i < r.rows(); ++i) {
    const std::string room = r.text(i, 0);
    const Millis ts = parse_iso8601(r.text(i, 1)).value_or(0);
    if (out.empty() || out.back().room != room || out.back().ts != ts) {
      Prediction p;
      p.room = room;
      p.ts = ts;
      p.model_version = r.text(i, 4);
      if (!PQgetisnull(r.get(), i, 5)) p.fallback = r.text(i, 5);
      out.push_back(std::move(p));
    }
    out.back().occupancy[std::stoi(r.text(i, 2))] = std::stod(r.text(i, 3));
  }
  return out;
}

}  // namespace occupancy::store
