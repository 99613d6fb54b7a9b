-- trainer: when a version stopped being active, so `occupancy models rollback` returns to the
-- one active just before the current one.
ALTER TABLE models ADD COLUMN retired_at timestamptz;
