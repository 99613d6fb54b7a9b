#!/usr/bin/env bash
# The add-on's entry point. From the add-on's options and the Supervisor's MQTT service, the
# suite's environment (addon_env.py); on the first start, a home config proposed from HA's own
# registries (`occupancy config init`, into the add-on's config folder, for the user to check);
# the embedded PostgreSQL if chosen; then the five services and a nightly training. Any service
# exiting stops the add-on, and the Supervisor's watchdog restarts it.
set -euo pipefail
umask 077
here=$(dirname "$0")

answer=$(mktemp) env_file=$(mktemp)
curl -fsS -H "Authorization: Bearer ${SUPERVISOR_TOKEN:?the add-on needs homeassistant_api}" \
  http://supervisor/services/mqtt >"$answer"
python3 "$here/addon_env.py" /data/options.json "$answer" >"$env_file"
rm -f "$answer"
# shellcheck disable=SC1090
source "$env_file"
rm -f "$env_file"
mkdir -p "$OCCUPANCY_STATE_DIR"

if [ ! -f "$OCCUPANCY_CONFIG" ]; then
  echo "occupancy add-on: no $OCCUPANCY_CONFIG yet: proposing one from Home Assistant's areas and sensors"
  occupancy config init --ha-url "$OCCUPANCY_HA_URL" --home "$OCCUPANCY_HOME" --out "$OCCUPANCY_CONFIG"
  echo "occupancy add-on: check the comments in addon_configs/<this add-on>/home.yaml, then restart the add-on"
fi
occupancy config check

pids=()
stop() {
  if [ ${#pids[@]} -gt 0 ]; then kill -TERM "${pids[@]}" 2>/dev/null || true; fi
  wait || true
  if [ -n "${OCCUPANCY_EMBEDDED_DB:-}" ]; then
    su postgres -s /bin/sh -c "pg_ctl -D '$OCCUPANCY_EMBEDDED_DB' -m fast stop" >/dev/null || true
  fi
}
trap 'stop; exit 0' TERM INT

if [ -n "${OCCUPANCY_EMBEDDED_DB:-}" ]; then
  for bin in /usr/lib/postgresql/*/bin; do export PATH="$bin:$PATH"; done
  if [ ! -f "$OCCUPANCY_EMBEDDED_DB/PG_VERSION" ]; then
    mkdir -p "$OCCUPANCY_EMBEDDED_DB" && chown postgres "$OCCUPANCY_EMBEDDED_DB"
    su postgres -s /bin/sh -c "initdb -D '$OCCUPANCY_EMBEDDED_DB' -U postgres -A peer --auth-local=trust" >/dev/null
  fi
  su postgres -s /bin/sh -c "pg_ctl -D '$OCCUPANCY_EMBEDDED_DB' -w -o \"-c listen_addresses='' -k /run/postgresql\" start" >/dev/null
  su postgres -s /bin/sh -c "psql -h /run/postgresql -tAc \"select 1 from pg_roles where rolname='occupancy'\" | grep -q 1 \
    || (createuser -h /run/postgresql occupancy && createdb -h /run/postgresql -O occupancy occupancy)"
fi
occupancy db migrate

for service in ingestor cleaner feature predictor publisher trainer; do  # trainer: Retrain now
  "occupancy-$service" &
  pids+=($!)
done
(
  while true; do  # the nightly training, at train_at local time
    now=$(date +%s) at=$(date -d "today $OCCUPANCY_TRAIN_AT" +%s)
    [ "$at" -le "$now" ] && at=$(date -d "tomorrow $OCCUPANCY_TRAIN_AT" +%s)
    sleep $((at - now))
    occupancy train --from-db || echo "occupancy add-on: the nightly training failed (see above); the active model stays"
  done
) &
pids+=($!)

wait -n "${pids[@]}" || true
echo "occupancy add-on: a service stopped; stopping the add-on"
stop
exit 1
