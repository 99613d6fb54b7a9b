#!/usr/bin/env bash
# Validates the AsyncAPI document with the AsyncAPI CLI (npm @asyncapi/cli). The CLI is
# installed once into $OCCUPANCY_NODE_DIR (default .state/node). Exit 77 (= skipped, shown by
# ctest) with the reason printed when npm cannot reach its registry.
set -uo pipefail
doc=$1
node_dir=${OCCUPANCY_NODE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)/.state/node}
cli="$node_dir/node_modules/.bin/asyncapi"
if [ ! -x "$cli" ]; then
  command -v npm >/dev/null || { echo "SKIPPED: npm is not installed"; exit 77; }
  mkdir -p "$node_dir"
  echo "installing @asyncapi/cli into $node_dir (once)"
  if ! (cd "$node_dir" && npm install --no-audit --no-fund --loglevel=error @asyncapi/cli@3 >npm-install.log 2>&1); then
    tail -5 "$node_dir/npm-install.log"
    echo "SKIPPED: npm could not install @asyncapi/cli (registry unreachable?)"
    exit 77
  fi
fi
export ASYNCAPI_METRICS=false
out=$("$cli" validate "$doc" 2>&1)
rc=$?
echo "$out"
[ $rc -eq 0 ] && echo "$out" | grep -q "is valid" || exit 1
