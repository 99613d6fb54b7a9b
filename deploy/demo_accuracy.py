#!/usr/bin/env python3
"""Summarises the predictor's matured-prediction metrics (Prometheus text on stdin)."""
import re
import sys

scores = {}
for line in sys.stdin:
    # occupancy_prediction_accuracy_ratio (a ratio, Prometheus' unit suffix), _brier, _matured
    m = re.match(r'occupancy_prediction_(accuracy|brier|matured)(?:_ratio)?\{room="([^"]+)",horizon_min="(\d+)"\} (\S+)', line)
    if m:
        scores.setdefault((m.group(2), int(m.group(3))), {})[m.group(1)] = float(m.group(4))
if not scores:
    print("  no prediction has matured yet (run longer: --hours N)")
for (room, h), s in sorted(scores.items()):
    print(f"  {room:<16} {h:>4} min ahead: accuracy {s.get('accuracy', 0) * 100:5.1f}%  "
          f"Brier {s.get('brier', 0):.3f}  ({s.get('matured', 0):.0f} predictions matured)")
