#!/usr/bin/env bash
# deploy/install.sh as root into a scratch prefix, against the test PostgreSQL: the user, the
# binaries, every unit and timer passing `systemd-analyze verify`, the credentials' modes, the
# broker's users and ACL, the role and the migrated database; then a second run changes nothing.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${1:-$root/build/bin}
[ "$(id -u)" = 0 ] || { echo "skipped: install.sh needs root (useradd, chown)"; exit 77; }
: "${OCCUPANCY_DB_URL:?set OCCUPANCY_DB_URL (deploy/local.sh up; source .state/dev/env)}"
prefix=$(mktemp -d /tmp/occupancy-install-XXXXXX)
db="it_install_$$"
cleanup() {
  psql "$OCCUPANCY_DB_URL" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$prefix"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
mkdir -p "$prefix/etc"
for f in passwd group shadow gshadow; do grep -v '^occupancy:' "/etc/$f" >"$prefix/etc/$f" || true; done

out=$("$root/deploy/install.sh" --prefix "$prefix" --bin-dir "$bin" --db-admin-url "$OCCUPANCY_DB_URL" --db-name "$db" 2>&1) ||
  { echo "$out"; fail "install.sh failed"; }
echo "$out"
grep -q '^occupancy:.*:/var/lib/occupancy:/usr/sbin/nologin$' "$prefix/etc/passwd" || fail "no system user"
for b in occupancy occupancy-ingestor occupancy-cleaner occupancy-feature occupancy-predictor occupancy-publisher occupancy-trainer; do
  [ -x "$prefix/usr/local/bin/$b" ] || fail "$b not installed"
done
units=$(cd "$prefix/etc/systemd/system" && ls occupancy-*.service occupancy-*.timer)
[ "$(echo "$units" | wc -l)" -ge 10 ] || fail "units missing: $units"
mkdir -p "$prefix/usr/lib/systemd" && ln -sfn /lib/systemd/system "$prefix/usr/lib/systemd/system"
for u in $units; do
  systemd-analyze verify --root="$prefix" "/etc/systemd/system/$u" || fail "$u does not verify"
done
[ "$(stat -c %a "$prefix/etc/occupancy/credentials")" = 700 ] || fail "credentials/ is not 0700"
for f in "$prefix"/etc/occupancy/credentials/*; do
  [ "$(stat -c %a "$f")" = 600 ] || fail "$f is not 0600"
done
[ "$(stat -c %U "$prefix/etc/occupancy/credentials/pgpass")" = "$(awk -F: '$1=="occupancy"{print $3}' "$prefix/etc/passwd")" ] ||
  [ "$(stat -c %u "$prefix/etc/occupancy/credentials/pgpass")" = "$(awk -F: '$1=="occupancy"{print $3}' "$prefix/etc/passwd")" ] ||
  fail "pgpass is not the service user's"
[ "$(grep -c '^occupancy-' "$prefix/etc/mosquitto/passwd")" = 6 ] || fail "not six broker users"
grep -q '^user occupancy-predictor$' "$prefix/etc/mosquitto/occupancy.acl" || fail "no ACL for the predictor"
grep -q 'acl_file /etc/mosquitto/occupancy.acl' "$prefix/etc/mosquitto/conf.d/occupancy.conf" || fail "no broker settings"
grep -q "^OCCUPANCY_DB_URL=postgresql://occupancy@127.0.0.1/$db$" "$prefix/etc/occupancy/environment" || fail "environment"
# The role logs in with the installed credential, and the schema is there.
host_port=$(psql "$OCCUPANCY_DB_URL" -qAt -c "SELECT coalesce(inet_server_addr()::text,'127.0.0.1') || ':' || current_setting('port')" | sed 's#/32##')
applied=$(PGPASSFILE="$prefix/etc/occupancy/credentials/pgpass" psql "postgresql://occupancy@$host_port/$db" -qAt -c "SELECT count(*) FROM schema_migrations")
[ "$applied" -ge 6 ] || fail "migrations: $applied applied"

# Idempotent: a second run keeps every file as it was.
sums() { (cd "$prefix" && find etc usr -type f -print0 | sort -z | xargs -0 sha256sum); }
before=$(sums)
out=$("$root/deploy/install.sh" --prefix "$prefix" --bin-dir "$bin" --db-admin-url "$OCCUPANCY_DB_URL" --db-name "$db" 2>&1) ||
  { echo "$out"; fail "second run failed"; }
# Here-strings, not `echo | grep -q`: grep -q stops at its match, and echo writing the next line
# then dies of SIGPIPE, which pipefail turns into a failure (seen under ctest -j4).
grep -q "user occupancy: exists" <<<"$out" || fail "second run made the user again"
grep -q "mosquitto: 0 user(s) added" <<<"$out" || fail "second run added broker users"
[ "$before" = "$(sums)" ] || { diff <(echo "$before") <(sums) || true; fail "second run changed files"; }
[ "$(grep -c '^occupancy:' "$prefix/etc/passwd")" = 1 ] || fail "user twice"
echo "install.sh: installed, verified, and idempotent"
