#!/usr/bin/env bash
# Validates the AsyncAPI document with AsyncAPI's own parser (npm @asyncapi/parser; the same
# validation `asyncapi validate` runs, without the CLI's web framework), installed once into
# $OCCUPANCY_NODE_DIR. Skipped (exit 77, reason printed) only when the npm registry cannot be
# reached, checked by itself; any other install failure, and any error in the document, fails.
set -uo pipefail
doc=$1
node_dir=${OCCUPANCY_NODE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/occupancy-predictor/node}
if [ ! -d "$node_dir/node_modules/@asyncapi/parser" ]; then
  command -v npm >/dev/null || { echo "FAILED: npm is not installed (deploy/packages.txt installs it)"; exit 1; }
  if ! npm ping >/dev/null 2>&1; then
    echo "SKIPPED: the npm registry cannot be reached (npm ping failed)"
    exit 77
  fi
  mkdir -p "$node_dir"
  echo "installing @asyncapi/parser into $node_dir (once)"
  if ! (cd "$node_dir" && npm install --no-audit --no-fund --loglevel=error @asyncapi/parser@3 >npm-asyncapi.log 2>&1); then
    tail -20 "$node_dir/npm-asyncapi.log"
    echo "FAILED: the registry answers but @asyncapi/parser did not install"
    exit 1
  fi
fi
cat >"$node_dir/validate-asyncapi.mjs" <<'JS'
import { Parser, fromFile } from '@asyncapi/parser';
const file = process.argv[2];
const { document, diagnostics } = await fromFile(new Parser(), file).parse();
const errors = diagnostics.filter((d) => d.severity === 0);
for (const d of diagnostics)
  console.log(`${['error', 'warning', 'info', 'hint'][d.severity]}: ${d.code}: ${d.message} at /${d.path.join('/')}`);
if (!document || errors.length > 0) {
  console.log(`${file} is NOT a valid AsyncAPI document (${errors.length} errors)`);
  process.exit(1);
}
console.log(`${file} is a valid AsyncAPI ${document.version()} document: ${document.channels().length} channels, ` +
            `${document.operations().length} operations, ${document.components().messages().length} messages`);
JS
node "$node_dir/validate-asyncapi.mjs" "$doc"
