#!/usr/bin/env bash
# A streaming replica of this machine's PostgreSQL (127.0.0.1:5432) on 127.0.0.1:5433, for the database
# router's test (tests/test_replica.py) and its bench figure. Safe to run again: when the replica is
# already streaming it only checks and returns within a second. Run as root (CI) or as postgres.
#
# The primary is never restarted: its replication entry in pg_hba.conf only needs a reload, and its
# wal_level (replica, the default) and max_wal_senders are checked, not changed.
# Physical replication copies every database of the primary (the test databases too); no slot is
# used, so a stopped replica never makes the primary keep WAL: one that fell too far behind is rebuilt.
set -euo pipefail

VERSION="${PG_VERSION:-$(ls /etc/postgresql | sort -n | tail -1)}"
NAME="${REPLICA_CLUSTER:-replica}"
PRIMARY_PORT="${PRIMARY_PORT:-5432}"
PORT="${REPLICA_PORT:-5433}"
DATA="/var/lib/postgresql/$VERSION/$NAME"

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
primary() { psql -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -d postgres -Atqc "$1"; }
replica() { psql -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -Atqc "$1" 2>/dev/null; }
streaming() { [ "$(replica "SELECT status FROM pg_stat_wal_receiver" || true)" = streaming ]; }
wait_streaming() {
  for _ in $(seq 1 "$1"); do
    streaming && return 0
    sleep 0.5
  done
  return 1
}

if streaming; then
  echo "replica: $NAME on port $PORT is streaming from port $PRIMARY_PORT"
  exit 0
fi

# The primary: replication must be possible without a restart.
if [ "$(primary "SHOW wal_level")" = minimal ] || [ "$(primary "SHOW max_wal_senders")" = 0 ]; then
  echo "replica: the primary needs wal_level=replica and max_wal_senders > 0 (a restart); not changed here" >&2
  exit 1
fi
hba="$(primary "SHOW hba_file")"
if ! grep -Eq '^[[:space:]]*host[[:space:]]+replication[[:space:]]+all[[:space:]]+127\.0\.0\.1/32' "$hba"; then
  echo "host    replication     all             127.0.0.1/32            trust" >>"$hba"
  primary "SELECT pg_reload_conf()" >/dev/null
  echo "replica: allowed replication from 127.0.0.1 in $hba (reloaded, not restarted)"
fi

# The replica's cluster: created once, its configuration kept in /etc like the primary's.
if ! pg_lsclusters -h | awk '{print $1, $2}' | grep -qx "$VERSION $NAME"; then
  pg_createcluster "$VERSION" "$NAME" -p "$PORT" >/dev/null
  echo "replica: created cluster $VERSION/$NAME on port $PORT"
fi
# Connections as the primary accepts them (trust on loopback on this machine), replication included.
if ! cmp -s "$hba" "/etc/postgresql/$VERSION/$NAME/pg_hba.conf"; then
  install -o postgres -g postgres -m 640 "$hba" "/etc/postgresql/$VERSION/$NAME/pg_hba.conf"
  pg_ctlcluster --skip-systemctl-redirect "$VERSION" "$NAME" reload 2>/dev/null || true
fi
conf="/etc/postgresql/$VERSION/$NAME/conf.d/90-replica.conf"
if [ ! -f "$conf" ]; then
  cat >"$conf" <<EOF
# A hot standby of $VERSION/main (scripts/replica-setup.sh).
listen_addresses = '127.0.0.1'
port = $PORT
hot_standby = on
# Long public reads are not cancelled by replay of the rows they read.
hot_standby_feedback = on
EOF
  chown postgres:postgres "$conf" 2>/dev/null || true
fi

# Started but not (yet) streaming: give it a moment before copying the primary again.
if pg_lsclusters -h | awk '$1 == v && $2 == n {print $4}' v="$VERSION" n="$NAME" | grep -q online; then
  wait_streaming 20 && { echo "replica: streaming"; exit 0; }
  pg_ctlcluster --skip-systemctl-redirect "$VERSION" "$NAME" stop -m fast
elif [ -f "$DATA/standby.signal" ]; then
  pg_ctlcluster --skip-systemctl-redirect "$VERSION" "$NAME" start
  wait_streaming 20 && { echo "replica: started, streaming"; exit 0; }
  pg_ctlcluster --skip-systemctl-redirect "$VERSION" "$NAME" stop -m fast
fi

echo "replica: copying the primary (pg_basebackup) …"
as_postgres find "$DATA" -mindepth 1 -delete
as_postgres pg_basebackup -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -D "$DATA" -R -X stream -c fast
pg_ctlcluster --skip-systemctl-redirect "$VERSION" "$NAME" start
if ! wait_streaming 60; then
  echo "replica: $NAME on port $PORT does not stream; see /var/log/postgresql/postgresql-$VERSION-$NAME.log" >&2
  exit 1
fi
echo "replica: $NAME on port $PORT is streaming from port $PRIMARY_PORT"
