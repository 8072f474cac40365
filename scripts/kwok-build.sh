#!/usr/bin/env bash
# Builds kwok (sigs.k8s.io/kwok: fake nodes, and the pods "running" on them, for the Kubernetes scale test)
# from the Go module proxy, the only place it can come from here, with the stages it needs (stages.yaml),
# and prints the directory that holds them.
#
# The version is the one tools/kwok/go.mod pins (its `tool` directive); go.sum pins every module. The binary
# is cached under ~/.cache/runfleet/kwok-<version>/bin (RUNFLEET_KUBERNETES_CACHE moves it, as for
# scripts/kubernetes-build.sh) and rebuilt only when it is missing or does not report its version. Niced, one
# package at a time unless KUBERNETES_BUILD_JOBS says otherwise, so that it does not starve tests.
#
# Usage:
#   scripts/kwok-build.sh             build it if missing, then print the bin directory
#   scripts/kwok-build.sh --bin-dir   only print the bin directory (nothing is built)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
export PATH="/usr/local/go/bin:$PATH"
cache="${RUNFLEET_KUBERNETES_CACHE:-$HOME/.cache/runfleet}"
version="$(awk '$1 == "sigs.k8s.io/kwok" && $2 ~ /^v/ { print $2; exit }' "$root/tools/kwok/go.mod")"
bin="$cache/kwok-$version/bin"

if [ "${1:-}" = "--bin-dir" ]; then
  echo "$bin"
  exit 0
fi

jobs="${KUBERNETES_BUILD_JOBS:-1}"
mkdir -p "$cache"
exec 9>"$cache/.kwok-build.lock"
flock 9

if ! { [ -x "$bin/kwok" ] && "$bin/kwok" --version 2>/dev/null | grep -q "${version#v}"; }; then
  mkdir -p "$bin"
  echo "building kwok $version into $bin" >&2
  (
    cd "$root/tools/kwok"
    CGO_ENABLED=0 GOFLAGS="-mod=readonly -buildvcs=false" nice -n 10 go build -p "$jobs" -trimpath \
      -ldflags "-s -w" -o "$bin/kwok.tmp" sigs.k8s.io/kwok/cmd/kwok
  )
  mv "$bin/kwok.tmp" "$bin/kwok"
fi

# kwok v0.8 does nothing without stages (it exits "no stages found"): the "fast" set its module ships
# (nodes Ready at once, with lease heartbeats; pods Running at once, completed and deleted as asked), as
# one file for `kwok --config "$bin/stages.yaml"`.
if [ ! -s "$bin/stages.yaml" ]; then
  stages="$(cd "$root/tools/kwok" && GOFLAGS=-mod=readonly go list -m -f '{{.Dir}}' sigs.k8s.io/kwok)/kustomize/stage"
  for file in node/fast/node-initialize.yaml node/heartbeat-with-lease/node-heartbeat-with-lease.yaml \
    pod/fast/pod-ready.yaml pod/fast/pod-complete.yaml pod/fast/pod-delete.yaml; do
    echo "---"
    cat "$stages/$file"
  done >"$bin/stages.yaml.tmp"
  mv "$bin/stages.yaml.tmp" "$bin/stages.yaml"
fi
echo "$bin"
