#!/usr/bin/env bash
# Validates proto/openapi.yaml with @apidevtools/swagger-parser (npm), installed once into
# $OCCUPANCY_NODE_DIR. Skipped (exit 77, reason printed) only when the npm registry cannot be
# reached, checked by itself; any other install failure fails.
set -uo pipefail
doc=$1
node_dir=${OCCUPANCY_NODE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/occupancy-predictor/node}
if [ ! -d "$node_dir/node_modules/@apidevtools/swagger-parser" ] || [ ! -d "$node_dir/node_modules/yaml" ]; then
  command -v npm >/dev/null || { echo "FAILED: npm is not installed (deploy/packages.txt installs it)"; exit 1; }
  if ! npm ping >/dev/null 2>&1; then
    echo "SKIPPED: the npm registry cannot be reached (npm ping failed)"
    exit 77
  fi
  mkdir -p "$node_dir"
  if ! (cd "$node_dir" && npm install --no-audit --no-fund --loglevel=error @apidevtools/swagger-parser yaml >npm-openapi.log 2>&1); then
    tail -20 "$node_dir/npm-openapi.log"
    echo "FAILED: the registry answers but @apidevtools/swagger-parser did not install"
    exit 1
  fi
fi
cat >"$node_dir/validate-openapi.mjs" <<'JS'
import SwaggerParser from '@apidevtools/swagger-parser';
const api = await SwaggerParser.validate(process.argv[2]);
console.log(`${process.argv[2]} is a valid OpenAPI ${api.openapi} document: ${Object.keys(api.paths).length} paths`);
JS
node "$node_dir/validate-openapi.mjs" "$doc"
