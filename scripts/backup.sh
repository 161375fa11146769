#!/bin/sh
# Back up the database and the uploaded files into one directory.
#
#   DATABASE_URL=postgres://… DJANGO_MEDIA_ROOT=/srv/huaxi-renda/var/media scripts/backup.sh /backups/2026-11-28
#
# Writes db.dump (pg_dump custom format: compressed, restorable table by table), media.tar.gz (every
# uploaded file, paths relative to MEDIA_ROOT) and SHA256SUMS. Consistent: pg_dump takes one snapshot;
# files are never changed in place (uploads get new names), so a file written during the run is at
# worst missing from the tar, never half there. Run it daily from cron or a systemd timer as the app user.
set -eu

dest=${1:?usage: backup.sh DEST_DIR}
: "${DATABASE_URL:?set DATABASE_URL (postgres://user@host:port/db)}"
media=${DJANGO_MEDIA_ROOT:-${HUAXI_VAR_DIR:-$(dirname "$0")/../var}/media}

mkdir -p "$dest"
umask 077
pg_dump --format=custom --no-owner --no-privileges --file="$dest/db.dump" "$DATABASE_URL"
if [ -d "$media" ]; then
    tar -C "$media" -czf "$dest/media.tar.gz" .
else
    tar -czf "$dest/media.tar.gz" --files-from /dev/null
fi
(cd "$dest" && sha256sum db.dump media.tar.gz > SHA256SUMS)
echo "backup written to $dest"
