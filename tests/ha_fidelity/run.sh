#!/usr/bin/env bash
# Runs HA's JavaScript client against `occupancy sim serve`. Exit 77 (= skipped, shown by
# ctest) with the reason printed only when the npm registry cannot be reached (checked by
# itself); any other install failure fails.
set -uo pipefail
bin_dir=$1
here=$(cd "$(dirname "$0")" && pwd)
node_dir=${OCCUPANCY_NODE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/occupancy-predictor/node}
command -v node >/dev/null || { echo "FAILED: node is not installed (deploy/packages.txt installs it)"; exit 1; }
if [ ! -d "$node_dir/node_modules/home-assistant-js-websocket" ] || [ ! -d "$node_dir/node_modules/ws" ]; then
  if ! npm ping >/dev/null 2>&1; then
    echo "SKIPPED: the npm registry cannot be reached (npm ping failed)"
    exit 77
  fi
  mkdir -p "$node_dir"
  if ! (cd "$node_dir" && npm install --no-audit --no-fund --loglevel=error home-assistant-js-websocket ws >npm-ha.log 2>&1); then
    tail -20 "$node_dir/npm-ha.log"
    echo "FAILED: the registry answers but home-assistant-js-websocket did not install"
    exit 1
  fi
fi
work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -rf "$work"' EXIT
"$bin_dir/occupancy" sim serve --port 0 --token fidelity-token --speed 600 --history-days 1 --future-days 2 \
  >"$work/serve.out" 2>&1 &
server=$!
for _ in $(seq 1 100); do grep -q "simulated Home Assistant on" "$work/serve.out" && break; sleep 0.1; done
url=$(grep -o 'http://[0-9.]*:[0-9]*' "$work/serve.out" | head -1)
[ -n "$url" ] || { cat "$work/serve.out"; echo "FAIL: sim serve did not start"; exit 1; }
cp "$here/fidelity.mjs" "$node_dir/fidelity.mjs"   # resolve the client from node_dir
node "$node_dir/fidelity.mjs" "$url" fidelity-token
