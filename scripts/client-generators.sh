#!/usr/bin/env bash
# Installs the three OpenAPI client generators that openapi.yaml must satisfy, each pinned and cached under
# ~/.cache/runfleet keyed by its version, and prints shell assignments naming them (for `eval`):
#
#   eval "$(scripts/client-generators.sh)"
#   "$OPENAPI_PYTHON_CLIENT" generate --path openapi.yaml ...
#
# * openapi-python-client (PyPI), in a venv that also holds ruff (its post-generation formatter), what the
#   generated Python clients need at run time (httpx, attrs, python-dateutil for it; pydantic, urllib3 for
#   OpenAPI Generator's) and mypy;
# * oapi-codegen (Go module proxy), built with `go install` at a pinned version;
# * OpenAPI Generator (the CLI jar from Maven Central, fetched with Maven); needs a Java runtime.
#
# Idempotent: a tool already in the cache at its version is used as it is. With `--cached` nothing is
# installed: it prints the assignments when every tool is already cached, and exits 3 otherwise (tests use
# it to find the tools without downloading them).
set -euo pipefail
cd "$(dirname "$0")/.."

OPENAPI_PYTHON_CLIENT_VERSION=0.29.1
OAPI_CODEGEN_VERSION=v2.8.2
OPENAPI_GENERATOR_VERSION=7.25.0
CACHE="${RUNFLEET_CACHE:-$HOME/.cache/runfleet}"

CACHED_ONLY=false
if [ "${1:-}" = "--cached" ]; then
  CACHED_ONLY=true
  shift
fi

log() { printf 'client-generators: %s\n' "$*" >&2; }

# Called before installing anything: with --cached, a missing tool ends the script.
need_install() {
  if $CACHED_ONLY; then
    log "$1 is not cached; run scripts/client-generators.sh to install it"
    exit 3
  fi
  log "installing $1"
}

# What the Python venv holds, pinned; the venv is keyed by a hash of this list, so changing it makes a new one.
PYTHON_REQUIREMENTS=(
  "openapi-python-client==$OPENAPI_PYTHON_CLIENT_VERSION" "ruff==0.14.0"
  "httpx==0.28.1" "attrs==26.1.0" "python-dateutil==4.0.0"
  "pydantic==2.14.4" "urllib3==2.8.0" "typing-extensions==4.16.0"
  "mypy==1.18.2" "types-python-dateutil==2.9.0.20261116"
)

python_tools() {
  local key venv
  key="$(printf '%s\n' "${PYTHON_REQUIREMENTS[@]}" | sha256sum | cut -c1-12)"
  venv="$CACHE/python-client-tools-$OPENAPI_PYTHON_CLIENT_VERSION-$key"
  if [ ! -f "$venv/.complete" ]; then
    need_install "openapi-python-client $OPENAPI_PYTHON_CLIENT_VERSION and the clients' packages into $venv"
    rm -rf "$venv"
    if ! python3 -m venv --help >/dev/null 2>&1; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
    fi
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "${PYTHON_REQUIREMENTS[@]}"
    touch "$venv/.complete"
  fi
  printf 'OPENAPI_PYTHON_CLIENT=%q\nCLIENTS_PYTHON=%q\nCLIENTS_PYTHON_BIN=%q\n' \
    "$venv/bin/openapi-python-client" "$venv/bin/python" "$venv/bin"
}

go_tools() {
  local bin="$CACHE/oapi-codegen-$OAPI_CODEGEN_VERSION"
  if [ ! -x "$bin/oapi-codegen" ]; then
    need_install "oapi-codegen $OAPI_CODEGEN_VERSION into $bin (built from the Go module proxy)"
    if ! command -v go >/dev/null; then
      apt-get update -qq && apt-get install -y -qq golang-go >/dev/null
    fi
    mkdir -p "$bin"
    GOBIN="$bin" GOFLAGS=-buildvcs=false go install "github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen@$OAPI_CODEGEN_VERSION"
  fi
  printf 'OAPI_CODEGEN=%q\n' "$bin/oapi-codegen"
}

java_tools() {
  local dir="$CACHE/openapi-generator-$OPENAPI_GENERATOR_VERSION"
  local jar="$dir/openapi-generator-cli-$OPENAPI_GENERATOR_VERSION.jar"
  if ! command -v java >/dev/null || ! command -v mvn >/dev/null; then
    need_install "a Java runtime and Maven (Debian)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      default-jre-headless maven >/dev/null
  fi
  if [ ! -f "$jar" ]; then
    need_install "openapi-generator-cli $OPENAPI_GENERATOR_VERSION from Maven Central into $dir"
    mkdir -p "$dir"
    mvn -q -B dependency:copy "-Dartifact=org.openapitools:openapi-generator-cli:$OPENAPI_GENERATOR_VERSION" \
      "-DoutputDirectory=$dir" >&2
  fi
  printf 'OPENAPI_GENERATOR_JAR=%q\n' "$jar"
}

case "${1:-all}" in
  python) python_tools ;;
  go) go_tools ;;
  java) java_tools ;;
  all)
    python_tools
    go_tools
    java_tools
    ;;
  *)
    echo "usage: $0 [all|python|go|java]" >&2
    exit 2
    ;;
esac
