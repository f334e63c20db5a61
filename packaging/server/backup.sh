#!/usr/bin/env bash
# Back up a hoteltv sync server: its PostgreSQL database (pg_dump, custom format), its photo folder and
# the installers published for laptops (DATA/releases, when there).
#
#   backup.sh --database-url postgresql://hoteltv@/hoteltv --data /srv/hoteltv --out /var/backups/hoteltv
#
# Makes OUT/hoteltv-YYYYmmdd-HHMMSS/ with database.dump, files.tar and SHA256SUMS, and prints its path.
# Safe while the server runs: the database is dumped first (one consistent snapshot), the photos after it.
# A photo's file is in the store before its row commits, and files are never changed or removed, so every
# photo the dump names is in the tar (the tar may hold a few newer files nobody names yet; harmless).
# Partial uploads (photos/incoming) are left out: laptops resume them after a restore.
set -euo pipefail

usage() { echo "usage: $0 --database-url URL --data DIR --out DIR" >&2; exit 2; }
DB_URL=${HOTELTV_DATABASE_URL:-} DATA=${HOTELTV_DATA:-} OUT=
while [ $# -gt 0 ]; do
	case $1 in
	--database-url) DB_URL=$2; shift 2 ;;
	--data) DATA=$2; shift 2 ;;
	--out) OUT=$2; shift 2 ;;
	*) usage ;;
	esac
done
[ -n "$DB_URL" ] && [ -n "$DATA" ] && [ -n "$OUT" ] || usage
case $DB_URL in postgresql://* | postgres://*) ;; *) echo "backup.sh: --database-url must be postgresql://…" >&2; exit 2 ;; esac
[ -d "$DATA/photos" ] || { echo "backup.sh: no photo folder $DATA/photos" >&2; exit 1; }

dest="$OUT/hoteltv-$(date -u +%Y%m%d-%H%M%S)"
mkdir -p "$OUT"
work="$dest.partial"
rm -rf "$work"
mkdir -m 700 "$work"
pg_dump --format=custom --no-owner --no-privileges --file="$work/database.dump" "$DB_URL"
parts=(photos)
[ -d "$DATA/releases" ] && parts+=(releases)
tar --create --file="$work/files.tar" --directory="$DATA" --exclude=photos/incoming --exclude='*.part' "${parts[@]}"
(cd "$work" && sha256sum database.dump files.tar >SHA256SUMS)
sync -f "$work/database.dump" 2>/dev/null || sync
mv "$work" "$dest"
echo "$dest"
