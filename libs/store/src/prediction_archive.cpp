#include "occupancy/store/prediction_archive.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iterator>

#include "spool_records.hpp"

namespace occupancy::store {

namespace {

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
  db.exec(
      "UPDATE shadow_predictions s SET outcome = v.outcome FROM unnest($2::text[], $3::timestamptz[], $4::int[], "
      "$5::bool[]) AS v(room, ts, horizon_min, outcome) WHERE s.home = $1 AND s.room = v.room AND s.ts = v.ts AND "
      "s.horizon_min = v.horizon_min",
      {home, rooms + "}", times + "}", horizons + "}", values + "}"});
}

// Outcomes that arrived before their predictions (a spool replayed out of order) fill them now.
void apply_early_outcomes(Database& db, const std::string& home) {
  db.exec(
      "WITH e AS (DELETE FROM prediction_outcomes_early e USING predictions p WHERE e.home = $1 AND p.home = $1 "
      "AND p.room = e.room AND p.ts = e.ts AND p.horizon_min = e.horizon_min RETURNING e.*), "
      "s AS (UPDATE shadow_predictions s SET outcome = e.outcome FROM e WHERE s.home = $1 AND s.room = e.room AND "
      "s.ts = e.ts AND s.horizon_min = e.horizon_min RETURNING 1) "
      "UPDATE predictions p SET outcome = e.outcome FROM e WHERE p.home = $1 AND p.room = e.room AND p.ts = e.ts "
      "AND p.horizon_min = e.horizon_min",
      {home});
}

// Loads `items` (one row per horizon) with COPY into a scratch table, then into `table`
// (predictions or shadow_predictions, same columns); rows already there are kept.
void copy_predictions(Database& db, const std::string& home, const std::vector<Prediction>& items,
                      const std::string& table) {
  if (items.empty()) return;
  db.exec("CREATE TEMP TABLE IF NOT EXISTS predictions_in (LIKE predictions) ON COMMIT DROP");
  db.exec("TRUNCATE predictions_in");
  {
    Result start(PQexec(db.raw(),
                        "COPY predictions_in (home, room, ts, horizon_min, probability, model_version, fallback, "
                        "trace_id) FROM STDIN"));
    if (PQresultStatus(start.get()) != PGRES_COPY_IN)
      throw DatabaseError(std::string("COPY did not start: ") + PQerrorMessage(db.raw()));
  }
  std::string buf;
  for (const auto& p : items)
    for (const auto& [h, q] : p.occupancy) {
      char num[32];
      std::snprintf(num, sizeof num, "%.9f", q);
      buf += home + '\t' + p.room + '\t' + format_iso8601(p.ts) + '\t' + std::to_string(h) + '\t' + num + '\t' +
             p.model_version + '\t' + (p.fallback ? *p.fallback : std::string("\\N")) + '\t' +
             (p.trace_id.empty() ? std::string("\\N") : p.trace_id) + '\n';
    }
  if (PQputCopyData(db.raw(), buf.data(), static_cast<int>(buf.size())) != 1 || PQputCopyEnd(db.raw(), nullptr) != 1)
    throw DatabaseError(std::string("COPY failed: ") + PQerrorMessage(db.raw()));
  for (PGresult* res; (res = PQgetResult(db.raw())) != nullptr;) {
    Result owned(res);
    if (PQresultStatus(res) != PGRES_COMMAND_OK)
      throw DatabaseError(std::string("COPY failed: ") + PQresultErrorMessage(res));
  }
  db.exec("INSERT INTO " + table +
          " (home, room, ts, horizon_min, probability, model_version, fallback, outcome, trace_id) SELECT home, room, "
          "ts, horizon_min, probability, model_version, fallback, outcome, trace_id FROM predictions_in ON CONFLICT DO "
          "NOTHING");
}

}  // namespace

void PredictionBatch::append(PredictionBatch&& other) {
  detail::move_append(items, other.items);
  detail::move_append(outcomes, other.outcomes);
  detail::move_append(shadow, other.shadow);
}

std::size_t PredictionBatch::bytes() const {
  return detail::approx_bytes(items) + detail::approx_bytes(outcomes) + detail::approx_bytes(shadow);
}

std::string PredictionBatch::to_record() const {
  return detail::write_record([&](detail::JsonWriter& w) {
    detail::write_list(w, "predictions", items);
    detail::write_list(w, "outcomes", outcomes);
    detail::write_list(w, "shadow", shadow);
  });
}

PredictionBatch PredictionBatch::from_record(std::string_view record) {
  const auto d = detail::parse_record(record);
  return {detail::read_list<Prediction>(d, "predictions"), detail::read_list<PredictionOutcome>(d, "outcomes"),
          detail::read_list<Prediction>(d, "shadow")};
}

void archive_predictions(Database& db, const std::string& home, const PredictionBatch& batch) {
  if (batch.size() == 0) return;
  in_transaction(db, [&] {
    copy_predictions(db, home, batch.items, "predictions");
    copy_predictions(db, home, batch.shadow, "shadow_predictions");
    if (!batch.outcomes.empty()) update_outcomes(db, home, batch.outcomes);
    if (!batch.items.empty()) apply_early_outcomes(db, home);
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

std::optional<double> live_brier(Database& db, const std::string& home, const std::string& version, int days) {
  const auto r = db.exec(
      "SELECT avg(power(probability - outcome::int, 2)) FROM predictions WHERE home = $1 AND model_version = $2 AND "
      "outcome IS NOT NULL AND ts >= (SELECT max(ts) FROM predictions WHERE home = $1 AND model_version = $2) - "
      "make_interval(days => $3::int)",
      {home, version, std::to_string(days)});
  if (r.rows() == 0 || PQgetisnull(r.get(), 0, 0)) return std::nullopt;
  return std::stod(r.text(0, 0));
}

std::vector<MaturedPair> load_shadow_pairs(Database& db, const std::string& home, const std::string& candidate) {
  const auto r = db.exec(
      "SELECT p.room, p.horizon_min, (extract(epoch FROM p.ts) * 1000)::bigint, p.probability, s.probability, "
      "p.outcome FROM predictions p JOIN shadow_predictions s ON s.home = p.home AND s.room = p.room AND s.ts = p.ts "
      "AND s.horizon_min = p.horizon_min WHERE p.home = $1 AND s.model_version = $2 AND p.outcome IS NOT NULL "
      "ORDER BY p.ts, p.room, p.horizon_min",
      {home, candidate});
  std::vector<MaturedPair> out;
  out.reserve(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i)
    out.push_back({r.text(i, 0), std::stoi(r.text(i, 1)), std::stoll(r.text(i, 2)), std::stod(r.text(i, 3)),
                   std::stod(r.text(i, 4)), r.text(i, 5) == "t"});
  return out;
}

}  // namespace occupancy::store
