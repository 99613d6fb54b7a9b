-- Shadow evaluation: a candidate version predicts beside the active one on live data before it
-- may replace it. shadow_since: when its shadow began (NULL: never in shadow); decision: why it
-- was promoted or retired, in words.
ALTER TABLE models ADD COLUMN shadow_since timestamptz;
ALTER TABLE models ADD COLUMN decision text;

-- predictor: the candidate's forecasts, never published, scored on the same outcomes as the
-- active version's (filled together with predictions.outcome).
CREATE TABLE shadow_predictions (
  home          text             NOT NULL,
  room          text             NOT NULL,
  ts            timestamptz      NOT NULL,
  horizon_min   integer          NOT NULL,
  probability   double precision NOT NULL CHECK (probability BETWEEN 0 AND 1),
  model_version text             NOT NULL,
  fallback      text,
  outcome       boolean,
  PRIMARY KEY (home, model_version, room, ts, horizon_min)
);
