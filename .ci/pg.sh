#!/usr/bin/env bash
# PostgreSQL for the sync-server tests: installs Debian's postgresql if missing, starts a cluster that
# listens on 127.0.0.1 only, creates a role and a database, and prints the line to export its URL:
#
#   eval "$(bash .ci/pg.sh)"        # sets HOTELTV_TEST_PG_URL for the tests
#
# Idempotent: a second run reuses the running cluster, role and database. Needs root (or sudo -n).
# Everything but the final export line goes to stderr.
set -euo pipefail

PGROLE=${HOTELTV_PG_ROLE:-hoteltv}
PGDB=${HOTELTV_PG_DB:-hoteltv_test}
PGPASS=${HOTELTV_PG_PASSWORD:-hoteltv-test}
PGPORT=${HOTELTV_PG_PORT:-5432}

say() { printf 'pg.sh: %s\n' "$*" >&2; }
SUDO=()
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO=(sudo -n); else
		say "need root or passwordless sudo to install and start PostgreSQL"
		exit 1
	fi
fi

if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
	say "installing postgresql (apt-get)…"
	"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || say "apt-get update failed; trying anyway"
	"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
fi

VERSION=$(ls /usr/lib/postgresql | sort -V | tail -1)
CLUSTER=main
if ! "${SUDO[@]}" pg_lsclusters -h 2>/dev/null | awk '{print $1" "$2}' | grep -qx "$VERSION $CLUSTER"; then
	say "creating cluster $VERSION/$CLUSTER"
	"${SUDO[@]}" pg_createcluster "$VERSION" "$CLUSTER" -p "$PGPORT" >&2
fi
CONF=/etc/postgresql/$VERSION/$CLUSTER/postgresql.conf
# Loopback only: never reachable from another machine.
"${SUDO[@]}" sed -i -E "s/^#?listen_addresses\s*=.*/listen_addresses = '127.0.0.1'/" "$CONF"
"${SUDO[@]}" sed -i -E "s/^#?port\s*=.*/port = $PGPORT/" "$CONF"

status=$("${SUDO[@]}" pg_lsclusters -h | awk -v v="$VERSION" -v c="$CLUSTER" '$1==v && $2==c {print $4}')
if [ "$status" != "online" ]; then
	say "starting cluster $VERSION/$CLUSTER on 127.0.0.1:$PGPORT"
	"${SUDO[@]}" pg_ctlcluster "$VERSION" "$CLUSTER" start >&2
fi
as_postgres() {
	if [ ${#SUDO[@]} -eq 0 ]; then runuser -u postgres -- "$@"; else "${SUDO[@]}" -u postgres "$@"; fi
}
for _ in $(seq 1 30); do
	as_postgres psql -p "$PGPORT" -d postgres -qtAc 'select 1' >/dev/null 2>&1 && break
	sleep 1
done

psql_admin() { as_postgres psql -p "$PGPORT" -d postgres -v ON_ERROR_STOP=1 -qtAc "$1"; }
if [ "$(psql_admin "select 1 from pg_roles where rolname='$PGROLE'")" != "1" ]; then
	psql_admin "create role $PGROLE login password '$PGPASS'" >&2
fi
# The tests make a database per test process (side-by-side runs never share tables).
psql_admin "alter role $PGROLE createdb" >&2
if [ "$(psql_admin "select 1 from pg_database where datname='$PGDB'")" != "1" ]; then
	psql_admin "create database $PGDB owner $PGROLE" >&2
fi
say "PostgreSQL $VERSION ready on 127.0.0.1:$PGPORT, database $PGDB"
echo "export HOTELTV_TEST_PG_URL=postgresql://$PGROLE:$PGPASS@127.0.0.1:$PGPORT/$PGDB"
