#!/usr/bin/env bash
# deploy/local.sh: everything on one Debian 12 machine, no Docker.
#   demo   install, build, start private Mosquitto + PostgreSQL, simulate a home and its HA,
#          import its history, train a model, run the suite live and show it
#          (options: --hours N simulated hours, default 24; --forever; --history-days N)
#   test   install, build, start private servers, run unit + integration tests (ctest)
#   up     start only the private servers and print the environment that points at them
#   down   stop what `up` started
#   build  install and build only
#   sanitize [SECONDS]  unit tests under ASan+UBSan, then every libFuzzer target for SECONDS (30)
#          (OCCUPANCY_SANITIZE_OPT=-O1 on a first configure: faster fuzzing, slower build)
# Servers live under .state/ (git-ignored) on free loopback ports, and are stopped on exit,
# Ctrl-C or failure (except after `up`).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE_ROOT="$ROOT/.state"
BUILD="$ROOT/build"
PG_BIN=/usr/lib/postgresql/15/bin
JOBS=$(nproc 2>/dev/null || echo 2)

# Each step says how long the script has run so far (where CI's time goes).
log() { printf '\033[1m==> [%dm%02ds] %s\033[0m\n' $((SECONDS / 60)) $((SECONDS % 60)) "$*" >&2; }
die() { printf 'local.sh: %s\n' "$*" >&2; exit 1; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

ensure_packages() {
  local p cmd missing=()
  while read -r p cmd; do
    case "$p" in ''|'#'*) continue ;; esac
    [ -n "$cmd" ] && command -v "$cmd" >/dev/null && continue
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done <"$ROOT/deploy/packages.txt"
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${#missing[@]} Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq
  as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

build() {
  local launcher=()
  command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  # Let clones in other folders (CI's clean clone) share the compiler cache.
  export CCACHE_BASEDIR="$ROOT" CCACHE_NOHASHDIR=1
  if [ ! -f "$BUILD/CMakeCache.txt" ]; then
    log "configuring (build/)"
    # Release: debug info is a quarter of the compile time, and a cold build must leave CI's
    # 30 minutes room for the tests (OCCUPANCY_BUILD_TYPE=RelWithDebInfo for a debugger).
    # -O2 as RelWithDebInfo has it, not Release's -O3 (slower to compile; GCC 12 then warns
    # falsely about std::string copies).
    # Unity mode (a target's sources compiled together) halves the compile time again: the
    # headers (spdlog, fmt, RapidJSON, Paho) are parsed once per target instead of once per file.
    cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE="${OCCUPANCY_BUILD_TYPE:-Release}" \
      -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" -DCMAKE_UNITY_BUILD=ON \
      -DOCCUPANCY_WERROR="${OCCUPANCY_WERROR:-ON}" "${launcher[@]}" >/dev/null
  fi
  log "building"
  cmake --build "$BUILD" -j "$JOBS" 2>&1 | grep -Ev '^\[ *[0-9]+(%|/[0-9]+)\] (Building|Linking|Built|Generating)' || true
  [ "${PIPESTATUS[0]}" = 0 ] || die "build failed"
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Below Linux's ephemeral range (32768-60999): a port picked there can be taken meanwhile by an
# outgoing connection's local end (the demo's trainer once failed to listen so).
free_port() {
  local p
  for _ in $(seq 1 200); do
    p=$((20000 + RANDOM % 12000))
    port_in_use "$p" || { echo "$p"; return; }
  done
  die "no free port found"
}

wait_port() {
  for _ in $(seq 1 100); do port_in_use "$1" && return 0; sleep 0.1; done
  die "nothing listens on port $1 ($2)"
}

# start_servers DIR: a private Mosquitto and PostgreSQL; writes DIR/env.
start_servers() {
  local dir=$1 mqtt_port pg_port
  mkdir -p "$dir"
  mqtt_port=$(free_port)
  {
    echo "listener $mqtt_port 127.0.0.1"
    echo "allow_anonymous true"
    echo "max_queued_messages 0"   # never drop QoS 1 to a slow subscriber
    echo "persistence false"
    echo "sys_interval 1"
    echo "pid_file $dir/mosquitto.pid"
    echo "log_dest file $dir/mosquitto.log"
    [ "$(id -u)" = 0 ] && echo "user root"
  } >"$dir/mosquitto.conf"
  # Its start-up warnings (e.g. about running as root) go to its log, not the user's screen.
  mosquitto -c "$dir/mosquitto.conf" -d 2>>"$dir/mosquitto.log"
  wait_port "$mqtt_port" "mosquitto; see $dir/mosquitto.log"

  # initdb refuses root: run PostgreSQL as the postgres user, in a folder it can reach.
  local pg_dir="$dir/pg" run=()
  if [ "$(id -u)" = 0 ]; then
    run=(runuser -u postgres --)
    mkdir -p "$pg_dir" && chown postgres "$pg_dir"
    if ! runuser -u postgres -- test -w "$pg_dir"; then
      pg_dir=$(mktemp -d /tmp/occupancy-pg.XXXXXX) && chown postgres "$pg_dir"
    fi
  fi
  echo "$pg_dir" >"$dir/pg_dir"
  if [ ! -f "$pg_dir/data/PG_VERSION" ]; then
    "${run[@]}" "$PG_BIN/initdb" -D "$pg_dir/data" -A trust -U postgres -E UTF8 >/dev/null
  fi
  pg_port=$(free_port)
  "${run[@]}" "$PG_BIN/pg_ctl" -D "$pg_dir/data" -w -l "$pg_dir/postgres.log" \
    -o "-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
  "${run[@]}" psql -h 127.0.0.1 -p "$pg_port" -U postgres -qtAc \
    "SELECT 1 FROM pg_database WHERE datname='occupancy'" | grep -q 1 ||
    "${run[@]}" createdb -h 127.0.0.1 -p "$pg_port" -U postgres occupancy

  cat >"$dir/env" <<ENV
export OCCUPANCY_MQTT_URL=mqtt://127.0.0.1:$mqtt_port
export OCCUPANCY_DB_URL=postgresql://postgres@127.0.0.1:$pg_port/occupancy
export OCCUPANCY_MQTT_HOST=127.0.0.1 OCCUPANCY_MQTT_PORT=$mqtt_port
export PGHOST=127.0.0.1 PGPORT=$pg_port PGUSER=postgres PGDATABASE=occupancy
export OCCUPANCY_STATE_DIR=$dir/spool
ENV
}

stop_servers() {
  local dir=$1
  [ -d "$dir" ] || return 0
  if [ -f "$dir/mosquitto.pid" ]; then
    kill "$(cat "$dir/mosquitto.pid")" 2>/dev/null || true
    rm -f "$dir/mosquitto.pid"
  fi
  if [ -f "$dir/pg_dir" ]; then
    local pg_dir run=()
    pg_dir=$(cat "$dir/pg_dir")
    [ "$(id -u)" = 0 ] && run=(runuser -u postgres --)
    [ -f "$pg_dir/data/postmaster.pid" ] && "${run[@]}" "$PG_BIN/pg_ctl" -D "$pg_dir/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
}

run_tests() {
  local dir="$STATE_ROOT/test"
  stop_servers "$dir"
  rm -rf "$dir"
  trap 'stop_servers "'"$dir"'"' EXIT
  trap 'exit 130' INT TERM
  start_servers "$dir"
  # shellcheck disable=SC1091
  source "$dir/env"
  # npm tools (AsyncAPI's parser, swagger-parser, HA's JS client) are cached per user, so clean clones reuse them.
  export OCCUPANCY_NODE_DIR="${OCCUPANCY_NODE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/occupancy-predictor/node}"
  "$BUILD/bin/occupancy" db migrate >/dev/null  # the services' archives write here
  log "testing against Mosquitto on $OCCUPANCY_MQTT_PORT and PostgreSQL on $PGPORT"
  cd "$BUILD"
  ctest --output-on-failure -j "$JOBS" --timeout 600 "$@"
}

# A second build (build-san/, clang): libraries and unit tests under AddressSanitizer and
# UndefinedBehaviorSanitizer, and the libFuzzer targets of tests/fuzz, each run for a bounded time.
run_sanitized() {
  local seconds=${1:-30} san="$ROOT/build-san" launcher=()
  command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  export CCACHE_BASEDIR="$ROOT" CCACHE_NOHASHDIR=1
  if [ ! -f "$san/CMakeCache.txt" ]; then
    log "configuring (build-san/, clang with ASan, UBSan and libFuzzer)"
    CXX=clang++ cmake -S "$ROOT" -B "$san" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DOCCUPANCY_SANITIZE=ON \
      -DCMAKE_UNITY_BUILD=ON -DOCCUPANCY_SANITIZE_OPT="${OCCUPANCY_SANITIZE_OPT:--O0}" \
      "${launcher[@]}" >/dev/null
  fi
  log "building (sanitized)"
  cmake --build "$san" -j "$JOBS" 2>&1 | grep -Ev '^\[ *[0-9]+(%|/[0-9]+)\] (Building|Linking|Built|Generating)' || true
  [ "${PIPESTATUS[0]}" = 0 ] || die "sanitized build failed"
  # The recorded-data tests and the adaptation replay (twenty trainings: minutes under ASan; its
  # parts have sanitized tests of their own) run in the plain build only.
  log "unit tests under ASan + UBSan (the recorded-data tests and the adaptation replay run in the plain build)"
  (cd "$san" && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --output-on-failure -j "$JOBS" -L unit -E 'on ../shared/data|adaptation replay')
  log "fuzzing every parser for ${seconds}s each"
  "$ROOT/tests/fuzz/run.sh" "$san/fuzz" "$seconds"
}

run_demo() {
  # Options: --hours N (simulated hours to run live, default 24), --forever, --history-days N.
  local hours=24 forever=0 history_days=${DEMO_HISTORY_DAYS:-120}
  while [ $# -gt 0 ]; do
    case "$1" in
      --hours) hours=$2; shift 2 ;;
      --forever) forever=1; shift ;;
      --history-days) history_days=$2; shift 2 ;;
      *) die "demo: unknown option $1 (--hours N, --forever, --history-days N)" ;;
    esac
  done
  local dir="$STATE_ROOT/demo"
  stop_servers "$dir"
  rm -rf "$dir"
  DEMO_DIR=$dir
  DEMO_PIDS=()
  # shellcheck disable=SC2317
  cleanup() {
    local p
    for p in "${DEMO_PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
    for p in "${DEMO_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
    stop_servers "$DEMO_DIR"
  }
  trap cleanup EXIT
  trap 'exit 130' INT TERM
  start_servers "$dir"
  # shellcheck disable=SC1091
  source "$dir/env"
  "$BUILD/bin/occupancy" db migrate

  # The shipped config, pointed at a simulated Home Assistant, with free HTTP ports.
  local ha_port s p publisher_port predictor_port now
  ha_port=$(free_port)
  sed -e "s|ha_url: http://127.0.0.1:8123|ha_url: http://127.0.0.1:$ha_port|" -e "s|clock: wall |clock: events|" \
    "$ROOT/config/home.yaml" >"$dir/home.yaml"
  for s in ingestor cleaner feature predictor publisher trainer; do
    p=$(free_port)
    sed -i "/^$s:/,/^[a-z]/ s/port: [0-9]*/port: $p/" "$dir/home.yaml"
    [ "$s" = publisher ] && publisher_port=$p
    [ "$s" = predictor ] && predictor_port=$p
  done
  export OCCUPANCY_CONFIG="$dir/home.yaml" OCCUPANCY_HA_TOKEN=demo-token

  log "a simulated household and its Home Assistant: $history_days days of history, then live at 60x"
  "$BUILD/bin/occupancy" sim serve --port "$ha_port" --token demo-token --speed 60 --history-days "$history_days" \
    --future-days 7 >"$dir/ha.log" 2>&1 &
  DEMO_PIDS+=($!)
  for _ in $(seq 1 100); do grep -q "simulated now" "$dir/ha.log" 2>/dev/null && break; sleep 0.1; done
  now=$(sed -n 's/.*simulated now \([0-9TZ:.-]*\).*/\1/p' "$dir/ha.log")
  [ -n "$now" ] || die "the simulated Home Assistant did not start (see $dir/ha.log)"

  log "importing the household's history from Home Assistant's REST API, as for a real home"
  "$BUILD/bin/occupancy" ingest-history --days "$history_days" --until "$now" 2>&1 | tail -1
  log "training a model on it (one rolling fold, then all the data) and registering it"
  "$BUILD/bin/occupancy" train --from-db --folds 1 --fold-days 7 2>&1 | grep -v "^\[" | grep -v " info " || true

  for s in ingestor cleaner feature predictor publisher trainer; do
    "$BUILD/bin/occupancy-$s" >"$dir/$s.log" 2>&1 &
    DEMO_PIDS+=($!)
  done
  log "the suite is running; watch it with: mosquitto_sub -h 127.0.0.1 -p $OCCUPANCY_MQTT_PORT -v -t 'occupancy/#'"
  sleep 3
  mosquitto_sub -h 127.0.0.1 -p "$OCCUPANCY_MQTT_PORT" -v -t 'occupancy/home/status/+' -W 2 2>/dev/null |
    grep -E '/(ingestor|cleaner|feature|predictor|publisher|trainer) ' | sed 's/^/  /' || true
  local rounds=$((hours * 2))  # a round is 30 simulated minutes (30 s at 60x)
  [ "$forever" = 1 ] && rounds=1000000000
  log "what Home Assistant sees, every 30 simulated minutes (retained occupancy/home/ha/<room>); $hours simulated hours"
  local round
  for round in $(seq 1 "$rounds"); do
    sleep 30
    mosquitto_sub -h 127.0.0.1 -p "$OCCUPANCY_MQTT_PORT" -v -t 'occupancy/home/ha/+' -W 1 2>/dev/null |
      python3 "$ROOT/deploy/demo_table.py" || true
    # With --forever, what the systemd timer does daily: a simulated day (48 rounds) later, learn
    # again from the archive (the live ingestor archived the day); the new version goes into
    # shadow beside the active one and the predictor promotes or retires it a simulated day on.
    if [ "$forever" = 1 ] && [ $((round % 48)) = 0 ]; then
      log "a simulated day has passed: retraining from the archive (occupancy train --from-db)"
      "$BUILD/bin/occupancy" train --from-db --folds 1 --fold-days 7 2>&1 |
        grep -E "registered|shadow|is now active|stays a candidate" | sed 's/^/  /' || true
      mosquitto_sub -h 127.0.0.1 -p "$OCCUPANCY_MQTT_PORT" -t 'occupancy/home/model' -C 1 -W 2 2>/dev/null |
        sed 's/^/  model: /' || true
    fi
  done
  log "accuracy of the predictions made, against what the household then did (predictor /metrics):"
  curl -s "http://127.0.0.1:$predictor_port/metrics" | python3 "$ROOT/deploy/demo_accuracy.py" || true
  log "publisher: $(curl -s "http://127.0.0.1:$publisher_port/healthz" || echo unreachable); prediction API: http://127.0.0.1:$publisher_port/api/v1/rooms"
  log "demo done; stopping the suite (logs in $dir/*.log)"
}

case "${1:-help}" in
  build) ensure_packages; build ;;
  test) shift; ensure_packages; build; run_tests "$@" ;;
  sanitize) shift; ensure_packages; run_sanitized "$@" ;;
  demo) shift; ensure_packages; build; run_demo "$@" ;;
  up)
    ensure_packages
    dir="$STATE_ROOT/dev"
    stop_servers "$dir"
    start_servers "$dir"
    log "servers are up; point the tools at them with:"
    cat "$dir/env"
    echo "# e.g.  source $dir/env   (stop with deploy/local.sh down)"
    ;;
  down) stop_servers "$STATE_ROOT/dev"; log "stopped" ;;
  *) sed -n '2,11p' "$0"; exit 2 ;;
esac
