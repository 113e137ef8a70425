#!/usr/bin/env bash
# A private PostgreSQL cluster for the tests of the PostgreSQL engine (#18):
#   test-postgres.sh start STATE_DIR   initdb + pg_ctl start; writes STATE_DIR/conninfo
#   test-postgres.sh stop STATE_DIR    stops it and removes its files
# The cluster lives in a fresh directory under /tmp, listens on a Unix socket
# there only (no TCP port to collide with other test runs), trusts local
# connections and runs without fsync: test data only. PostgreSQL refuses to
# run as root, so as root the cluster belongs to "nobody".
set -euo pipefail

action=${1:?start or stop}
state=${2:?state directory}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bin" ]; then
  echo "test-postgres.sh: no PostgreSQL server in /usr/lib/postgresql (Debian package postgresql)" >&2
  exit 1
fi

as_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u nobody -- "$@"
  else
    "$@"
  fi
}

stop() {
  if [ -f "$state/cluster" ]; then
    cluster=$(cat "$state/cluster")
    if [ -f "$cluster/data/postmaster.pid" ]; then
      as_owner "$bin/pg_ctl" -D "$cluster/data" -m fast -w stop >/dev/null || true
    fi
    rm -rf "$cluster"
    rm -f "$state/cluster" "$state/conninfo"
  fi
}

case "$action" in
  start)
    mkdir -p "$state"
    stop
    cluster=$(mktemp -d /tmp/dicom-mail-pg.XXXXXX)
    echo "$cluster" > "$state/cluster"
    [ "$(id -u)" = 0 ] && chown nobody "$cluster"
    as_owner "$bin/initdb" -D "$cluster/data" -U postgres -A trust -E UTF8 --no-locale --no-sync \
      > "$cluster/initdb.log" 2>&1 || { cat "$cluster/initdb.log" >&2; exit 1; }
    as_owner "$bin/pg_ctl" -D "$cluster/data" -l "$cluster/server.log" -w -t 60 \
      -o "-c listen_addresses='' -c unix_socket_directories='$cluster' -c fsync=off -c max_connections=200" \
      start > /dev/null || { cat "$cluster/server.log" >&2; exit 1; }
    as_owner "$bin/createdb" -h "$cluster" -U postgres dicom_mail_test
    echo "host=$cluster user=postgres dbname=dicom_mail_test" > "$state/conninfo"
    ;;
  stop)
    stop
    ;;
  *)
    echo "usage: $0 start|stop STATE_DIR" >&2
    exit 2
    ;;
esac
