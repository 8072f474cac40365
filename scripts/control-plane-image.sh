#!/usr/bin/env bash
# Builds the control-plane container image locally (no public registry is reachable), on the Debian base
# image of scripts/worker-images.sh: the Node binary of the repository's `node` package, the built control
# plane, SDK, web console and contract (openapi.yaml), and the production dependencies of the control plane only (the set `npm ls
# --omit=dev` names), copied from this checkout's node_modules. Skipped when the image is up to date.
#
#   scripts/control-plane-image.sh            build runfleet/control-plane:dev (needs `npm install`)
#   scripts/control-plane-image.sh --import   then import it into the test cluster's containerd
#                                             (scripts/kubernetes-cluster.sh images)
#
# The engine is found through DOCKER_HOST (eval "$(scripts/docker-engine.sh env)").
# Settings (environment): RUNFLEET_CONTROL_PLANE_IMAGE (default runfleet/control-plane:dev).
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE="${RUNFLEET_CONTROL_PLANE_IMAGE:-runfleet/control-plane:dev}"
BASE_IMAGE="runfleet/debian:bookworm"
export DOCKER_BUILDKIT=0

node="node_modules/node/bin/node"
if [ ! -x "$node" ] || [ ! -f control-plane/dist/bin/runfleet.js ] || [ ! -f console/dist/index.html ]; then
  echo "the control plane is not built: run npm install (it builds with tsc -b and builds the console)" >&2
  exit 1
fi
scripts/worker-images.sh base

# The production dependency tree of the control plane, as directories under node_modules (workspace
# packages such as @runfleet/sdk are links: they are copied from their build below instead).
mapfile -t dependencies < <(
  npm ls --omit=dev --all --parseable --workspace @runfleet/control-plane 2>/dev/null |
    sed -n "s|^$(pwd)/||p" | grep '^node_modules/' | sort -u
)
inputs=("$node" package-lock.json openapi.yaml control-plane/package.json sdk/package.json)
mapfile -t -O "${#inputs[@]}" inputs < <(find control-plane/dist sdk/dist console/dist -type f | sort)
hash="$(sha256sum "${inputs[@]}" | sha256sum | cut -c1-16)"
if [ "$(docker image inspect --format '{{ index .Config.Labels "org.runfleet.source-hash" }}' "$IMAGE" 2>/dev/null || true)" = "$hash" ]; then
  echo "$IMAGE: up to date"
else
  context="$(mktemp -d)"
  trap 'rm -rf "$context"' EXIT
  mkdir -p "$context/app/control-plane" "$context/app/sdk" "$context/app/console"
  cp "$node" "$context/node"
  cp -r control-plane/package.json control-plane/bin control-plane/dist "$context/app/control-plane/"
  cp -r sdk/package.json sdk/dist "$context/app/sdk/"
  cp -r console/dist "$context/app/console/"
  # The contract the server validates requests against and serves at /openapi.yaml.
  cp openapi.yaml "$context/app/"
  for dependency in "${dependencies[@]}"; do
    [ -L "$dependency" ] && continue
    mkdir -p "$context/app/$(dirname "$dependency")"
    cp -r "$dependency" "$context/app/$dependency"
  done
  # The workspace link, as a real directory: the image has no workspace.
  rm -rf "$context/app/node_modules/@runfleet"
  mkdir -p "$context/app/node_modules/@runfleet"
  cp -r "$context/app/sdk" "$context/app/node_modules/@runfleet/sdk"
  cat >"$context/Dockerfile" <<EOF
FROM $BASE_IMAGE
COPY node /usr/local/bin/node
COPY app /app
WORKDIR /app
ENV NODE_ENV=production RUNFLEET_DATA_DIR=/var/lib/runfleet
LABEL org.runfleet.source-hash="$hash"
ENTRYPOINT ["node", "--max-semi-space-size=4", "--heap-growing-percent=50", "--disable-warning=ExperimentalWarning", "/app/control-plane/dist/bin/runfleet.js"]
CMD ["serve"]
EOF
  docker build --quiet --force-rm --tag "$IMAGE" "$context" >/dev/null
  echo "$IMAGE: built ($hash, ${#dependencies[@]} packages)"
fi

if [ "${1:-}" = "--import" ]; then
  RUNFLEET_KUBERNETES_IMAGES="$IMAGE" scripts/kubernetes-cluster.sh images
fi
