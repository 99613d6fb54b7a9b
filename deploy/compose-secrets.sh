#!/usr/bin/env bash
# Makes the secrets compose.yaml names, in .secrets/ (mode 0600, never committed):
#   db_password, db_pgpass         PostgreSQL's password, and the same as a libpq passfile line
#   mqtt_<service>, mosquitto_passwd   one broker user per service, and the broker's hashed file
#   ha_token                        Home Assistant's long-lived token, from $HA_TOKEN
# Existing files are kept (run it again after adding one by hand). mosquitto_passwd hashes
# with the host's mosquitto_passwd, else with the broker image's (docker run).
set -euo pipefail
cd "$(dirname "$0")/.."
umask 077
mkdir -p .secrets
random() { head -c 24 /dev/urandom | base64 | tr -d '/+=' ; }
[ -f .secrets/db_password ] || random >.secrets/db_password
[ -f .secrets/db_pgpass ] || echo "postgres:5432:occupancy:occupancy:$(cat .secrets/db_password)" >.secrets/db_pgpass
for s in ingestor cleaner feature predictor publisher trainer; do
  [ -f ".secrets/mqtt_$s" ] || random >".secrets/mqtt_$s"
done
if [ ! -f .secrets/ha_token ]; then
  [ -n "${HA_TOKEN:-}" ] || { echo "set HA_TOKEN to a long-lived access token of Home Assistant" >&2; exit 2; }
  printf '%s\n' "$HA_TOKEN" >.secrets/ha_token
fi
if [ ! -f .secrets/mosquitto_passwd ]; then
  : >.secrets/mosquitto_passwd
  hash() {
    if command -v mosquitto_passwd >/dev/null; then mosquitto_passwd -b .secrets/mosquitto_passwd "$1" "$2"
    else docker run --rm -v "$PWD/.secrets:/s" eclipse-mosquitto:2 mosquitto_passwd -b /s/mosquitto_passwd "$1" "$2"; fi
  }
  for s in ingestor cleaner feature predictor publisher trainer; do hash "occupancy-$s" "$(cat ".secrets/mqtt_$s")"; done
  echo "add Home Assistant's broker user: mosquitto_passwd -b .secrets/mosquitto_passwd homeassistant <password>" >&2
fi
ls -l .secrets
