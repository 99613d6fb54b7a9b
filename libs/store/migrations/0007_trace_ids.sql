-- Trace ids (docs/operations.md, Tracing): the change that moved a room, and the room state
-- change a forecast follows. Readings need no column: a reading's id is a function of its time,
-- entity and state, and `occupancy trace` finds it by the time the id starts with.
ALTER TABLE room_transitions ADD COLUMN trace_id text;
ALTER TABLE predictions ADD COLUMN trace_id text;
ALTER TABLE shadow_predictions ADD COLUMN trace_id text;
