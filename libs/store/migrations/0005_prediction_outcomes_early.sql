-- predictor: an outcome whose prediction is not archived yet (its archive replays a spool, in
-- any order) waits here, and fills predictions.outcome when the prediction arrives.
CREATE TABLE prediction_outcomes_early (
  home         text        NOT NULL,
  room         text        NOT NULL,
  ts           timestamptz NOT NULL,
  horizon_min  integer     NOT NULL,
  outcome      boolean     NOT NULL,
  PRIMARY KEY (home, room, ts, horizon_min)
);
