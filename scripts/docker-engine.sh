#!/usr/bin/env bash
# Starts, stops and reports a Docker Engine for Runfleet's Docker driver, tests and benchmarks.
#
#   scripts/docker-engine.sh start    start dockerd (idempotent: a running one is kept) and wait until it answers
#   scripts/docker-engine.sh stop     stop the dockerd this script started (by the PID in its pid file)
#   scripts/docker-engine.sh status   exit 0 when the engine answers
#   scripts/docker-engine.sh env      print `export DOCKER_HOST=...` for eval
#
# The engine has no default bridge and touches no iptables rules (`--bridge=none --iptables=false`):
# workers use host networking and reach the control plane on 127.0.0.1, so nothing is sent to a private
# range. It listens only on a unix socket, with its own data and exec roots, so that it never collides
# with a system Docker. Settings (environment):
#   RUNFLEET_DOCKER_RUN    socket, pid file and exec root     (default /run/runfleet)
#   RUNFLEET_DOCKER_DATA   images and containers              (default ~/.cache/runfleet/docker-data, so
#                          that CI keeps the built worker images between runs)
set -euo pipefail
# shellcheck source=scripts/service-wait.sh
source "$(dirname "$0")/service-wait.sh"

RUN_DIR="${RUNFLEET_DOCKER_RUN:-/run/runfleet}"
DATA_DIR="${RUNFLEET_DOCKER_DATA:-$HOME/.cache/runfleet/docker-data}"
SOCKET="$RUN_DIR/docker.sock"
PID_FILE="$RUN_DIR/dockerd.pid"
LOG_FILE="$RUN_DIR/dockerd.log"
export DOCKER_HOST="unix://$SOCKET"

answers() {
  docker version --format '{{.Server.Version}}' >/dev/null 2>&1
}

start() {
  if answers; then
    echo "docker engine already answers on $DOCKER_HOST"
    return 0
  fi
  if ! command -v dockerd >/dev/null; then
    echo "dockerd is not installed: apt-get install docker.io" >&2
    return 1
  fi
  mkdir -p "$RUN_DIR" "$DATA_DIR"
  # A stale pid file from a killed engine would make dockerd refuse to start.
  if [ -f "$PID_FILE" ] && ! kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then
    rm -f "$PID_FILE"
  fi
  dockerd \
    --host "$DOCKER_HOST" \
    --data-root "$DATA_DIR" \
    --exec-root "$RUN_DIR/exec" \
    --pidfile "$PID_FILE" \
    --bridge=none \
    --iptables=false \
    --ip6tables=false \
    --ip-forward=false \
    --ip-masq=false \
    --userland-proxy=false \
    >>"$LOG_FILE" 2>&1 </dev/null &
  disown || true
  wait_for_service 60 dockerd "$LOG_FILE" answers || return 1
  echo "docker engine $(docker version --format '{{.Server.Version}}') answers on $DOCKER_HOST (log: $LOG_FILE)"
}

stop() {
  if [ ! -f "$PID_FILE" ]; then
    echo "no dockerd started by this script (no $PID_FILE)"
    return 0
  fi
  local pid
  pid="$(cat "$PID_FILE")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 60); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.5
    done
  fi
  rm -f "$PID_FILE"
  echo "docker engine stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) answers && echo "docker engine answers on $DOCKER_HOST" ;;
  env) echo "export DOCKER_HOST=$DOCKER_HOST" ;;
  *)
    echo "usage: $0 start|stop|status|env" >&2
    exit 2
    ;;
esac
