# Sourced by the service scripts (docker-engine.sh, docker-registry.sh): waits for a service just started.
#
#   wait_for_service SECONDS WHAT LOG_FILE CHECK_COMMAND...
#
# Runs CHECK_COMMAND every half second until it succeeds (returns 0), or prints the last lines of
# LOG_FILE and returns 1 after SECONDS.
wait_for_service() {
  local seconds="$1" what="$2" log_file="$3"
  shift 3
  local tries=$((seconds * 2))
  for _ in $(seq 1 "$tries"); do
    if "$@"; then
      return 0
    fi
    sleep 0.5
  done
  echo "$what did not answer within $seconds s; last lines of $log_file:" >&2
  tail -n 20 "$log_file" >&2
  return 1
}
