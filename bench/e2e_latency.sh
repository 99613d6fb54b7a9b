#!/usr/bin/env bash
# End-to-end latency, raw reading -> prediction, through the live cleaner, feature and
# predictor on a real Mosquitto with the wall clock (as against a live Home Assistant).
# The cat filter's hold window (cat_filter.hold_window_s) is part of it and reported apart.
#   deploy/local.sh up && source .state/dev/env && bench/e2e_latency.sh [readings]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$root/build/bin
n=${1:-8}
: "${OCCUPANCY_MQTT_PORT:?source .state/dev/env after deploy/local.sh up}"
dir=$(mktemp -d)
home="lat_$$"
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
sed -e "s/^home: home/home: $home/" -e "s/clock: events/clock: wall/" \
  -e "s/registry: true/registry: false/" -e "s/archive: true/archive: false/" "$root/config/home.yaml" >"$dir/home.yaml"
for s in ingestor cleaner feature predictor publisher; do
  sed -i "/^$s:/,/^[a-z]/ s/port: [0-9]*/port: $(port)/" "$dir/home.yaml"
done
hold=$(sed -n 's/^ *hold_window_s: *\([0-9.]*\).*/\1/p' "$dir/home.yaml")
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$dir"; }
trap cleanup EXIT
for s in cleaner feature predictor; do
  "$bin/occupancy-$s" --config "$dir/home.yaml" >"$dir/$s.log" 2>&1 &
  pids+=($!)
done
sleep 2
mosquitto_sub -h 127.0.0.1 -p "$OCCUPANCY_MQTT_PORT" -t "occupancy/$home/prediction/office" -F '%U %p' >"$dir/predictions.txt" &
pids+=($!)
sleep 1
: >"$dir/sent.txt"
for i in $(seq 1 "$n"); do
  state=$([ $((i % 2)) = 1 ] && echo on || echo off)
  now=$(date -u +%s.%N)
  ts=$(date -u -d "@$now" +%Y-%m-%dT%H:%M:%S.%3NZ)
  mosquitto_pub -h 127.0.0.1 -p "$OCCUPANCY_MQTT_PORT" -q 1 -t "occupancy/$home/raw/office/desk_anca" -m \
    "{\"ts\":\"$ts\",\"entity_id\":\"binary_sensor.office_desk_anca_presence\",\"room\":\"office\",\"zone\":\"desk_anca\",\"kind\":\"presence\",\"state\":\"$state\"}"
  echo "$now $ts" >>"$dir/sent.txt"
  sleep 3
done
sleep $((${hold%.*} + 4))
python3 - "$dir/sent.txt" "$dir/predictions.txt" "$hold" <<'PY'
import json, sys
sent = [l.split() for l in open(sys.argv[1])]
got = {}
for line in open(sys.argv[2]):
    t, payload = line.split(' ', 1)
    ts = json.loads(payload)['ts']
    got.setdefault(ts, float(t))
hold = float(sys.argv[3])
lat = [got[ts] - float(t) for t, ts in sent if ts in got]
if not lat:
    sys.exit('no prediction matched a reading')
lat.sort()
proc = [x - hold for x in lat]
print(f"{len(lat)}/{len(sent)} readings reached a prediction; raw -> prediction: "
      f"median {lat[len(lat)//2]:.3f} s, max {lat[-1]:.3f} s, of which the hold window {hold:.0f} s; "
      f"processing (beyond the hold): median {proc[len(proc)//2]*1000:.0f} ms, max {proc[-1]*1000:.0f} ms")
PY
