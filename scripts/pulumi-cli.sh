#!/usr/bin/env bash
# Builds the Pulumi CLI from the Go module proxy into ~/.cache/runfleet/pulumi/<version>/bin and prints
# that directory. No Pulumi download site is reachable from here, so the CLI comes from its Go modules
# through the wrapper module tools/pulumi-cli (it repeats the replace directive pkg's go.mod needs).
# Skips the build when the cached binary reports the pinned version. Usage:
#   scripts/pulumi-cli.sh            # build if needed, print the bin directory
#   export PATH="$(scripts/pulumi-cli.sh):$PATH"
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
wrapper="$root/tools/pulumi-cli"
# The version is the one go.mod pins, so the binary, its ldflags and the cache path cannot disagree.
version="$(awk '$1 == "github.com/pulumi/pulumi/pkg/v3" { print $2; exit }' "$wrapper/go.mod")"
bin="${RUNFLEET_PULUMI_CACHE:-$HOME/.cache/runfleet/pulumi}/$version/bin"

cached() { [ -x "$bin/pulumi" ] && [ "$("$bin/pulumi" version 2>/dev/null)" = "$version" ]; }

if ! cached; then
  mkdir -p "$bin"
  echo "building the Pulumi CLI $version into $bin (several minutes; one package at a time)" >&2
  cd "$wrapper"
  # Same flags as the official release build: no cgo, trimmed paths, the version stamped by ldflags
  # (the Automation API refuses a CLI whose version it cannot parse).
  export CGO_ENABLED=0 GOFLAGS=-mod=readonly
  nice -n 19 go build -p "${PULUMI_BUILD_JOBS:-1}" -trimpath -tags osusergo,grpcnotrace \
    -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$version" \
    -o "$bin/pulumi.tmp" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
  mv "$bin/pulumi.tmp" "$bin/pulumi"
fi
echo "$bin"
