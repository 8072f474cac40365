#!/usr/bin/env bash
# Fuzzes the control plane's HTTP API with schemathesis (from PyPI) over openapi.yaml: it starts a control
# plane on 127.0.0.1 with a fresh data directory and a known admin key, runs property-based requests
# against every operation, and fails on a 5xx, an undocumented status code, a response that breaks its
# schema, or a wrong content type. Bounded in examples and time; CI runs it, and so can developers.
#
#   scripts/api-fuzz.sh                 (needs `npm install` first: it runs control-plane/dist)
#
# Environment:
#   FUZZ_MAX_EXAMPLES  examples per operation and phase (default 20)
#   FUZZ_MAX_TIME_S    time budget of the whole run, in seconds (default 240)
#   FUZZ_SEED          hypothesis seed, to replay a run (default: a fixed one, so that CI is repeatable)
#   FUZZ_VENV          where schemathesis is installed (default ~/.cache/runfleet/schemathesis-<version>)
#   FUZZ_REPORT_DIR    where the JUnit report and the control plane's log go (default: a temporary dir)
set -euo pipefail
cd "$(dirname "$0")/.."

SCHEMATHESIS_VERSION=4.32.5
VENV="${FUZZ_VENV:-$HOME/.cache/runfleet/schemathesis-$SCHEMATHESIS_VERSION}"
MAX_EXAMPLES="${FUZZ_MAX_EXAMPLES:-20}"
MAX_TIME_S="${FUZZ_MAX_TIME_S:-240}"
SEED="${FUZZ_SEED:-20261202}"
NODE="$PWD/node_modules/.bin/node"
RUNFLEET="$PWD/control-plane/dist/bin/runfleet.js"

if [ ! -x "$VENV/bin/st" ] || ! "$VENV/bin/st" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
  echo "api-fuzz: installing schemathesis $SCHEMATHESIS_VERSION into $VENV" >&2
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi
[ -x "$NODE" ] && [ -f "$RUNFLEET" ] || { echo "api-fuzz: run npm install first (it builds control-plane/dist)" >&2; exit 2; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/runfleet-fuzz-XXXXXX")"
REPORT_DIR="${FUZZ_REPORT_DIR:-$WORK/report}"
mkdir -p "$REPORT_DIR" "$WORK/data" "$WORK/empty-path"
ADMIN_KEY="rf_fuzz_$("$NODE" -e 'process.stdout.write(require("node:crypto").randomBytes(16).toString("hex"))')"
PORT="$("$NODE" -e 'const s=require("node:net").createServer();s.listen(0,"127.0.0.1",()=>{process.stdout.write(String(s.address().port));s.close()})')"
URL="http://127.0.0.1:$PORT"

SERVE_PID=""
cleanup() {
  if [ -n "$SERVE_PID" ] && kill -0 "$SERVE_PID" 2>/dev/null; then
    kill -TERM "$SERVE_PID" 2>/dev/null || true
    wait "$SERVE_PID" 2>/dev/null || true
  fi
  if [ -z "${FUZZ_REPORT_DIR:-}" ]; then
    rm -rf "$WORK"
  else
    rm -rf "$WORK/data" "$WORK/empty-path"
  fi
}
trap cleanup EXIT

# The fuzzer creates templates with arbitrary commands. The control plane runs in an empty directory with
# an empty PATH, so that none of them can start a program (they fail to launch, with back-off), and the
# workers it would run would skip runpod's fitness checks anyway. As no worker can start, a request routed
# to a load-balancing endpoint waits 1 s for one (not the default minute) before its documented 503.
(
  cd "$WORK/data"
  exec env -i HOME="$WORK/data" PATH="$WORK/empty-path" RUNFLEET_ADMIN_KEY="$ADMIN_KEY" RUNFLEET_LOG_LEVEL=warn \
    "$NODE" --disable-warning=ExperimentalWarning "$RUNFLEET" serve --host 127.0.0.1 --port "$PORT" \
    --data-dir "$WORK/data/runfleet" --lb-cold-start-wait-ms 1000
) >"$REPORT_DIR/control-plane.log" 2>&1 &
SERVE_PID=$!
for _ in $(seq 1 100); do
  if "$NODE" -e "fetch('$URL/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))" 2>/dev/null; then
    break
  fi
  kill -0 "$SERVE_PID" 2>/dev/null || { cat "$REPORT_DIR/control-plane.log" >&2; exit 1; }
  sleep 0.2
done

# One schemathesis worker: with several, its coverage phase trips over a thread-safety bug of Python 3.11
# ("AST constructor recursion depth mismatch").
echo "api-fuzz: schemathesis $SCHEMATHESIS_VERSION against $URL (max $MAX_EXAMPLES examples, $MAX_TIME_S s, seed $SEED)" >&2
status=0
# Run from the work directory: schemathesis keeps a cache (.schemathesis/) where it runs.
REPO="$PWD"
cd "$WORK"
"$VENV/bin/st" --config-file "$REPO/scripts/api-fuzz.toml" run "$REPO/openapi.yaml" \
  --url "$URL" \
  --header "Authorization: Bearer $ADMIN_KEY" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
  --max-examples "$MAX_EXAMPLES" \
  --max-time "$MAX_TIME_S" \
  --seed "$SEED" \
  --request-timeout 20 \
  --workers 1 \
  --report junit --report-dir "$REPORT_DIR" \
  --no-color || status=$?

if ! kill -0 "$SERVE_PID" 2>/dev/null; then
  echo "api-fuzz: the control plane died during the run; its log:" >&2
  tail -50 "$REPORT_DIR/control-plane.log" >&2
  status=1
fi
if grep -q '"level":50\|"level":60' "$REPORT_DIR/control-plane.log"; then
  echo "api-fuzz: the control plane logged errors:" >&2
  grep '"level":50\|"level":60' "$REPORT_DIR/control-plane.log" | head -20 >&2
  status=1
fi
exit "$status"
