#!/usr/bin/env bash
# Builds the binaries of the single-node test cluster (scripts/kubernetes-cluster.sh) from the Go module
# proxy, the only place they can come from here, and prints the directory that holds them.
#
#   kube-apiserver, kube-controller-manager, kube-scheduler, kubelet, kubectl  (Kubernetes, tools/kubernetes)
#   etcd, etcdctl                                                              (etcd, tools/etcd)
#   pause                                                                      (the pod sandbox, gcc -static)
#
# The versions are the ones the wrapper modules' go.mod files pin; go.sum pins every module. Binaries are
# cached under ~/.cache/runfleet/kubernetes-<version>/bin and etcd-<version>/bin (RUNFLEET_KUBERNETES_CACHE
# moves both) and are rebuilt only when a binary is missing or does not report its version. A cold build
# takes ~20 minutes on two cores (one package at a time, niced so that it does not starve tests); with a
# warm Go build cache, 1–2 minutes.
#
# Usage:
#   scripts/kubernetes-build.sh             build what is missing, then print the bin directory
#   scripts/kubernetes-build.sh --bin-dir   only print the bin directory (nothing is built)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
export PATH="/usr/local/go/bin:$PATH"
cache="${RUNFLEET_KUBERNETES_CACHE:-$HOME/.cache/runfleet}"
k8s_version="$(awk '$1 == "k8s.io/kubernetes" && $2 ~ /^v/ { print $2; exit }' "$root/tools/kubernetes/go.mod")"
etcd_version="$(awk '$1 == "go.etcd.io/etcd/server/v3" && $2 ~ /^v/ { print $2; exit }' "$root/tools/etcd/go.mod")"
k8s_bin="$cache/kubernetes-$k8s_version/bin"
etcd_bin="$cache/etcd-$etcd_version/bin"

if [ "${1:-}" = "--bin-dir" ]; then
  echo "$k8s_bin"
  exit 0
fi

jobs="${KUBERNETES_BUILD_JOBS:-1}"

# One build at a time (a developer's `up` and CI's may overlap): the second waits, then finds the cache.
mkdir -p "$cache"
exec 9>"$cache/.kubernetes-build.lock"
flock 9

# Without the version ldflags the binaries report v0.0.0-master, which clients (and the kubelet's own
# version skew checks) cannot parse as a server version.
k8s_ldflags="-s -w -X k8s.io/component-base/version.gitVersion=$k8s_version -X k8s.io/client-go/pkg/version.gitVersion=$k8s_version"

k8s_cached() {
  local name
  for name in kube-apiserver kube-controller-manager kube-scheduler kubelet; do
    [ -x "$k8s_bin/$name" ] || return 1
  done
  [ -x "$k8s_bin/kubectl" ] && "$k8s_bin/kube-apiserver" --version 2>/dev/null | grep -qx "Kubernetes $k8s_version"
}

if ! k8s_cached; then
  mkdir -p "$k8s_bin"
  echo "building Kubernetes $k8s_version into $k8s_bin (~20 minutes cold; one package at a time)" >&2
  for name in kube-apiserver kube-controller-manager kube-scheduler kubelet kubectl; do
    echo "  $name" >&2
    (
      cd "$root/tools/kubernetes"
      CGO_ENABLED=0 GOFLAGS="-mod=readonly -buildvcs=false" nice -n 10 go build -p "$jobs" -trimpath \
        -ldflags "$k8s_ldflags" -o "$k8s_bin/$name.tmp" "k8s.io/kubernetes/cmd/$name"
    )
    mv "$k8s_bin/$name.tmp" "$k8s_bin/$name"
  done
fi

if ! { [ -x "$etcd_bin/etcd" ] && [ -x "$etcd_bin/etcdctl" ] && "$etcd_bin/etcd" --version 2>/dev/null | grep -q "etcd Version: ${etcd_version#v}"; }; then
  mkdir -p "$etcd_bin"
  echo "building etcd $etcd_version into $etcd_bin" >&2
  (
    cd "$root/tools/etcd"
    CGO_ENABLED=0 GOFLAGS="-mod=readonly -buildvcs=false" nice -n 10 go build -p "$jobs" -trimpath -ldflags "-s -w" \
      -o "$etcd_bin/etcd.tmp" go.etcd.io/etcd/server/v3
    CGO_ENABLED=0 GOFLAGS="-mod=readonly -buildvcs=false" nice -n 10 go build -p "$jobs" -trimpath -ldflags "-s -w" \
      -o "$etcd_bin/etcdctl.tmp" go.etcd.io/etcd/etcdctl/v3
  )
  mv "$etcd_bin/etcd.tmp" "$etcd_bin/etcd"
  mv "$etcd_bin/etcdctl.tmp" "$etcd_bin/etcdctl"
fi
# The cluster script finds etcd next to the Kubernetes binaries.
ln -sf "$etcd_bin/etcd" "$k8s_bin/etcd"
ln -sf "$etcd_bin/etcdctl" "$k8s_bin/etcdctl"

# The pod sandbox ("pause") binary, from the pause.c that ships in the Kubernetes module; the cluster
# script wraps it into the local sandbox image. Static, so the image needs no libc.
if [ ! -x "$k8s_bin/pause" ]; then
  src="$(cd "$root/tools/kubernetes" && GOFLAGS=-mod=readonly go list -m -f '{{.Dir}}' k8s.io/kubernetes)/build/pause/linux/pause.c"
  gcc -Os -static -Wall -Werror -DVERSION="$k8s_version" -o "$k8s_bin/pause.tmp" "$src"
  strip "$k8s_bin/pause.tmp"
  mv "$k8s_bin/pause.tmp" "$k8s_bin/pause"
fi

echo "$k8s_bin"
