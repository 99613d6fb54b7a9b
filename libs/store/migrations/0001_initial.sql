-- The first schema. Each service writes only its own tables (see docs/architecture.md).
-- Times are timestamptz (UTC in, UTC out); `home` lets one database serve several homes.

-- ingestor: every reading as it came from Home Assistant (import, history, live).
CREATE TABLE raw_readings (
  home       text        NOT NULL,
  entity_id  text        NOT NULL,
  ts         timestamptz NOT NULL,
  state      text        NOT NULL CHECK (state IN ('on', 'off', 'unavailable')),
  room       text        NOT NULL,
  zone       text        NOT NULL,
  kind       text        NOT NULL,
  PRIMARY KEY (home, entity_id, ts, state)   -- re-importing the same rows adds nothing
);
CREATE INDEX raw_readings_time ON raw_readings (home, ts);

-- cleaner: accepted readings, and each room's occupancy transitions.
CREATE TABLE clean_readings (
  home       text        NOT NULL,
  entity_id  text        NOT NULL,
  ts         timestamptz NOT NULL,
  state      text        NOT NULL,
  room       text        NOT NULL,
  zone       text        NOT NULL,
  kind       text        NOT NULL,
  PRIMARY KEY (home, entity_id, ts, state)
);
CREATE TABLE room_transitions (
  home         text        NOT NULL,
  room         text        NOT NULL,
  ts           timestamptz NOT NULL,
  occupied     boolean     NOT NULL,
  active_zones text[]      NOT NULL DEFAULT '{}',
  reliable     boolean     NOT NULL,
  PRIMARY KEY (home, room, ts)
);

-- trainer: the model registry; a version's files live beside it.
CREATE TABLE models (
  version       text        PRIMARY KEY,
  home          text        NOT NULL,
  feature_set   text        NOT NULL,
  status        text        NOT NULL CHECK (status IN ('candidate', 'active', 'retired')),
  created_at    timestamptz NOT NULL DEFAULT now(),
  activated_at  timestamptz,
  metrics       jsonb       NOT NULL DEFAULT '{}'
);
CREATE UNIQUE INDEX models_one_active ON models (home) WHERE status = 'active';
CREATE TABLE model_files (
  version  text  NOT NULL REFERENCES models (version) ON DELETE CASCADE,
  room     text  NOT NULL,
  target   text  NOT NULL,   -- e.g. occupied_15, occupied_120, vacant_within_30
  format   text  NOT NULL,   -- ubj or json
  data     bytea NOT NULL,
  PRIMARY KEY (version, room, target)
);

-- predictor: every forecast, and later the outcome it met.
CREATE TABLE predictions (
  home          text             NOT NULL,
  room          text             NOT NULL,
  ts            timestamptz      NOT NULL,
  horizon_min   integer          NOT NULL,
  probability   double precision NOT NULL CHECK (probability BETWEEN 0 AND 1),
  model_version text             NOT NULL,
  fallback      text,
  outcome       boolean,          -- filled once ts + horizon has passed
  PRIMARY KEY (home, room, ts, horizon_min)
);
