#!/usr/bin/env python3
"""Writes day.csv, the recorded day the blueprint test walks: one room's HA states minute by
minute — its "Occupied" sensor and its two forecasts — from a simulated home.

Where it came from (2026-12-01): the parity integration test's run on the simulator
(`occupancy sim history`, then `occupancy backtest --test-days 1`): its history CSV gives the
room's sensors, its predictions.csv the model's forecasts for the last day. Occupied = a desk
presence sensor on, or motion within the last 5 minutes (the cleaner's motion hold). Time to
vacancy, for the notification blueprint, is the minutes until that stay really ended (a perfect
forecast: the blueprint's logic is under test here, not the model).

usage: make_day.py HISTORY.csv PREDICTIONS.csv ROOM > day.csv
"""
import csv
import sys
from datetime import datetime, timedelta, timezone

history, predictions, room = sys.argv[1:4]


def t(s):
    return datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)


changes = sorted((t(r["last_changed"]), r["entity_id"], r["state"]) for r in csv.DictReader(open(history))
                 if r["entity_id"].startswith(f"binary_sensor.{room}_"))
forecast = {}
for r in csv.DictReader(open(predictions)):
    if r["room"] == room:
        forecast.setdefault(t(r["ts"]), {})[r["horizon_min"]] = round(100 * float(r["probability"]), 1)

rows = []
state, last_motion, i = {}, None, 0
for minute in sorted(forecast):
    while i < len(changes) and changes[i][0] <= minute:
        when, entity, value = changes[i]
        state[entity] = value
        if entity.endswith("_motion") and value == "on":
            last_motion = when
        i += 1
    presence = any(v == "on" for e, v in state.items() if e.endswith("_presence"))
    moving = state.get(f"binary_sensor.{room}_motion") == "on" or (
        last_motion is not None and minute - last_motion <= timedelta(minutes=5))
    f = forecast[minute]
    rows.append([minute.strftime("%Y-%m-%dT%H:%M:%SZ"), "on" if presence or moving else "off", f["15"], f["120"]])

out = csv.writer(sys.stdout, lineterminator="\n")
out.writerow(["ts", "occupied", "occupancy_15_pct", "occupancy_120_pct", "minutes_to_vacancy"])
end = None  # walking backwards: the minute the current stay ends
for k in range(len(rows) - 1, -1, -1):
    if rows[k][1] == "off":
        end = k
        rows[k].append("unknown")
    else:
        rows[k].append(str(end - k) if end is not None else "unknown")
for r in rows:
    out.writerow(r)
