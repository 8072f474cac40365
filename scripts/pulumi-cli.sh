#!/usr/bin/env bash
# Builds the Pulumi CLI from the Go module proxy into ~/.cache/runfleet/pulumi/<version>/bin and prints
# that directory. No Pulumi download site is reachable from here, so the CLI comes from its Go modules
# through the wrapper module tools/pulumi-cli, which repeats the replace directive pkg's go.mod needs
# (`go install .../cmd/pulumi@v...` refuses a module with replace directives). The build is skipped when
# the cached binary reports the pinned version.
#
# Next to `pulumi` it puts `pulumi-resource-pulumi-nodejs`, the shim that starts dynamic providers, taken
# from the npm package @pulumi/pulumi (run `npm install` first). The shim runs `node` from PATH, which
# must be Node >= 22: put node_modules/.bin first.
#
# Pulumi's own Node.js language host is a Go module that the Go module proxy here does not serve, so next
# to the CLI this builds Runfleet's (tools/pulumi-cli/cmd/pulumi-language-nodejs): it runs a program with
# the runner of the npm package @pulumi/pulumi, so that `pulumi up` works in a project folder. It is
# rebuilt when its sources change (a hash of them is kept beside the binary).
#
# Usage:
#   scripts/pulumi-cli.sh             build if needed, then print the bin directory
#   scripts/pulumi-cli.sh --bin-dir   only print the bin directory (nothing is built)
#   export PATH="$(scripts/pulumi-cli.sh):$PWD/node_modules/.bin:$PATH"
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
wrapper="$root/tools/pulumi-cli"
# The version is the one go.mod pins, so the binary, its ldflags and the cache path cannot disagree.
version="$(awk '$1 == "github.com/pulumi/pulumi/pkg/v3" { print $2; exit }' "$wrapper/go.mod")"
bin="${RUNFLEET_PULUMI_CACHE:-$HOME/.cache/runfleet/pulumi}/$version/bin"

if [ "${1:-}" = "--bin-dir" ]; then
  echo "$bin"
  exit 0
fi

cached() { [ -x "$bin/pulumi" ] && [ "$("$bin/pulumi" version 2>/dev/null)" = "$version" ]; }

if ! cached; then
  mkdir -p "$bin"
  echo "building the Pulumi CLI $version into $bin (several minutes; one package at a time)" >&2
  # Same flags as the official release build: no cgo, trimmed paths, the version stamped by ldflags
  # (the Automation API refuses a CLI whose version it cannot parse). go.sum pins every module.
  (
    cd "$wrapper"
    CGO_ENABLED=0 GOFLAGS="-mod=readonly -buildvcs=false" nice -n 19 go build -p "${PULUMI_BUILD_JOBS:-1}" -trimpath \
      -tags osusergo,grpcnotrace \
      -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$version" \
      -o "$bin/pulumi.tmp" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
  )
  mv "$bin/pulumi.tmp" "$bin/pulumi"
fi

host_hash="$(cat "$wrapper/go.mod" "$wrapper/go.sum" "$wrapper"/cmd/pulumi-language-nodejs/*.go | sha256sum | cut -d' ' -f1)"
if [ ! -x "$bin/pulumi-language-nodejs" ] || [ "$(cat "$bin/pulumi-language-nodejs.sha256" 2>/dev/null)" != "$host_hash" ]; then
  echo "building the Node.js language host into $bin" >&2
  (
    cd "$wrapper"
    CGO_ENABLED=0 GOFLAGS="-mod=readonly -buildvcs=false" nice -n 19 go build -p "${PULUMI_BUILD_JOBS:-1}" -trimpath \
      -ldflags "-s -w -X main.version=${version#v}" \
      -o "$bin/pulumi-language-nodejs.tmp" ./cmd/pulumi-language-nodejs
  )
  mv "$bin/pulumi-language-nodejs.tmp" "$bin/pulumi-language-nodejs"
  echo "$host_hash" > "$bin/pulumi-language-nodejs.sha256"
fi

shim="$root/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"
if [ -f "$shim" ]; then
  install -m 0755 "$shim" "$bin/pulumi-resource-pulumi-nodejs"
else
  echo "note: $shim is missing (run npm install); dynamic providers need it next to pulumi" >&2
fi
echo "$bin"
