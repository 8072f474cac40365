#!/usr/bin/env bash
# Builds the worker images locally (no public registry is reachable): a minimal Debian base made with
# debootstrap and `docker import`, then the TypeScript echo worker and the unmodified Python RunPod worker
# on top of it. Each image is skipped when it is already there and up to date:
#   runfleet/debian:bookworm                 only when missing (the debootstrap tarball is also cached)
#   runfleet/echo-worker:dev                 when the Node binary, the SDK or the echo worker changed
#   runfleet/python-runpod-worker:dev        when the handler or its requirements changed
#
#   scripts/worker-images.sh [base|echo|python|all]     (default: all; needs `npm install` for echo)
#
# The engine is found through DOCKER_HOST (scripts/docker-engine.sh start; eval "$(scripts/docker-engine.sh env)").
# Settings (environment): RUNFLEET_IMAGE_CACHE (default ~/.cache/runfleet/images), DEBIAN_MIRROR
# (default http://deb.debian.org/debian).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO="$(pwd)"

BASE_IMAGE="runfleet/debian:bookworm"
ECHO_IMAGE="runfleet/echo-worker:dev"
PYTHON_IMAGE="runfleet/python-runpod-worker:dev"
CACHE="${RUNFLEET_IMAGE_CACHE:-$HOME/.cache/runfleet/images}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
# The classic builder: the Debian engine has no BuildKit front end, and `--network host` is what lets
# a build step reach the package registries without a bridge network.
export DOCKER_BUILDKIT=0

has_image() {
  docker image inspect "$1" >/dev/null 2>&1
}

# The source hash an image was built from (empty when the image is missing).
built_from() {
  docker image inspect --format '{{ index .Config.Labels "org.runfleet.source-hash" }}' "$1" 2>/dev/null || true
}

hash_of() {
  sha256sum "$@" | sha256sum | cut -c1-16
}

build_base() {
  if has_image "$BASE_IMAGE"; then
    echo "$BASE_IMAGE: present"
    return
  fi
  local tarball="$CACHE/debian-bookworm-minbase.tar"
  mkdir -p "$CACHE"
  if [ ! -s "$tarball" ]; then
    local root
    root="$(mktemp -d)"
    echo "$BASE_IMAGE: debootstrap bookworm (minbase) from $MIRROR"
    debootstrap --variant=minbase --include=ca-certificates bookworm "$root" "$MIRROR" >"$CACHE/debootstrap.log" 2>&1 ||
      { tail -n 20 "$CACHE/debootstrap.log" >&2; rm -rf "$root"; return 1; }
    # Package lists and caches are not needed at run time; apt-get update fetches them again.
    rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
    tar --numeric-owner -C "$root" -cf "$tarball.partial" .
    mv "$tarball.partial" "$tarball"
    rm -rf "$root"
  fi
  docker import \
    --change 'ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8' \
    --change 'CMD ["/bin/bash"]' \
    "$tarball" "$BASE_IMAGE" >/dev/null
  echo "$BASE_IMAGE: imported from $tarball"
}

build_echo() {
  local node="node_modules/node/bin/node"
  local inputs=("$node" sdk/package.json examples/echo-worker/package.json)
  if [ ! -x "$node" ] || [ ! -f examples/echo-worker/dist/worker.js ]; then
    echo "the echo worker is not built: run npm install (it builds with tsc -b)" >&2
    return 1
  fi
  mapfile -t -O "${#inputs[@]}" inputs < <(find sdk/dist examples/echo-worker/dist -name '*.js' | sort)
  local hash
  hash="$(hash_of "${inputs[@]}")"
  if [ "$(built_from "$ECHO_IMAGE")" = "$hash" ]; then
    echo "$ECHO_IMAGE: up to date"
    return
  fi
  local context
  context="$(mktemp -d)"
  mkdir -p "$context/app/node_modules/@runfleet/sdk" "$context/app/echo-worker"
  cp "$node" "$context/node"
  cp -r sdk/package.json sdk/dist "$context/app/node_modules/@runfleet/sdk/"
  cp -r examples/echo-worker/package.json examples/echo-worker/dist "$context/app/echo-worker/"
  cat >"$context/Dockerfile" <<EOF
FROM $BASE_IMAGE
COPY node /usr/local/bin/node
COPY app /app
WORKDIR /app/echo-worker
LABEL org.runfleet.source-hash="$hash"
CMD ["node", "/app/echo-worker/dist/worker.js"]
EOF
  docker build --quiet --force-rm --tag "$ECHO_IMAGE" "$context" >/dev/null
  rm -rf "$context"
  echo "$ECHO_IMAGE: built ($hash)"
}

build_python() {
  local dir="examples/python-runpod-worker"
  local hash
  hash="$(hash_of "$dir/handler.py" "$dir/requirements.txt")"
  if [ "$(built_from "$PYTHON_IMAGE")" = "$hash" ]; then
    echo "$PYTHON_IMAGE: up to date"
    return
  fi
  local context
  context="$(mktemp -d)"
  cp "$dir/handler.py" "$dir/requirements.txt" "$context/"
  # pip inside the build trusts what this host trusts (a TLS-inspecting proxy's CA, say): the bundle of
  # public CA certificates is given to that one step.
  cp "${SSL_CERT_FILE:-/etc/ssl/certs/ca-certificates.crt}" "$context/build-ca.crt"
  cat >"$context/Dockerfile" <<EOF
FROM $BASE_IMAGE
RUN apt-get update \\
 && apt-get install --yes --no-install-recommends python3 python3-venv \\
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb
COPY requirements.txt build-ca.crt /app/
RUN python3 -m venv /opt/venv \\
 && PIP_CERT=/app/build-ca.crt /opt/venv/bin/pip install --no-cache-dir --disable-pip-version-check --quiet \\
      -r /app/requirements.txt \\
 && rm /app/build-ca.crt
COPY handler.py /app/handler.py
WORKDIR /app
LABEL org.runfleet.source-hash="$hash"
CMD ["/opt/venv/bin/python", "-u", "/app/handler.py"]
EOF
  docker build --quiet --force-rm --network host --tag "$PYTHON_IMAGE" "$context" >/dev/null
  rm -rf "$context"
  echo "$PYTHON_IMAGE: built ($hash)"
}

case "${1:-all}" in
  base) build_base ;;
  echo) build_base && build_echo ;;
  python) build_base && build_python ;;
  all) build_base && build_echo && build_python ;;
  *)
    echo "usage: $0 [base|echo|python|all]" >&2
    exit 2
    ;;
esac
