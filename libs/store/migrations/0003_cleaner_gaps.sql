-- cleaner: when a room entered its state (may precede the transition's ts, e.g. a door ending
-- a stay), and the gaps in which a sensor's readings cannot be trusted.
ALTER TABLE room_transitions ADD COLUMN since timestamptz;
CREATE TABLE sensor_gaps (
  home       text        NOT NULL,
  entity_id  text        NOT NULL,
  start_ts   timestamptz NOT NULL,
  end_ts     timestamptz,            -- NULL while open
  cause      text        NOT NULL CHECK (cause IN ('unavailable', 'silent', 'contradicted')),
  room       text        NOT NULL,
  zone       text        NOT NULL,
  PRIMARY KEY (home, entity_id, start_ts)
);
