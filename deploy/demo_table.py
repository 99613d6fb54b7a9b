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
    rows.append((room, "yes" if s.get("occupied_now") else "no", s.get("occupancy_15_pct", 0),
                 s.get("occupancy_120_pct", 0), change, source, s.get("ts", "")[:16]))
if rows:
    print(f"  {'room':<16}{'occupied':<10}{'P(15 min)':>10}{'P(2 h)':>8}  {'next change':<20}{'simulated time':<18}source")
    for r in sorted(rows):
        print(f"  {r[0]:<16}{r[1]:<10}{r[2]:>9.0f}%{r[3]:>7.0f}%  {r[4]:<20}{r[6]:<18}{r[5]}")
