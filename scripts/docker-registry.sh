#!/usr/bin/env bash
# Runs a real container registry on 127.0.0.1 with htpasswd (basic) authentication: Debian's
# `docker-registry` (the CNCF distribution registry). Tests pull worker images from it with credentials,
# and the Pulumi example pushes its image to it.
#
#   scripts/docker-registry.sh start    start it (idempotent) and wait until it answers
#   scripts/docker-registry.sh stop     stop the registry this script started (by its PID)
#   scripts/docker-registry.sh env      print the exports for eval: RUNFLEET_TEST_REGISTRY (host:port),
#                                        RUNFLEET_TEST_REGISTRY_USER, RUNFLEET_TEST_REGISTRY_PASSWORD
#
# Docker treats registries on 127.0.0.0/8 as insecure (plain HTTP), so no certificate is needed.
# Settings (environment):
#   RUNFLEET_REGISTRY_PORT       (default 5000)
#   RUNFLEET_REGISTRY_USER       (default runfleet)
#   RUNFLEET_REGISTRY_PASSWORD   (default runfleet-registry)
#   RUNFLEET_REGISTRY_DIR        storage, config and pid file (default ~/.cache/runfleet/registry)
set -euo pipefail
# shellcheck source=scripts/service-wait.sh
source "$(dirname "$0")/service-wait.sh"

PORT="${RUNFLEET_REGISTRY_PORT:-5000}"
USER_NAME="${RUNFLEET_REGISTRY_USER:-runfleet}"
PASSWORD="${RUNFLEET_REGISTRY_PASSWORD:-runfleet-registry}"
DIR="${RUNFLEET_REGISTRY_DIR:-$HOME/.cache/runfleet/registry}"
ADDRESS="127.0.0.1:$PORT"
PID_FILE="$DIR/registry.pid"

answers() {
  # 401 without credentials, 200 with them: only the latter proves that the password file is in use.
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://$ADDRESS/v2/")" = 401 ] &&
    [ "$(curl -s -o /dev/null -w '%{http_code}' -u "$USER_NAME:$PASSWORD" "http://$ADDRESS/v2/")" = 200 ]
}

start() {
  if answers; then
    echo "registry already answers on $ADDRESS"
    return 0
  fi
  if ! command -v docker-registry >/dev/null || ! command -v htpasswd >/dev/null; then
    echo "the registry needs Debian's docker-registry and apache2-utils: apt-get install docker-registry apache2-utils" >&2
    return 1
  fi
  mkdir -p "$DIR/storage"
  # The registry accepts bcrypt entries only.
  htpasswd -Bbc "$DIR/htpasswd" "$USER_NAME" "$PASSWORD" 2>/dev/null
  cat >"$DIR/config.yml" <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $DIR/storage
  delete:
    enabled: true
http:
  addr: $ADDRESS
auth:
  htpasswd:
    realm: runfleet-registry
    path: $DIR/htpasswd
EOF
  docker-registry serve "$DIR/config.yml" >>"$DIR/registry.log" 2>&1 </dev/null &
  echo $! >"$PID_FILE"
  disown || true
  wait_for_service 30 "the registry" "$DIR/registry.log" answers || return 1
  echo "registry answers on $ADDRESS (user $USER_NAME; log: $DIR/registry.log)"
}

stop() {
  if [ -f "$PID_FILE" ] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then
    kill -TERM "$(cat "$PID_FILE")"
    echo "registry stopped"
  else
    echo "no registry started by this script is running"
  fi
  rm -f "$PID_FILE"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  env)
    echo "export RUNFLEET_TEST_REGISTRY=$ADDRESS"
    echo "export RUNFLEET_TEST_REGISTRY_USER=$USER_NAME"
    echo "export RUNFLEET_TEST_REGISTRY_PASSWORD=$PASSWORD"
    ;;
  *)
    echo "usage: $0 start|stop|env" >&2
    exit 2
    ;;
esac
