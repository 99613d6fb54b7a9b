#!/usr/bin/env python3
"""How well can anyone estimate when a stay ends, from the room and how long the stay has lasted?

Reads the rooms.csv written by `occupancy clean` and, for every minute of every stay whose end
was seen, compares the real remaining time with an in-sample oracle: the median remaining time
of all stays of the same room at the same elapsed time (5-minute buckets), taken from the whole
file, the test days included. No forecaster that sees only the room, the elapsed time and the
past can beat this oracle on average, so its share within +/-15 min is a ceiling for them.

usage: vacancy_ceiling.py rooms.csv [rooms.csv ...]"""
import csv
import statistics
import sys
from collections import defaultdict
from datetime import datetime


def ms(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000


def stays(path):
    by_room = defaultdict(list)
    with open(path) as f:
        for row in csv.DictReader(f):
            by_room[row["room"]].append((ms(row["ts"]), row["occupied"] == "true", row["reliable"] == "true"))
    for room, changes in by_room.items():
        for (t0, occ, rel), (t1, _, rel_next) in zip(changes, changes[1:]):
            if occ and rel and rel_next:
                yield room, (t1 - t0) / 60000.0


for path in sys.argv[1:]:
    minutes = []  # (room, elapsed bucket, remaining)
    for room, length in stays(path):
        for elapsed in range(int(length)):
            minutes.append((room, elapsed // 5, length - elapsed))
    groups = defaultdict(list)
    for room, bucket, remaining in minutes:
        groups[(room, bucket)].append(remaining)
    oracle = {k: statistics.median(v) for k, v in groups.items()}
    hit = sum(abs(oracle[(room, bucket)] - remaining) <= 15 for room, bucket, remaining in minutes)
    long_share = sum(remaining > 60 for _, _, remaining in minutes) / max(1, len(minutes))
    print(f"{path}: {len(minutes)} stay-minutes, oracle within +/-15 min {hit / max(1, len(minutes)):.1%}, "
          f"{long_share:.0%} of them more than an hour before the stay's end")
