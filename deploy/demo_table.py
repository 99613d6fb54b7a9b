#!/usr/bin/env python3
"""Prints the demo's live table from `mosquitto_sub -v -t 'occupancy/<home>/ha/+'` lines on stdin."""
import json
import sys

DAY_MIN = 24 * 60  # the models' longest duration: "not within a day"


def minutes(m):
    return "> 24 h" if m >= DAY_MIN else f"{m:.0f} min"


rows = []
for line in sys.stdin:
    topic, _, payload = line.strip().partition(" ")
    try:
        s = json.loads(payload)
    except ValueError:
        continue
    room = topic.rsplit("/", 1)[-1]
    if s.get("minutes_to_vacancy") is not None:
        change = f"vacant in {minutes(s['minutes_to_vacancy'])}"
    elif s.get("minutes_to_next_occupancy") is not None:
        change = f"used in {minutes(s['minutes_to_next_occupancy'])}"
    else:
        change = "-"
    source = s.get("model_version", "?") + (f" (fallback {s['fallback']})" if s.get("fallback") else "")
    p = s.get("occupancy_pct", {})  # the configured horizons, minutes -> %
    rows.append((room, "yes" if s.get("occupied_now") else "no", p, change, source, s.get("ts", "")[:16]))
if rows:
    horizons = sorted({int(h) for r in rows for h in r[2]})
    label = lambda h: f"P({h // 60} h)" if h % 60 == 0 else f"P({h} min)"
    print(f"  {'room':<16}{'occupied':<10}" + "".join(f"{label(h):>11}" for h in horizons)
          + f"  {'next change':<20}{'simulated time':<18}source")
    for r in sorted(rows, key=lambda r: r[0]):
        cells = "".join(f"{r[2][str(h)]:>10.0f}%" if str(h) in r[2] else f"{'-':>11}" for h in horizons)
        print(f"  {r[0]:<16}{r[1]:<10}{cells}  {r[3]:<20}{r[5]:<18}{r[4]}")
