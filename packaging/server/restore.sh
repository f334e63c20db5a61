#!/usr/bin/env bash
# Restore a hoteltv sync server from a backup made by backup.sh into an EMPTY database and data folder.
#
#   restore.sh BACKUP_DIR --database-url postgresql://hoteltv@/hoteltv_new --data /srv/hoteltv-new
#
# Checks the backup's SHA256SUMS, refuses a database that already has tables or a data folder that already
# has photos (nothing is overwritten), restores the database with pg_restore and unpacks the photos (and published installers). Then
# start the server on them (`hoteltv serve --database-url … --data …`): a backup of an older release is
# upgraded by the server's migrations at that start. Stop the old server first if it used the same names.
set -euo pipefail

usage() { echo "usage: $0 BACKUP_DIR --database-url URL --data DIR" >&2; exit 2; }
[ $# -ge 1 ] || usage
SRC=$1; shift
DB_URL=${HOTELTV_DATABASE_URL:-} DATA=${HOTELTV_DATA:-}
while [ $# -gt 0 ]; do
	case $1 in
	--database-url) DB_URL=$2; shift 2 ;;
	--data) DATA=$2; shift 2 ;;
	*) usage ;;
	esac
done
[ -n "$DB_URL" ] && [ -n "$DATA" ] || usage
die() { echo "restore.sh: $*" >&2; exit 1; }
case $DB_URL in postgresql://* | postgres://*) ;; *) die "--database-url must be postgresql://…" ;; esac
for f in database.dump files.tar SHA256SUMS; do [ -f "$SRC/$f" ] || die "$SRC/$f is missing: not a backup.sh backup"; done
(cd "$SRC" && sha256sum --quiet --check SHA256SUMS) || die "the backup is damaged (SHA256SUMS do not match)"

tables=$(psql "$DB_URL" -Atq -v ON_ERROR_STOP=1 -c \
	"select count(*) from information_schema.tables where table_schema = 'public'") ||
	die "cannot reach the database (create it first: createdb -O hoteltv NAME)"
[ "$tables" = 0 ] || die "the database already has $tables tables; restore into a new, empty database"
if [ -d "$DATA/photos" ] && [ -n "$(ls -A "$DATA/photos")" ]; then
	die "$DATA/photos is not empty; restore into a new data folder"
fi

pg_restore --exit-on-error --single-transaction --no-owner --no-privileges --dbname="$DB_URL" "$SRC/database.dump"
mkdir -p "$DATA"
tar --extract --file="$SRC/files.tar" --directory="$DATA" --no-same-owner
echo "restored $SRC into $DATA and the database; start: hoteltv serve --database-url URL --data $DATA" >&2
