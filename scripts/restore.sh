#!/bin/sh
# Restore a backup made by scripts/backup.sh into an EMPTY database and an empty media directory.
#
#   createdb huaxi_restored
#   DATABASE_URL=postgres://…/huaxi_restored DJANGO_MEDIA_ROOT=/srv/huaxi-renda/var/media \
#       scripts/restore.sh /backups/2026-11-28
#
# Checks the SHA256SUMS first, then restores; stops at the first error. Afterwards run
# `manage.py migrate` (a no-op for a backup of the same version) and restart the services.
set -eu

src=${1:?usage: restore.sh BACKUP_DIR}
: "${DATABASE_URL:?set DATABASE_URL (postgres://user@host:port/db) of an empty database}"
media=${DJANGO_MEDIA_ROOT:-${HUAXI_VAR_DIR:-$(dirname "$0")/../var}/media}

(cd "$src" && sha256sum --check --quiet SHA256SUMS)
tables=$(psql --no-psqlrc -At -d "$DATABASE_URL" -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
if [ "$tables" != "0" ]; then
    echo "refusing to restore: the target database is not empty ($tables tables)" >&2
    exit 1
fi
pg_restore --no-owner --no-privileges --exit-on-error --dbname="$DATABASE_URL" "$src/db.dump"
mkdir -p "$media"
tar -C "$media" -xzf "$src/media.tar.gz"
echo "restored database and $(find "$media" -type f | wc -l) files into $media"
