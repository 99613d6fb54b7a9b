#!/usr/bin/env bash
# Installs occupancy-predictor onto a Debian 12 host or LXC, as root. Idempotent: run it again
# after an upgrade; what exists (credentials, the config, the database) is kept.
#
#   sudo deploy/install.sh [--prefix DIR] [--bin-dir DIR] [--db-admin-url URL] [--db-name NAME] [--enable]
#
#   --prefix DIR        install under DIR instead of / (a staging root; the tests use one)
#   --bin-dir DIR       the built binaries (default build/bin; `deploy/local.sh build` makes them)
#   --db-admin-url URL  a PostgreSQL superuser connection that creates the role and database
#                       (default: the local server as the postgres user, through its socket)
#   --db-name NAME      the database (default occupancy)
#   --enable            systemctl enable --now the services and timers (not with --prefix)
#
# What it does:
#   1. a system user `occupancy` (no login, home /var/lib/occupancy);
#   2. binaries into /usr/local/bin, units and timers into /etc/systemd/system, the docs into
#      /usr/local/share/doc/occupancy;
#   3. /etc/occupancy: home.yaml (the shipped one, if none), environment, credentials/ (0700);
#   4. Mosquitto: one user per service and the trainer, passwords in credentials/ and hashed in
#      /etc/mosquitto/passwd; the ACL of `occupancy config acl`; conf.d/occupancy.conf;
#   5. PostgreSQL: the role `occupancy` with a password (in credentials/pgpass, for libpq) and
#      its database; then the migrations.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
prefix="" bin_dir="$root/build/bin" db_admin_url="" db_name=occupancy enable=0
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix=$(realpath -m "$2"); shift 2 ;;
    --bin-dir) bin_dir=$2; shift 2 ;;
    --db-admin-url) db_admin_url=$2; shift 2 ;;
    --db-name) db_name=$2; shift 2 ;;
    --enable) enable=1; shift ;;
    -h | --help) sed -n '2,24p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
[ "$(id -u)" = 0 ] || { echo "install.sh: run it as root (sudo)" >&2; exit 2; }
[ -x "$bin_dir/occupancy" ] || { echo "install.sh: no binaries in $bin_dir (deploy/local.sh build)" >&2; exit 2; }
[[ "$db_name" =~ ^[a-z_][a-z0-9_]*$ ]] || { echo "install.sh: --db-name must be a plain identifier" >&2; exit 2; }
[ -z "$prefix" ] || [ "$enable" = 0 ] || { echo "install.sh: --enable installs for real, not with --prefix" >&2; exit 2; }
say() { printf '==> %s\n' "$*"; }
services=(ingestor cleaner feature predictor publisher)
etc=$prefix/etc/occupancy creds=$prefix/etc/occupancy/credentials

# 1. The system user.
if grep -q '^occupancy:' "$prefix/etc/passwd" 2>/dev/null; then
  say "user occupancy: exists"
else
  useradd ${prefix:+--prefix "$prefix"} --system --home-dir /var/lib/occupancy --no-create-home \
    --shell /usr/sbin/nologin --user-group occupancy
  say "user occupancy: created"
fi

# 2. Binaries, units, docs.
install -d "$prefix/usr/local/bin" "$prefix/etc/systemd/system" "$prefix/usr/local/share/doc/occupancy"
for b in occupancy "${services[@]/#/occupancy-}" occupancy-trainer; do install -m 0755 "$bin_dir/$b" "$prefix/usr/local/bin/$b"; done
install -m 0644 "$root"/deploy/systemd/*.service "$root"/deploy/systemd/*.timer "$prefix/etc/systemd/system/"
install -m 0644 "$root"/docs/*.md "$prefix/usr/local/share/doc/occupancy/"
install -d "$prefix/usr/local/share/occupancy/grafana" "$prefix/usr/local/share/occupancy/prometheus"
install -m 0644 "$root"/deploy/grafana/*.json "$prefix/usr/local/share/occupancy/grafana/"  # grafana push --dir
install -m 0644 "$root"/deploy/prometheus/*.yml "$prefix/usr/local/share/occupancy/prometheus/"
say "binaries, $(ls "$root"/deploy/systemd/*.service "$root"/deploy/systemd/*.timer | wc -l) units and timers, docs: installed"

# 3. Configuration and credentials (kept when present).
install -d -m 0755 "$etc"
install -d -m 0700 "$creds"
if [ -f "$etc/home.yaml" ]; then say "$etc/home.yaml: kept"; else
  install -m 0644 "$root/config/home.yaml" "$etc/home.yaml"
  install -m 0644 "$root/config/home.schema.json" "$etc/home.schema.json" 2>/dev/null || true
  say "$etc/home.yaml: the shipped home; edit rooms and entities to match Home Assistant"
fi
secret() {  # a random credential, made once
  [ -f "$1" ] || (umask 077 && head -c 24 /dev/urandom | base64 | tr -d '/+=' >"$1")
}
for u in "${services[@]}" trainer; do secret "$creds/mqtt-$u.password"; done
secret "$creds/db.password"
if [ ! -f "$etc/environment" ]; then
  {
    grep -v '^OCCUPANCY_DB_URL=' "$root/deploy/systemd/environment.example"
    echo "OCCUPANCY_DB_URL=postgresql://occupancy@127.0.0.1/$db_name"
    echo "PGPASSFILE=/etc/occupancy/credentials/pgpass"
  } >"$etc/environment"
  chmod 0640 "$etc/environment"
  say "$etc/environment: written (set OCCUPANCY_HA_URL and the token file)"
fi
(umask 077 && echo "*:*:$db_name:occupancy:$(cat "$creds/db.password")" >"$creds/pgpass")
owner=$(awk -F: '$1 == "occupancy" {print $3 ":" $4}' "$prefix/etc/passwd")
chown "$owner" "$creds/pgpass"  # read by the services themselves (libpq), not through systemd

# 4. Mosquitto: users, ACL, listener settings.
install -d "$prefix/etc/mosquitto/conf.d"
touch "$prefix/etc/mosquitto/passwd" && chmod 0640 "$prefix/etc/mosquitto/passwd"
added=0
for u in "${services[@]}" trainer; do
  grep -q "^occupancy-$u:" "$prefix/etc/mosquitto/passwd" && continue
  mosquitto_passwd -b "$prefix/etc/mosquitto/passwd" "occupancy-$u" "$(cat "$creds/mqtt-$u.password")"
  added=$((added + 1))
done
OCCUPANCY_CONFIG="$etc/home.yaml" "$bin_dir/occupancy" config acl >"$prefix/etc/mosquitto/occupancy.acl"
install -m 0644 "$root/deploy/mosquitto.conf" "$prefix/etc/mosquitto/conf.d/occupancy.conf"
say "mosquitto: $added user(s) added, ACL and settings written (add Home Assistant's user with mosquitto_passwd)"

# 5. PostgreSQL: role, database, migrations.
psql_admin() {
  if [ -n "$db_admin_url" ]; then psql "$db_admin_url" -v ON_ERROR_STOP=1 -qAt "$@"
  else runuser -u postgres -- psql -v ON_ERROR_STOP=1 -qAt "$@"; fi
}
password=$(cat "$creds/db.password")
if [ "$(psql_admin -c "SELECT count(*) FROM pg_roles WHERE rolname = 'occupancy'")" = 0 ]; then
  psql_admin -c "CREATE ROLE occupancy LOGIN PASSWORD '$password'"
  say "postgresql: role occupancy created"
else
  psql_admin -c "ALTER ROLE occupancy LOGIN PASSWORD '$password'"  # the credential file is the truth
  say "postgresql: role occupancy exists (password set from the credential)"
fi
if [ "$(psql_admin -c "SELECT count(*) FROM pg_database WHERE datname = '$db_name'")" = 0 ]; then
  psql_admin -c "CREATE DATABASE $db_name OWNER occupancy"
  say "postgresql: database $db_name created"
fi
admin_host=$(psql_admin -c "SELECT coalesce(inet_server_addr()::text, '127.0.0.1')" | sed 's#/.*##')
admin_port=$(psql_admin -c "SELECT current_setting('port')")
PGPASSFILE="$creds/pgpass" OCCUPANCY_DB_URL="postgresql://occupancy@$admin_host:$admin_port/$db_name" \
  OCCUPANCY_CONFIG="$etc/home.yaml" "$bin_dir/occupancy" db migrate

if [ "$enable" = 1 ]; then
  systemctl daemon-reload
  systemctl restart mosquitto
  systemctl enable --now "${services[@]/#/occupancy-}" occupancy-trainer occupancy-train.timer occupancy-backup.timer
  say "services and timers enabled"
else
  say "done; then: systemctl daemon-reload && systemctl enable --now occupancy-{ingestor,cleaner,feature,predictor,publisher,trainer} occupancy-{train,backup}.timer"
fi
