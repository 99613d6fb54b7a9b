#!/usr/bin/env bash
# The backtest as a user with nothing but an HA export runs it: the CASAS sample (../shared/data)
# with entities.csv and its time zone, the last 10 days as test. It must write a self-contained
# report.html and a prediction for every minute of the test period, both horizons, every room.
# Exit 77 (skipped) with the reason where the data is absent.
set -euo pipefail
bin=$1
data=${OCCUPANCY_SHARED_DATA:-$2/../shared/data}/casas-al-smarthome
[ -d "$data" ] || { echo "SKIPPED: recorded data not found at $data"; exit 77; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
set +e
"$bin/occupancy" backtest --history "$data/history.csv" --entities "$data/entities.csv" --tz America/Los_Angeles \
  --test-days 10 --out "$out" | tee "$out/stdout.txt"
rc=${PIPESTATUS[0]}
set -e
# 0: every bar met; 1: a bar missed (reported, still a complete backtest). Anything else is a failure.
[ "$rc" = 0 ] || [ "$rc" = 1 ] || { echo "FAIL: exit $rc"; exit 1; }
grep -q "Quality bars:" "$out/stdout.txt" || { echo "FAIL: no quality bars printed"; exit 1; }
[ "$(head -1 "$out/predictions.csv")" = "ts,room,horizon_min,probability" ] || { echo "FAIL: predictions.csv header"; exit 1; }
rows=$(($(wc -l <"$out/predictions.csv") - 1))
# 6 rooms x 2 horizons x the test minutes (10 days, a little less at the data's end)
[ "$rows" -gt $((6 * 2 * 14000)) ] && [ "$rows" -le $((6 * 2 * 14401)) ] || { echo "FAIL: $rows predictions"; exit 1; }
for room in bathroom bedroom entrance kitchen living_room office; do
  grep -q ",$room,15," "$out/predictions.csv" || { echo "FAIL: no predictions for $room"; exit 1; }
done
grep -q "<svg" "$out/report.html" || { echo "FAIL: report.html has no plots"; exit 1; }
! grep -Eq '<script|src="http|href="http' "$out/report.html" || { echo "FAIL: report.html is not self-contained"; exit 1; }
echo "ok: $rows predictions, report.html written"
