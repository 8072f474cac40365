#!/usr/bin/env bash
# A real single-node Kubernetes cluster on this host, for the Kubernetes driver's tests, CI and developers.
#
#   scripts/kubernetes-cluster.sh up       build what is missing (scripts/kubernetes-build.sh), start etcd,
#                                          containerd, kube-apiserver, kube-controller-manager, kube-scheduler
#                                          and the kubelet, wait for the node, import the worker images, run a
#                                          first pod; on a cluster already up, only (re)import the images
#   scripts/kubernetes-cluster.sh down     delete every pod, stop what `up` started (by PID), unmount, remove
#                                          the cgroups and every file `up` made
#   scripts/kubernetes-cluster.sh status   exit 0 when the API answers and the node is Ready
#   scripts/kubernetes-cluster.sh env      print `export KUBECONFIG=...` for eval
#   scripts/kubernetes-cluster.sh images   (re)import the worker images (after scripts/worker-images.sh)
#
# Everything comes from the package registries: Kubernetes and etcd built from the Go module proxy,
# containerd, runc and the CNI plugins from Debian, the pod sandbox ("pause") image built here from the
# pause.c of the Kubernetes module. No registry is reachable, so images are imported into containerd.
#
# Networking: only loopback. Every component listens on 127.0.0.1; worker pods use `hostNetwork: true` and
# reach the control plane on 127.0.0.1, as the Docker driver's containers do. The CNI configuration has
# the loopback plugin only (containerd reports the network ready when a configuration exists): there is no
# bridge and no pod network, and nothing is sent to a private-range address. The apiserver reconciles no
# endpoints for its own Service (`--endpoint-reconciler-type=none`) and reaches the kubelet by host name
# (`--kubelet-preferred-address-types=Hostname`; the host name resolves to 127.0.0.1).
#
# GPUs: there is no device here; the node's status is patched with an `nvidia.com/gpu` capacity (and the
# node labelled with a GPU product), so that the real scheduler enforces GPU limits.
#
# Settings (environment):
#   RUNFLEET_KUBERNETES_DIR    every file of the running cluster     (default /var/lib/runfleet/kubernetes)
#   RUNFLEET_KUBERNETES_PORT   the apiserver's port on 127.0.0.1      (default 16443)
#   RUNFLEET_KUBERNETES_GPUS   the node's nvidia.com/gpu capacity     (default 4)
#   RUNFLEET_KUBERNETES_GPU_PRODUCT  its nvidia.com/gpu.product label (default NVIDIA-GeForce-RTX-4090)
#   RUNFLEET_KUBERNETES_IMAGES the images to import from the Docker engine (DOCKER_HOST), space-separated
#                              (default: the worker images of scripts/worker-images.sh and the control-plane
#                              image of scripts/control-plane-image.sh, those the engine has)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/service-wait.sh
source "$root/scripts/service-wait.sh"

DIR="${RUNFLEET_KUBERNETES_DIR:-/var/lib/runfleet/kubernetes}"
API_PORT="${RUNFLEET_KUBERNETES_PORT:-16443}"
ETCD_PORT="${RUNFLEET_KUBERNETES_ETCD_PORT:-12379}"
ETCD_PEER_PORT=$((ETCD_PORT + 1))
KUBELET_PORT="${RUNFLEET_KUBERNETES_KUBELET_PORT:-10250}"
GPUS="${RUNFLEET_KUBERNETES_GPUS:-4}"
GPU_PRODUCT="${RUNFLEET_KUBERNETES_GPU_PRODUCT:-NVIDIA-GeForce-RTX-4090}"
NODE="$(hostname | tr '[:upper:]' '[:lower:]')"
# Every cgroup the kubelet and containerd make for pods lives under this one, so `down` removes them all.
CGROUP_ROOT="runfleet-kubernetes"
PAUSE_IMAGE="registry.k8s.io/pause:3.10-runfleet"
DEFAULT_IMAGES="runfleet/echo-worker:dev runfleet/python-runpod-worker:dev runfleet/control-plane:dev"
SOCK="$DIR/containerd/containerd.sock"
KUBECONFIG_FILE="$DIR/admin.kubeconfig"
LOGS="$DIR/logs"
PIDS="$DIR/pids"
OUTSIDE_PATHS="/var/lib/kubelet /var/log/containers /run/containerd"

bin_dir() { "$root/scripts/kubernetes-build.sh" --bin-dir; }

kubectl_() { "$(bin_dir)/kubectl" --kubeconfig "$KUBECONFIG_FILE" "$@"; }

api_answers() { kubectl_ get --raw /readyz >/dev/null 2>&1; }

# Ready, and schedulable: the node lifecycle controller has lifted its not-ready taint.
node_ready() {
  [ "$(kubectl_ get node "$NODE" -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" = "True" ] &&
    [ -z "$(kubectl_ get node "$NODE" -o 'jsonpath={.spec.taints}' 2>/dev/null)" ]
}

default_account_exists() { kubectl_ get serviceaccount default --namespace default >/dev/null 2>&1; }

# Starts a daemon with its output in $LOGS/NAME.log and its PID in $PIDS/NAME.
launch() {
  local name="$1"
  shift
  "$@" >>"$LOGS/$name.log" 2>&1 </dev/null &
  echo $! >"$PIDS/$name"
  disown || true
}

# Stops a daemon this script started, by the PID it recorded: SIGTERM, then SIGKILL after 10 s.
halt() {
  local name="$1" pid
  [ -f "$PIDS/$name" ] || return 0
  pid="$(cat "$PIDS/$name")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.25
    done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$PIDS/$name"
}

# A kubeconfig for one user of the static token file.
kubeconfig() {
  local file="$1" user="$2" token="$3"
  cat >"$file" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: runfleet
  cluster:
    server: https://127.0.0.1:$API_PORT
    certificate-authority: $DIR/pki/ca.crt
users:
- name: $user
  user:
    token: $token
contexts:
- name: runfleet
  context: {cluster: runfleet, user: $user}
current-context: runfleet
EOF
  chmod 600 "$file"
}

# Certificates: one CA for the apiserver's serving certificate and the client certificate it shows the
# kubelet (for logs and exec), and the service-account signing key pair.
make_pki() {
  local pki="$DIR/pki"
  mkdir -p "$pki"
  (
    cd "$pki"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=runfleet-test-ca" \
      -keyout ca.key -out ca.crt 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=kube-apiserver" -keyout apiserver.key -out apiserver.csr 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:%s,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc\n' \
      "$NODE" >apiserver.ext
    openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 \
      -extfile apiserver.ext -out apiserver.crt 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/O=system:masters/CN=kube-apiserver-kubelet-client" \
      -keyout apiserver-kubelet-client.key -out apiserver-kubelet-client.csr 2>/dev/null
    openssl x509 -req -in apiserver-kubelet-client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 \
      -out apiserver-kubelet-client.crt 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:%s\n' "$NODE" >kubelet.ext
    openssl req -newkey rsa:2048 -nodes -subj "/CN=$NODE" -keyout kubelet.key -out kubelet.csr 2>/dev/null
    openssl x509 -req -in kubelet.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 \
      -extfile kubelet.ext -out kubelet.crt 2>/dev/null
    openssl genrsa -out sa.key 2048 2>/dev/null
    openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
    chmod 600 ./*.key
  )
  # Static tokens (token,user,uid,"groups"): the admin, the two controllers (bootstrap RBAC gives their
  # user names their roles) and the kubelet (the Node authorizer knows it by its system:node: name).
  local admin cm sched kubelet
  admin="$(openssl rand -hex 24)"
  cm="$(openssl rand -hex 24)"
  sched="$(openssl rand -hex 24)"
  kubelet="$(openssl rand -hex 24)"
  {
    echo "$admin,runfleet-admin,runfleet-admin,\"system:masters\""
    echo "$cm,system:kube-controller-manager,system:kube-controller-manager"
    echo "$sched,system:kube-scheduler,system:kube-scheduler"
    echo "$kubelet,system:node:$NODE,system:node:$NODE,\"system:nodes\""
  } >"$pki/tokens.csv"
  chmod 600 "$pki/tokens.csv"
  kubeconfig "$KUBECONFIG_FILE" runfleet-admin "$admin"
  kubeconfig "$DIR/controller-manager.kubeconfig" system:kube-controller-manager "$cm"
  kubeconfig "$DIR/scheduler.kubeconfig" system:kube-scheduler "$sched"
  kubeconfig "$DIR/kubelet.kubeconfig" "system:node:$NODE" "$kubelet"
}

write_containerd_config() {
  mkdir -p "$DIR/containerd" "$DIR/cni/net.d"
  cat >"$DIR/containerd/config.toml" <<EOF
# The test cluster's own containerd: its own root, state and socket, so that it never meets another one.
version = 2
root = "$DIR/containerd/root"
state = "$DIR/containerd/state"
[grpc]
  address = "$SOCK"
[ttrpc]
  address = "$SOCK.ttrpc"
[debug]
  address = "$SOCK.debug"
[plugins."io.containerd.internal.v1.opt"]
  path = "$DIR/containerd/opt"
[plugins."io.containerd.grpc.v1.cri"]
  # The sandbox image is built here and imported: no registry is reachable.
  sandbox_image = "$PAUSE_IMAGE"
  # This sandbox lacks CAP_SYS_RESOURCE: containers may not lower their OOM score below containerd's.
  restrict_oom_score_adj = true
  enable_selinux = false
  # Network namespaces of pods not on the host network are mounted under the state directory, so that
  # "down" finds them.
  netns_mounts_under_state_dir = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        Root = "$DIR/containerd/runc"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$DIR/cni/net.d"
EOF
  # Loopback only: pods run on the host's network; this exists so that the runtime reports its network
  # ready. No bridge, no pod IPs.
  cat >"$DIR/cni/net.d/10-runfleet-loopback.conflist" <<EOF
{"cniVersion": "1.0.0", "name": "runfleet-loopback", "plugins": [{"type": "loopback"}]}
EOF
}

write_kubelet_config() {
  mkdir -p "$DIR/kubelet"
  cat >"$DIR/kubelet/config.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: 127.0.0.1
port: $KUBELET_PORT
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 0
tlsCertFile: $DIR/pki/kubelet.crt
tlsPrivateKeyFile: $DIR/pki/kubelet.key
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: false}
  x509: {clientCAFile: $DIR/pki/ca.crt}
authorization:
  # Only the apiserver holds a client certificate of this CA; the kubelet listens on loopback only.
  mode: AlwaysAllow
cgroupDriver: cgroupfs
cgroupRoot: /$CGROUP_ROOT
cgroupsPerQOS: true
containerRuntimeEndpoint: unix://$SOCK
failSwapOn: false
resolvConf: /etc/resolv.conf
serializeImagePulls: false
maxPods: 250
podPidsLimit: -1
# The host's disks are shared and fuller than a dedicated node's; evict only when really short.
evictionHard:
  memory.available: 200Mi
  nodefs.available: 2%
  imagefs.available: 2%
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
# Images are imported, never pulled: none may be collected as unused.
imageMinimumGCAge: 8760h
localStorageCapacityIsolation: false
enableServer: true
staticPodPath: ""
podLogsDir: $DIR/pod-logs
# stdout and stderr apart in the pod log API (alpha in 1.34): the driver reads each stream on its own.
featureGates:
  PodLogsQuerySplitStreams: true
EOF
}

# The pod sandbox image: the static pause binary alone, as an OCI image archive for `ctr images import`.
pause_archive() {
  local out="$1" work pause
  pause="$(bin_dir)/pause"
  work="$(mktemp -d)"
  mkdir -p "$work/rootfs" "$work/blobs/sha256"
  cp "$pause" "$work/rootfs/pause"
  tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$work/rootfs" -cf "$work/layer.tar" pause
  local layer_sha diff_id config config_sha manifest manifest_sha
  layer_sha="$(sha256sum "$work/layer.tar" | cut -d' ' -f1)"
  diff_id="$layer_sha"
  cp "$work/layer.tar" "$work/blobs/sha256/$layer_sha"
  config="{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Entrypoint\":[\"/pause\"],\"User\":\"65535:65535\"},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:$diff_id\"]}}"
  printf '%s' "$config" >"$work/config.json"
  config_sha="$(sha256sum "$work/config.json" | cut -d' ' -f1)"
  cp "$work/config.json" "$work/blobs/sha256/$config_sha"
  manifest="{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:$config_sha\",\"size\":$(stat -c %s "$work/config.json")},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"sha256:$layer_sha\",\"size\":$(stat -c %s "$work/layer.tar")}]}"
  printf '%s' "$manifest" >"$work/manifest.json"
  manifest_sha="$(sha256sum "$work/manifest.json" | cut -d' ' -f1)"
  cp "$work/manifest.json" "$work/blobs/sha256/$manifest_sha"
  printf '{"imageLayoutVersion":"1.0.0"}' >"$work/oci-layout"
  printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"%s"}}]}' \
    "$manifest_sha" "$(stat -c %s "$work/manifest.json")" "$PAUSE_IMAGE" >"$work/index.json"
  tar --owner=0 --group=0 -C "$work" -cf "$out" oci-layout index.json blobs
  rm -rf "$work"
}

ctr_() { ctr --address "$SOCK" --namespace k8s.io "$@"; }

import_images() {
  local images="${RUNFLEET_KUBERNETES_IMAGES:-}" image
  if [ -z "$images" ]; then
    if ! docker version >/dev/null 2>&1; then
      echo "no Docker engine answers (DOCKER_HOST=${DOCKER_HOST:-unset}): no worker image imported" >&2
      return 0
    fi
    for image in $DEFAULT_IMAGES; do
      if docker image inspect "$image" >/dev/null 2>&1; then
        images="$images $image"
      else
        echo "$image: not in the Docker engine (scripts/worker-images.sh builds it); not imported" >&2
      fi
    done
  fi
  for image in $images; do
    docker save "$image" | ctr_ images import - >/dev/null
    echo "$image: imported"
  done
}

# Runs one short pod of the echo worker image to its end, so that the node has made its first pod
# sandbox and unpacked the image before anyone times a worker's start: on a fresh node (and a busy
# machine) that first pod takes many seconds, every later one about one. Skipped when that image was not
# imported; a warm-up that fails is reported, not fatal.
warm_node() {
  local image="docker.io/runfleet/echo-worker:dev" pod="runfleet-warm-up" present
  # Matched in the shell, not by `grep -q` at the end of a pipe: grep leaving early fails the pipe
  # (pipefail) when ctr is still writing.
  present="$(ctr_ images ls -q 2>/dev/null || true)"
  [[ $'\n'"$present"$'\n' == *$'\n'"$image"$'\n'* ]] || return 0
  kubectl_ delete pod "$pod" --namespace default --ignore-not-found --wait=false >/dev/null 2>&1 || true
  if kubectl_ run "$pod" --namespace default --image "$image" --image-pull-policy Never --restart Never \
    --overrides '{"spec":{"hostNetwork":true,"automountServiceAccountToken":false}}' \
    --command -- /bin/sh -c true >/dev/null &&
    kubectl_ wait pod "$pod" --namespace default --for jsonpath='{.status.phase}'=Succeeded --timeout 120s >/dev/null; then
    echo "the node ran a first pod ($image)"
  else
    echo "warning: the warm-up pod did not run to its end; the first worker may start slowly" >&2
  fi
  kubectl_ delete pod "$pod" --namespace default --ignore-not-found --wait=false >/dev/null 2>&1 || true
}

up() {
  if [ -f "$PIDS/kube-apiserver" ] && api_answers && node_ready; then
    echo "the test cluster is already up (KUBECONFIG=$KUBECONFIG_FILE)"
    # It may hold older builds of the worker images, or none (started without a Docker engine).
    import_images
    return 0
  fi
  if [ -d "$DIR" ]; then
    echo "a previous cluster left $DIR: taking it down first" >&2
    down
  fi
  for tool in containerd runc ctr /usr/lib/cni/loopback openssl gcc; do
    if ! command -v "$tool" >/dev/null; then
      echo "$tool is missing: apt-get install containerd runc containernetworking-plugins openssl gcc" >&2
      return 1
    fi
  done
  local bin
  bin="$("$root/scripts/kubernetes-build.sh")"
  mkdir -p "$DIR" "$LOGS" "$PIDS"
  # Paths outside $DIR that the kubelet and containerd use whatever they are told (the device plugins'
  # socket, /var/log/containers, the shims' sockets): those that do not exist yet are noted, so that
  # `down` removes them and only them.
  local outside
  for outside in $OUTSIDE_PATHS; do
    [ -e "$outside" ] || echo "$outside" >>"$DIR/made-outside"
  done
  make_pki
  write_containerd_config
  write_kubelet_config
  # Pre-made so that the kubelet finds its cgroup root in every hierarchy (cpuset needs its CPUs and memory
  # nodes copied from the parent before anything can join it).
  local hierarchy
  for hierarchy in /sys/fs/cgroup/*/; do
    [ -f "$hierarchy/cgroup.procs" ] || continue
    mkdir -p "$hierarchy$CGROUP_ROOT"
  done
  if [ -d /sys/fs/cgroup/cpuset/$CGROUP_ROOT ]; then
    cat /sys/fs/cgroup/cpuset/cpuset.cpus >/sys/fs/cgroup/cpuset/$CGROUP_ROOT/cpuset.cpus
    cat /sys/fs/cgroup/cpuset/cpuset.mems >/sys/fs/cgroup/cpuset/$CGROUP_ROOT/cpuset.mems
  fi

  launch etcd "$bin/etcd" --name runfleet --data-dir "$DIR/etcd" \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster "runfleet=http://127.0.0.1:$ETCD_PEER_PORT" \
    --unsafe-no-fsync --snapshot-count 10000 --log-level warn
  launch containerd containerd --config "$DIR/containerd/config.toml"
  wait_for_service 30 containerd "$LOGS/containerd.log" ctr_ version >/dev/null || return 1
  pause_archive "$DIR/pause.tar"
  ctr_ images import "$DIR/pause.tar" >/dev/null
  rm -f "$DIR/pause.tar"
  ctr_ images label "$PAUSE_IMAGE" io.cri-containerd.pinned=pinned >/dev/null

  launch kube-apiserver "$bin/kube-apiserver" \
    --etcd-servers "http://127.0.0.1:$ETCD_PORT" \
    --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$API_PORT" \
    --tls-cert-file "$DIR/pki/apiserver.crt" --tls-private-key-file "$DIR/pki/apiserver.key" \
    --client-ca-file "$DIR/pki/ca.crt" \
    --token-auth-file "$DIR/pki/tokens.csv" \
    --authorization-mode Node,RBAC \
    --enable-admission-plugins NodeRestriction \
    --service-account-issuer https://kubernetes.default.svc \
    --service-account-key-file "$DIR/pki/sa.pub" --service-account-signing-key-file "$DIR/pki/sa.key" \
    --service-cluster-ip-range 10.96.0.0/24 \
    --endpoint-reconciler-type none \
    --kubelet-preferred-address-types Hostname \
    --kubelet-client-certificate "$DIR/pki/apiserver-kubelet-client.crt" \
    --kubelet-client-key "$DIR/pki/apiserver-kubelet-client.key" \
    --allow-privileged=true \
    --feature-gates PodLogsQuerySplitStreams=true \
    --profiling=false
  wait_for_service 90 kube-apiserver "$LOGS/kube-apiserver.log" api_answers || return 1

  launch kube-controller-manager "$bin/kube-controller-manager" \
    --kubeconfig "$DIR/controller-manager.kubeconfig" \
    --authentication-kubeconfig "$DIR/controller-manager.kubeconfig" \
    --authorization-kubeconfig "$DIR/controller-manager.kubeconfig" \
    --bind-address 127.0.0.1 --leader-elect=false \
    --service-account-private-key-file "$DIR/pki/sa.key" --root-ca-file "$DIR/pki/ca.crt" \
    --use-service-account-credentials=true \
    --profiling=false
  launch kube-scheduler "$bin/kube-scheduler" \
    --kubeconfig "$DIR/scheduler.kubeconfig" \
    --authentication-kubeconfig "$DIR/scheduler.kubeconfig" \
    --authorization-kubeconfig "$DIR/scheduler.kubeconfig" \
    --bind-address 127.0.0.1 --leader-elect=false --profiling=false
  launch kubelet "$bin/kubelet" \
    --config "$DIR/kubelet/config.yaml" \
    --kubeconfig "$DIR/kubelet.kubeconfig" \
    --root-dir "$DIR/kubelet" --cert-dir "$DIR/kubelet/pki" \
    --hostname-override "$NODE" \
    --node-labels "nvidia.com/gpu.product=$GPU_PRODUCT,nvidia.com/gpu.count=$GPUS"
  wait_for_service 120 "the node $NODE" "$LOGS/kubelet.log" node_ready || return 1
  # Pods are refused until the controller manager has made the namespace's default service account.
  wait_for_service 60 "the default service account" "$LOGS/kube-controller-manager.log" \
    default_account_exists || return 1

  # The GPUs the scheduler counts: an extended resource advertised on the node's status.
  kubectl_ patch node "$NODE" --subresource status --type json \
    -p "[{\"op\":\"add\",\"path\":\"/status/capacity/nvidia.com~1gpu\",\"value\":\"$GPUS\"},{\"op\":\"add\",\"path\":\"/status/allocatable/nvidia.com~1gpu\",\"value\":\"$GPUS\"}]" >/dev/null
  import_images
  warm_node
  echo "the test cluster is up: node $NODE, $GPUS nvidia.com/gpu ($GPU_PRODUCT); export KUBECONFIG=$KUBECONFIG_FILE"
}

# Processes whose command line names this cluster's directory (containerd's shims, the containers' own
# processes are their children): found by /proc, ended by PID.
stragglers() {
  local proc cmdline
  for proc in /proc/[0-9]*; do
    cmdline="$( (tr '\0' ' ' <"$proc/cmdline") 2>/dev/null || true)"
    case "$cmdline" in
      *containerd-shim*"$SOCK"* | *"$DIR/containerd"*) echo "${proc#/proc/}" ;;
    esac
  done
}

down() {
  if [ ! -d "$DIR" ]; then
    echo "no test cluster at $DIR"
    return 0
  fi
  if [ -f "$PIDS/kube-apiserver" ] && api_answers; then
    # Pods first, while the kubelet still runs, so that each ends gracefully and its volumes are unmounted.
    kubectl_ delete pods --all --all-namespaces --grace-period 2 --wait=true --timeout 30s >/dev/null 2>&1 || true
  fi
  halt kubelet
  halt kube-scheduler
  halt kube-controller-manager
  halt kube-apiserver
  if [ -f "$PIDS/containerd" ] && ctr_ version >/dev/null 2>&1; then
    local id
    for id in $(ctr_ tasks ls -q 2>/dev/null); do
      ctr_ tasks kill -s SIGKILL "$id" >/dev/null 2>&1 || true
    done
    sleep 1
    for id in $(ctr_ tasks ls -q 2>/dev/null); do
      ctr_ tasks delete -f "$id" >/dev/null 2>&1 || true
    done
    for id in $(ctr_ containers ls -q 2>/dev/null); do
      ctr_ containers delete "$id" >/dev/null 2>&1 || true
    done
  fi
  halt containerd
  halt etcd
  local pid
  for pid in $(stragglers); do
    kill -KILL "$pid" 2>/dev/null || true
  done
  # Mounts under the cluster's directory (overlay roots, shm, the kubelet's volumes), deepest first.
  local mount
  for mount in $(awk -v dir="$DIR" 'index($2, dir) == 1 { print $2 }' /proc/self/mounts | sort -r); do
    umount "$mount" 2>/dev/null || umount -l "$mount" 2>/dev/null || true
  done
  # The pods' cgroups, deepest first (a cgroup is removed with rmdir once it holds no process).
  local hierarchy
  for hierarchy in /sys/fs/cgroup/*/; do
    [ -d "$hierarchy$CGROUP_ROOT" ] || continue
    find "$hierarchy$CGROUP_ROOT" -depth -type d -exec rmdir {} + 2>/dev/null || true
  done
  # The container log links the kubelet made in /var/log/containers point into $DIR.
  local link
  for link in /var/log/containers/*.log; do
    [ -L "$link" ] && case "$(readlink "$link")" in "$DIR"/*) rm -f "$link" ;; esac
  done
  rm -f /var/lib/kubelet/device-plugins/kubelet.sock
  local outside
  if [ -f "$DIR/made-outside" ]; then
    while read -r outside; do
      case "$outside" in
        /run/containerd) rmdir /run/containerd/s /run/containerd 2>/dev/null || true ;;
        *) rm -rf "$outside" ;;
      esac
    done <"$DIR/made-outside"
  fi
  rm -rf "$DIR"
  rmdir "$(dirname "$DIR")" 2>/dev/null || true
  echo "the test cluster is down; $DIR removed"
}

# Sourced (to reuse its functions), it only defines them.
[ "${BASH_SOURCE[0]}" = "$0" ] || return 0

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) api_answers && node_ready && echo "the test cluster answers (KUBECONFIG=$KUBECONFIG_FILE)" ;;
  env) echo "export KUBECONFIG=$KUBECONFIG_FILE" ;;
  images) import_images ;;
  *)
    echo "usage: $0 up|down|status|env|images" >&2
    exit 2
    ;;
esac
