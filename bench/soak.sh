#!/usr/bin/env bash
# Soak: N simulated days (default 100) replayed at maximum speed through the live cleaner,
# feature, predictor and publisher (the ingestor's own core publishes them: `occupancy
# replay`, which at max speed stays an hour of event time ahead of the latest prediction),
# with a trained model. Reports each service's RSS at the start, after the first minute
# (warm), at the peak and at the end, and its private memory at the end (RSS also counts the
# pages of shared libraries); throughput; messages Mosquitto dropped ($SYS); dead letters.
#   deploy/local.sh up && source .state/dev/env && bench/soak.sh [days]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$root/build/bin
days=${1:-100}
: "${OCCUPANCY_MQTT_PORT:?source .state/dev/env after deploy/local.sh up}"
: "${OCCUPANCY_DB_URL:?source .state/dev/env after deploy/local.sh up}"
dir=$(mktemp -d)
home="soak_$$"
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
sed -e "s/^home: home/home: $home/" -e "s/clock: wall /clock: events/" "$root/config/home.yaml" >"$dir/home.yaml"
for s in ingestor cleaner feature predictor publisher; do
  sed -i "/^$s:/,/^[a-z]/ s/port: [0-9]*/port: $(port)/" "$dir/home.yaml"
done
export OCCUPANCY_CONFIG=$dir/home.yaml
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$dir"; }
trap cleanup EXIT
sub() { mosquitto_sub -h 127.0.0.1 -p "$OCCUPANCY_MQTT_PORT" "$@"; }
# mosquitto 2.0.11 publishes this counter only once it is non-zero: silence means none dropped.
dropped() { sub -t '$SYS/broker/publish/messages/dropped' -C 1 -W 15 2>/dev/null || echo "0 (not published)"; }
rss() { awk '/VmRSS/ {printf "%.1f", $2/1024}' "/proc/$1/status"; }
private() { awk '/^Private_(Clean|Dirty)/ {s += $2} END {printf "%.1f", s/1024}' "/proc/$1/smaps_rollup"; }
declare -A peak
sample_peaks() {
  local s r
  for s in cleaner feature predictor publisher ${pid[mosquitto]:+mosquitto}; do
    r=$(rss "${pid[$s]}")
    peak[$s]=$(python3 -c "print(max(float('$r'), float('${peak[$s]:-0}')))")
  done
}

"$bin/occupancy" sim history --days 30 --seed 11 --out "$dir/train.csv" >/dev/null
"$bin/occupancy" train --history "$dir/train.csv" --folds 1 --fold-days 3 --no-publish >/dev/null 2>&1
"$bin/occupancy" sim history --days "$days" --out "$dir/soak.csv" >/dev/null
readings=$(($(wc -l <"$dir/soak.csv") - 1))

declare -A pid
# The broker holds whatever backlog there is: watch it too.
pid[mosquitto]=$(ss -Hltnp "sport = :$OCCUPANCY_MQTT_PORT" 2>/dev/null | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -1)
for s in cleaner feature predictor publisher; do
  "$bin/occupancy-$s" >"$dir/$s.log" 2>&1 &
  pid[$s]=$!
  pids+=($!)
done
mosquitto_sub -h 127.0.0.1 -p "$OCCUPANCY_MQTT_PORT" -t "occupancy/$home/dlq/#" -v >"$dir/dlq.txt" 2>/dev/null &  # not through sub(): $! must be its pid
pids+=($!)
sleep 5
declare -A rss0
for s in cleaner feature predictor publisher; do rss0[$s]=$(rss "${pid[$s]}"); done
drop0=$(dropped)
t0=$(date +%s.%N)
"$bin/occupancy" replay "$dir/soak.csv" --speed max >"$dir/replay.out" 2>"$dir/replay.log" &
replay=$!
declare -A warm
samples=0
while kill -0 "$replay" 2>/dev/null; do
  sleep 5
  sample_peaks
  samples=$((samples + 1))
  if [ "$samples" = 12 ]; then for s in cleaner feature predictor publisher; do warm[$s]=$(rss "${pid[$s]}"); done; fi
done
wait "$replay"
tail -1 "$dir/replay.out"
t1=$(date +%s.%N)
# Drained when the last simulated minute's predictions are out: watch the predictor's output.
last=""
while true; do
  sleep 5
  sample_peaks
  now=$(curl -s "http://127.0.0.1:$(sed -n '/^predictor:/,/^[a-z]/ s/.*port: \([0-9]*\).*/\1/p' "$dir/home.yaml")/metrics" |
    awk '/^occupancy_messages_out_total/ {s += $2} END {print s}')
  [ "$now" = "$last" ] && break
  last=$now
done
t2=$(date +%s.%N)
sleep 35  # let the services hand back the burst's heap (runtime: malloc_trim every 30 s)
drop1=$(dropped)
python3 -c "import sys; d,r,t0,t1,t2,out=sys.argv[1:]; t0,t1,t2=map(float,(t0,t1,t2)); print(f'{d} simulated days: {r} readings replayed in {t1-t0:.1f} s; pipeline drained after {t2-t0:.1f} s: {int(r)/(t2-t0):.0f} readings/s end to end; the predictor published {out} messages')" \
  "$days" "$readings" "$t0" "$t1" "$t2" "$last"
echo "Mosquitto dropped messages: $drop0 before, $drop1 after; dead letters: $(wc -l <"$dir/dlq.txt")"
for s in cleaner feature predictor publisher; do
  p=$(sed -n "/^$s:/,/^[a-z]/ s/.*port: \([0-9]*\).*/\1/p" "$dir/home.yaml")
  archive=$(curl -s "http://127.0.0.1:$p/metrics" |
    awk '/^occupancy_(archive_buffered|archive_written_total|mqtt_inbound_queued_max)/ {printf "%s %s ", $1, $2}')
  echo "occupancy-$s RSS: ${rss0[$s]} MB at the start, ${warm[$s]:-?} MB after a minute, ${peak[$s]} MB at the peak, $(rss "${pid[$s]}") MB at the end, of which $(private "${pid[$s]}") MB private ($archive)"
done
[ -n "${pid[mosquitto]}" ] && echo "mosquitto RSS: ${peak[mosquitto]} MB at the peak, $(rss "${pid[mosquitto]}") MB at the end"
true
