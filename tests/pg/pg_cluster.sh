#!/bin/sh
# A throwaway PostgreSQL 15 cluster for the PostgreSQL tests (CTest fixtures pg.cluster_start and
# pg.cluster_stop, label `postgresql`).
#
#   pg_cluster.sh start DIR   initdb + pg_ctl start: a cluster in a new directory under $TMPDIR
#                             (its socket path must stay short), listening on a Unix socket only
#                             (no TCP), fsync on, trust authentication on that socket (mode 0700:
#                             only its owner, and root, reach it). Writes the libpq URI to
#                             DIR/conninfo and the cluster's directory to DIR/cluster.
#   pg_cluster.sh stop DIR    pg_ctl stop -m fast, and the cluster's directory is removed.
#   pg_cluster.sh database DIR NAME
#                             a new, empty database NAME on the server of DIR/conninfo (dropped
#                             first if it exists), its URI written to DIR/conninfo-NAME: for a
#                             suite that needs a database of its own (the C test's vault, bound
#                             to its own master key).
#
# With SOCLE_TEST_POSTGRES set (a postgresql:// URI of an existing server), start only writes it
# to DIR/conninfo and stop does nothing: the tests then run on that server.
# PostgreSQL refuses to run as root: as root, the cluster runs as the `postgres` user (created by
# Debian's postgresql package). PG_BINDIR overrides /usr/lib/postgresql/15/bin.
set -eu

command=${1:-}
dir=${2:-}
if [ -z "$command" ] || [ -z "$dir" ]; then
  echo "usage: $0 start|stop DIR | database DIR NAME" >&2
  exit 2
fi
bindir=${PG_BINDIR:-/usr/lib/postgresql/15/bin}
port=5432  # the socket's name only: the socket directory is the cluster's own

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

case "$command" in
  start)
    mkdir -p "$dir"
    rm -f "$dir/conninfo" "$dir/cluster"
    if [ -n "${SOCLE_TEST_POSTGRES:-}" ]; then
      printf '%s\n' "$SOCLE_TEST_POSTGRES" > "$dir/conninfo"
      echo "pg_cluster: using the server of SOCLE_TEST_POSTGRES"
      exit 0
    fi
    if [ ! -x "$bindir/initdb" ]; then
      echo "pg_cluster: $bindir/initdb not found (install postgresql-15, or set PG_BINDIR)" >&2
      exit 1
    fi
    cluster=$(mktemp -d "${TMPDIR:-/tmp}/socle-pg.XXXXXX")
    printf '%s\n' "$cluster" > "$dir/cluster"
    if [ "$(id -u)" -eq 0 ]; then
      chown postgres "$cluster"
      user=postgres
    else
      user=$(id -un)
    fi
    chmod 700 "$cluster"
    as_owner "$bindir/initdb" -D "$cluster/data" -U "$user" --auth=trust --no-sync \
      -E UTF8 --locale=C > "$cluster/initdb.log" 2>&1 || {
      cat "$cluster/initdb.log" >&2
      exit 1
    }
    as_owner "$bindir/pg_ctl" -D "$cluster/data" -l "$cluster/server.log" -w -t 60 \
      -o "-c listen_addresses='' -c unix_socket_directories='$cluster' \
          -c unix_socket_permissions=0700 -c port=$port -c fsync=on \
          -c max_connections=50 -c shared_buffers=64MB" start > /dev/null || {
      cat "$cluster/server.log" >&2
      exit 1
    }
    printf 'postgresql:///postgres?host=%s&port=%s&user=%s\n' "$cluster" "$port" "$user" \
      > "$dir/conninfo"
    echo "pg_cluster: started in $cluster"
    ;;
  stop)
    if [ -f "$dir/cluster" ]; then
      cluster=$(cat "$dir/cluster")
      as_owner "$bindir/pg_ctl" -D "$cluster/data" -m fast -w stop > /dev/null || true
      rm -rf "$cluster"
      rm -f "$dir/cluster"
      echo "pg_cluster: stopped"
    fi
    rm -f "$dir/conninfo"
    ;;
  database)
    name=${3:?usage: $0 database DIR NAME}
    uri=$(cat "$dir/conninfo")
    psql "$uri" -X -q -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)" \
      -c "CREATE DATABASE \"$name\""
    case "$uri" in
      *\?*) printf '%s&dbname=%s\n' "$uri" "$name" > "$dir/conninfo-$name" ;;
      *) printf '%s?dbname=%s\n' "$uri" "$name" > "$dir/conninfo-$name" ;;
    esac
    ;;
  *)
    echo "usage: $0 start|stop DIR | database DIR NAME" >&2
    exit 2
    ;;
esac
