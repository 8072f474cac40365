#!/usr/bin/env bash
# Starts, stops and reports a throwaway PostgreSQL cluster for Runfleet's tests, benchmarks and development.
#
#   scripts/postgres-cluster.sh up      initdb + pg_ctl start (idempotent: a running cluster is kept)
#   scripts/postgres-cluster.sh down    stop the cluster and delete its directory
#   scripts/postgres-cluster.sh status  exit 0 when the cluster answers
#   scripts/postgres-cluster.sh env     print `export RUNFLEET_TEST_DATABASE_URL=...` for eval
#
# The cluster lives under one temp directory, listens on 127.0.0.1 only (a free port, chosen at `up`) and
# on a unix socket in that directory, and trusts local connections: it is for tests, never for data you
# keep. It is made durable-less on purpose (fsync=off): a crash of the machine loses the cluster, which is
# thrown away anyway, and the tests do not wait on a disk they share with five other jobs. initdb refuses
# to run as root, so as root the cluster belongs to the `postgres` user (Debian's package creates it).
# Settings (environment):
#   RUNFLEET_PG_DIR   the cluster's directory   (default ${TMPDIR:-/tmp}/runfleet-postgres)
#   RUNFLEET_PG_BIN   PostgreSQL's programs     (default: initdb on PATH, else the newest /usr/lib/postgresql/*/bin)
set -euo pipefail
# shellcheck source=scripts/service-wait.sh
source "$(dirname "$0")/service-wait.sh"

DIR="${RUNFLEET_PG_DIR:-${TMPDIR:-/tmp}/runfleet-postgres}"
DATA="$DIR/data"
LOG_FILE="$DIR/postgres.log"
PORT_FILE="$DIR/port"
DATABASE=runfleet

pg_bin() {
  if [ -n "${RUNFLEET_PG_BIN:-}" ]; then
    echo "$RUNFLEET_PG_BIN"
  elif command -v pg_ctl >/dev/null && command -v initdb >/dev/null; then
    # Resolved: PATH may hold links to pg_ctl and initdb alone, not to createdb and pg_isready beside them.
    dirname "$(readlink -f "$(command -v pg_ctl)")"
  else
    # Debian keeps the server programs off PATH, under a directory per major version.
    local newest
    newest="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
    if [ -z "$newest" ]; then
      echo "PostgreSQL is not installed: apt-get install postgresql" >&2
      return 1
    fi
    echo "$newest"
  fi
}

# Runs a command as the cluster's owner: `postgres` when we are root (initdb refuses root), else ourselves.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

port() {
  cat "$PORT_FILE" 2>/dev/null
}

answers() {
  [ -f "$PORT_FILE" ] && "$(pg_bin)/pg_isready" -q -h 127.0.0.1 -p "$(port)" -d "$DATABASE" -U postgres
}

free_port() {
  # The kernel picks a free port for a socket bound to port 0; the race until postgres binds it is
  # harmless in practice and, if lost, makes `up` fail loudly rather than share a port.
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

up() {
  if answers; then
    echo "postgres already answers on 127.0.0.1:$(port) (dir: $DIR)"
    return 0
  fi
  local bin
  bin="$(pg_bin)"
  if [ -f "$DATA/postmaster.pid" ]; then
    as_owner "$bin/pg_ctl" -D "$DATA" stop -m immediate >/dev/null 2>&1 || true
  fi
  rm -rf "$DIR"
  mkdir -p "$DIR"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres: "$DIR"
  fi
  chmod 700 "$DIR"
  free_port >"$PORT_FILE"
  as_owner "$bin/initdb" -D "$DATA" --username=postgres --auth=trust --encoding=UTF8 --no-locale \
    --no-sync >"$DIR/initdb.log" 2>&1 || {
    cat "$DIR/initdb.log" >&2
    return 1
  }
  # 200 connections: three replicas' pools and the tests' own, with room to spare.
  as_owner "$bin/pg_ctl" -D "$DATA" -l "$LOG_FILE" -w -t 30 start -o \
    "-c listen_addresses=127.0.0.1 -p $(port) -c unix_socket_directories=$DIR -c fsync=off \
     -c full_page_writes=off -c max_connections=200" >/dev/null
  as_owner "$bin/createdb" -h 127.0.0.1 -p "$(port)" -U postgres "$DATABASE"
  wait_for_service 30 postgres "$LOG_FILE" answers || return 1
  echo "postgres $("$bin/postgres" --version | awk '{print $3}') answers on 127.0.0.1:$(port) (dir: $DIR)"
}

down() {
  if [ -f "$DATA/postmaster.pid" ]; then
    as_owner "$(pg_bin)/pg_ctl" -D "$DATA" stop -m fast -w >/dev/null
  fi
  rm -rf "$DIR"
  echo "postgres stopped"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) answers ;;
  env)
    if ! answers; then
      echo "no cluster answers: scripts/postgres-cluster.sh up" >&2
      exit 1
    fi
    echo "export RUNFLEET_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:$(port)/$DATABASE"
    ;;
  *)
    echo "usage: $0 up|down|status|env" >&2
    exit 2
    ;;
esac
