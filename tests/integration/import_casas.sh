#!/usr/bin/env bash
# Imports the CASAS sample (../shared/data) into the real PostgreSQL: every one of its 61,578
# rows must be archived. Exit 77 (skipped) with the reason where the data is absent.
set -euo pipefail
bin=$1 src=$2
data=${OCCUPANCY_SHARED_DATA:-$src/../shared/data}/casas-al-smarthome
[ -d "$data" ] || { echo "SKIPPED: recorded data not found at $data"; exit 77; }
[ -n "${OCCUPANCY_DB_URL:-}" ] || { echo "FAIL: OCCUPANCY_DB_URL is not set: run via deploy/local.sh test"; exit 1; }
home="casas_$$"
cfg=$(mktemp)
sed "s/^home: home/home: $home/" "$src/config/home.yaml" >"$cfg"
out=$("$bin/occupancy" --config "$cfg" import "$data/history.csv" --entities "$data/entities.csv")
echo "$out"
count=$(psql "$OCCUPANCY_DB_URL" -tAc "SELECT count(*) FROM raw_readings WHERE home = '$home'")
rm -f "$cfg"
[ "$count" = 61578 ] || { echo "FAIL: archived $count rows, expected 61578"; exit 1; }
echo "ok: 61578 rows archived"
