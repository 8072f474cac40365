import type { V1Pod, V1Secret, V1Toleration } from "@kubernetes/client-node";
import { registryOf } from "./docker-driver.js";
import type { DriverWorker, VolumeMount, WorkerLogLine, WorkerSpec } from "./worker-driver.js";

/** The extended resource that limits a container's writable layer and logs (`containerDiskInGb`). */
export const EPHEMERAL_STORAGE_RESOURCE = "ephemeral-storage";

/** Labels that mark a pod (and its Secret) as a Runfleet worker, and whose. */
export const KUBERNETES_LABELS = {
  /** `runfleet`, the usual Kubernetes marker of the tool that manages an object. */
  managedBy: "app.kubernetes.io/managed-by",
  /** The control-plane instance that owns the pod (kept in its data directory across restarts). */
  instance: "runfleet.dev/instance",
  /** The endpoint the worker serves. */
  endpoint: "runfleet.dev/endpoint",
  /** The worker's id, as the control plane's store knows it. */
  worker: "runfleet.dev/worker",
} as const;

/** The annotation that holds when a worker was started, in ms since the epoch. */
export const STARTED_AT_ANNOTATION = "runfleet.dev/started-at";
/** The name of the worker's container in its pod. */
export const WORKER_CONTAINER = "worker";
/** The extended resource that counts GPUs (the NVIDIA device plugin's). */
export const GPU_RESOURCE = "nvidia.com/gpu";

/** How the pods of one control plane are made, besides each worker's spec. */
export interface PodSettings {
  /** The owning control plane (a label). */
  instanceId: string;
  namespace: string;
  /** Worker pods share the node's network (they reach the control plane on 127.0.0.1). */
  hostNetwork: boolean;
  /** The node label that names a node's GPU model (`nvidia.com/gpu.product`). */
  gpuProductLabel: string;
  /** Secrets (of type dockerconfigjson) the kubelet pulls images with. */
  imagePullSecrets: readonly string[];
  /** The service account worker pods run as, if not the namespace's default. */
  serviceAccountName: string | undefined;
  /** Tolerations every worker pod carries besides the GPU one (`--kubernetes-tolerations`). */
  tolerations: readonly V1Toleration[];
  /** Node labels every worker pod requires (`--kubernetes-node-selector`), besides its GPU type's. */
  nodeSelector: Readonly<Record<string, string>>;
  /** When the worker is started, in ms since the epoch (an annotation). */
  startedAt: number;
}

/**
 * The pod of a worker: named after it, so that it is found without a lookup. Worker ids are lowercase
 * letters, digits and one underscore, which a pod name may not hold.
 */
export function podName(workerId: string): string {
  return `runfleet-${workerId.replace(/_/g, "-")}`;
}

/** The Secret that holds a worker's environment: named after its pod. */
export function secretName(workerId: string): string {
  return `${podName(workerId)}-env`;
}

/**
 * The Secret (of type dockerconfigjson) that holds the registry credentials of a worker's template, for
 * the kubelet to pull its image with: named after its pod.
 */
export function pullSecretName(workerId: string): string {
  return `${podName(workerId)}-pull`;
}

/**
 * The PersistentVolumeClaim a named volume of a template stands for: `runfleet-<name>`, as the Docker
 * driver names its volume. The claim is the operator's to create (with the storage class and access
 * mode their cluster offers; `ReadWriteMany` for a cache shared by workers on several nodes): a worker
 * whose claim is missing stays Pending with the scheduler's reason.
 */
export function volumeClaimName(volumeName: string): string {
  return `runfleet-${volumeName}`;
}

/** The labels of a worker's pod and Secret. */
export function workerLabels(spec: Pick<WorkerSpec, "workerId" | "endpointId">, instanceId: string) {
  return {
    [KUBERNETES_LABELS.managedBy]: "runfleet",
    [KUBERNETES_LABELS.instance]: instanceId,
    [KUBERNETES_LABELS.endpoint]: spec.endpointId,
    [KUBERNETES_LABELS.worker]: spec.workerId,
  };
}

/** The label selector of one control plane's pods. */
export function instanceSelector(instanceId: string): string {
  return `${KUBERNETES_LABELS.managedBy}=runfleet,${KUBERNETES_LABELS.instance}=${instanceId}`;
}

/**
 * A GPU type id of the contract (`NVIDIA GeForce RTX 4090`) as the NVIDIA GPU feature discovery writes
 * it into the `nvidia.com/gpu.product` label (`NVIDIA-GeForce-RTX-4090`): spaces become dashes, and
 * what a label value cannot hold is dropped.
 */
export function gpuProductLabelValue(gpuTypeId: string): string {
  return gpuTypeId
    .trim()
    .replace(/\s+/g, "-")
    .replace(/[^A-Za-z0-9._-]/g, "")
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, "")
    .slice(0, 63);
}

/** Environment variable names a Secret key can hold (and so be referenced from one). */
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

/**
 * The Secret that carries a worker's environment. Every value goes through it (worker tokens, the
 * template's secrets and plain settings alike), so that no value is inline in the pod spec, where anyone
 * allowed to read pods would see it.
 */
export function workerSecret(spec: WorkerSpec, settings: Pick<PodSettings, "instanceId" | "namespace">): V1Secret {
  for (const name of Object.keys(spec.env)) {
    if (!SECRET_KEY.test(name)) {
      throw new Error(
        `environment variable ${JSON.stringify(name)} cannot be passed to a Kubernetes pod: a name may hold only letters, digits, '-', '_' and '.'`,
      );
    }
  }
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: {
      name: secretName(spec.workerId),
      namespace: settings.namespace,
      labels: workerLabels(spec, settings.instanceId),
    },
    type: "Opaque",
    stringData: { ...spec.env },
  };
}

/**
 * The Secret that carries the registry credentials of a worker's template (`containerRegistryAuthId`),
 * or `undefined` when it has none: a dockerconfigjson for the image's registry, which the pod names
 * among its `imagePullSecrets` ahead of the driver's own.
 */
export function workerPullSecret(
  spec: WorkerSpec,
  settings: Pick<PodSettings, "instanceId" | "namespace">,
): V1Secret | undefined {
  if (spec.registryCredentials === null || spec.image === null) {
    return undefined;
  }
  const { username, password } = spec.registryCredentials;
  const auth = Buffer.from(`${username}:${password}`).toString("base64");
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: {
      name: pullSecretName(spec.workerId),
      namespace: settings.namespace,
      labels: workerLabels(spec, settings.instanceId),
    },
    type: "kubernetes.io/dockerconfigjson",
    stringData: {
      ".dockerconfigjson": JSON.stringify({ auths: { [registryOf(spec.image)]: { username, password, auth } } }),
    },
  };
}

/** A template's volume as a pod volume (named `volume-<index>`) and the container's mount of it. */
function podVolume(mount: VolumeMount, index: number) {
  const name = `volume-${index}`;
  const readOnly = mount.readOnly ?? false;
  const volume =
    mount.type === "volume"
      ? { name, persistentVolumeClaim: { claimName: volumeClaimName(mount.name), readOnly } }
      : // A missing host directory is an error, as with the Docker driver's bind mounts.
        { name, hostPath: { path: mount.hostPath, type: "Directory" } };
  return { volume, volumeMount: { name, mountPath: mount.mountPath, readOnly } };
}

/**
 * The pod of a worker: pure, so that what reaches the API (limits, GPUs, node selection, labels) is
 * table-tested without a cluster.
 *
 * - `restartPolicy: Never`: the control plane restarts workers (with its crash back-off), as it does for
 *   the other drivers; an ended pod is reported and removed.
 * - `shareProcessNamespace`: the sandbox's pause process is PID 1 and reaps zombies, and the worker gets
 *   the default signal dispositions (a PID 1 ignores SIGTERM it does not handle), like Docker's `--init`.
 * - No service-account token and no service links: a worker never talks to the Kubernetes API.
 */
export function workerPod(spec: WorkerSpec, settings: PodSettings): V1Pod {
  if (!spec.image) {
    throw new Error("the template has no imageName: the kubernetes driver runs the template's image");
  }
  const limits: Record<string, string> = {};
  if (spec.cpuLimit !== null) {
    limits.cpu = `${Math.max(1, Math.round(spec.cpuLimit * 1000))}m`;
  }
  if (spec.memoryLimitMb !== null) {
    limits.memory = `${spec.memoryLimitMb}Mi`;
  }
  if (spec.gpuCount > 0) {
    limits[GPU_RESOURCE] = String(spec.gpuCount);
  }
  if (spec.containerDiskInGb !== null) {
    // The kubelet evicts a pod whose writable layer and logs outgrow it.
    limits[EPHEMERAL_STORAGE_RESOURCE] = `${spec.containerDiskInGb}Gi`;
  }
  const volumes = spec.volumeMounts.map(podVolume);
  const pullSecrets = [
    ...(spec.registryCredentials !== null ? [pullSecretName(spec.workerId)] : []),
    ...settings.imagePullSecrets,
  ];
  const products = [...new Set(spec.gpuTypeIds.map(gpuProductLabelValue).filter((value) => value.length > 0))];
  const pod: V1Pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: podName(spec.workerId),
      namespace: settings.namespace,
      labels: workerLabels(spec, settings.instanceId),
      annotations: { [STARTED_AT_ANNOTATION]: String(settings.startedAt) },
    },
    spec: {
      restartPolicy: "Never",
      hostNetwork: settings.hostNetwork,
      // On the host's network the host's resolver; otherwise the cluster's.
      dnsPolicy: settings.hostNetwork ? "Default" : "ClusterFirst",
      shareProcessNamespace: true,
      enableServiceLinks: false,
      automountServiceAccountToken: false,
      ...(settings.serviceAccountName !== undefined ? { serviceAccountName: settings.serviceAccountName } : {}),
      ...(pullSecrets.length > 0 ? { imagePullSecrets: pullSecrets.map((name) => ({ name })) } : {}),
      ...(volumes.length > 0 ? { volumes: volumes.map((v) => v.volume) } : {}),
      containers: [
        {
          name: WORKER_CONTAINER,
          image: spec.image,
          // Images are pinned by tag in templates; pulling on every start would make a tagged local image
          // (or an unreachable registry) fail a start that the node could serve.
          imagePullPolicy: "IfNotPresent",
          ...(spec.command.length > 0 ? { command: spec.command } : {}),
          env: Object.keys(spec.env).map((name) => ({
            name,
            valueFrom: { secretKeyRef: { name: secretName(spec.workerId), key: name } },
          })),
          ...(volumes.length > 0 ? { volumeMounts: volumes.map((v) => v.volumeMount) } : {}),
          // Limits alone: Kubernetes sets the requests to them, so the scheduler reserves what a worker may use.
          ...(Object.keys(limits).length > 0 ? { resources: { limits } } : {}),
        },
      ],
    },
  };
  const podSpec = pod.spec as NonNullable<V1Pod["spec"]>;
  // The configured labels hold for every worker; the endpoint's GPU type, more specific, wins on its label.
  const nodeSelector: Record<string, string> = { ...settings.nodeSelector };
  if (products.length === 1) {
    nodeSelector[settings.gpuProductLabel] = products[0] as string;
  } else if (products.length > 1) {
    delete nodeSelector[settings.gpuProductLabel];
    podSpec.affinity = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [
            { matchExpressions: [{ key: settings.gpuProductLabel, operator: "In", values: products }] },
          ],
        },
      },
    };
  }
  if (Object.keys(nodeSelector).length > 0) {
    podSpec.nodeSelector = nodeSelector;
  }
  const tolerations: V1Toleration[] = [
    // GPU nodes are commonly tainted so that only GPU workloads land on them.
    ...(spec.gpuCount > 0 ? [{ key: GPU_RESOURCE, operator: "Exists", effect: "NoSchedule" }] : []),
    ...settings.tolerations.map((toleration) => ({ ...toleration })),
  ];
  if (tolerations.length > 0) {
    podSpec.tolerations = tolerations;
  }
  return pod;
}

/** Container waiting reasons after which the worker cannot start without a change of its template. */
const START_FAILURES = new Set([
  "ErrImagePull",
  "ImagePullBackOff",
  "InvalidImageName",
  "ErrImageNeverPull",
  "CreateContainerConfigError",
  "CreateContainerError",
  "RunContainerError",
  "CrashLoopBackOff",
]);

/** What a pod says about its worker, as the driver acts on it. */
export type PodCondition =
  /** Scheduled or not yet, starting or running: nothing to do. */
  | { kind: "live"; state: "running" }
  /** Not placed on a node: the scheduler's reason (`Unschedulable: 0/1 nodes are available: ...`). */
  | { kind: "pending"; reason: string; message: string }
  /** The container cannot start (image pull, configuration): the worker has failed to start. */
  | { kind: "failed-to-start"; reason: string; message: string }
  /** The container ended, with its exit code (or the reason the kubelet gives when it has none). */
  | { kind: "ended"; exit: number | string | null };

/** Reads a pod's status the way the driver acts on it: pure, table-tested. */
export function podCondition(pod: V1Pod): PodCondition {
  const status = pod.status;
  const container = status?.containerStatuses?.find((c) => c.name === WORKER_CONTAINER);
  const terminated = container?.state?.terminated;
  if (terminated) {
    return { kind: "ended", exit: terminated.exitCode ?? terminated.reason ?? null };
  }
  if (status?.phase === "Succeeded" || status?.phase === "Failed") {
    // Evicted, or failed before its container ran (the reason says why).
    return { kind: "ended", exit: status.reason ?? (status.phase === "Succeeded" ? 0 : null) };
  }
  const waiting = container?.state?.waiting;
  if (waiting?.reason && START_FAILURES.has(waiting.reason)) {
    return { kind: "failed-to-start", reason: waiting.reason, message: waiting.message ?? waiting.reason };
  }
  const scheduled = status?.conditions?.find((c) => c.type === "PodScheduled");
  if (scheduled?.status === "False" && scheduled.reason) {
    return { kind: "pending", reason: scheduled.reason, message: scheduled.message ?? scheduled.reason };
  }
  return { kind: "live", state: "running" };
}

/** A worker as `list` reports it, from its pod. */
export function workerOfPod(pod: V1Pod): DriverWorker | undefined {
  const labels = pod.metadata?.labels ?? {};
  const workerId = labels[KUBERNETES_LABELS.worker];
  if (workerId === undefined) {
    return undefined;
  }
  const condition = podCondition(pod);
  const started = Number(pod.metadata?.annotations?.[STARTED_AT_ANNOTATION]);
  return {
    workerId,
    endpointId: labels[KUBERNETES_LABELS.endpoint] ?? "",
    state: condition.kind === "ended" ? "exited" : "running",
    exit: condition.kind === "ended" ? condition.exit : null,
    startedAt: Number.isFinite(started) ? started : (pod.metadata?.creationTimestamp?.getTime() ?? Date.now()),
  };
}

/** A log line with the exact instant the kubelet gave it (nanoseconds since the epoch). */
export interface StampedLine {
  ns: bigint;
  /** The instant as written plus the text: equal for the same line read twice. */
  key: string;
  line: WorkerLogLine;
}

/** Nanoseconds since the epoch of an RFC 3339 instant with up to 9 fraction digits; null if it is none. */
export function instantNs(text: string): bigint | null {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(text);
  if (!match) {
    return null;
  }
  const seconds = Date.parse(`${match[1]}${match[3]}`);
  if (Number.isNaN(seconds)) {
    return null;
  }
  return BigInt(seconds) * 1_000_000n + BigInt((match[2] ?? "").padEnd(9, "0"));
}

/**
 * Splits pod log text (each line `<RFC 3339 instant> <text>`, as `timestamps=true` asks) into lines, as it
 * arrives: a line cut between two chunks waits for the rest.
 */
export class PodLogDecoder {
  private pending = "";

  constructor(private readonly stream: WorkerLogLine["stream"]) {}

  /** The complete lines received so far. */
  push(chunk: string): StampedLine[] {
    const text = this.pending + chunk;
    const parts = text.split("\n");
    this.pending = parts.pop() ?? "";
    return parts.filter((raw) => raw.length > 0).map((raw) => this.line(raw));
  }

  /** What is left once the stream ended (a last line without a newline). */
  end(): StampedLine[] {
    const rest = this.pending;
    this.pending = "";
    return rest.length > 0 ? [this.line(rest)] : [];
  }

  private line(raw: string): StampedLine {
    const space = raw.indexOf(" ");
    const ns = space > 0 ? instantNs(raw.slice(0, space)) : null;
    if (ns === null) {
      const now = BigInt(Date.now()) * 1_000_000n;
      return { ns: now, key: raw, line: { at: new Date().toISOString(), stream: this.stream, line: raw } };
    }
    const text = raw.slice(space + 1);
    return {
      ns,
      key: raw,
      line: { at: new Date(Number(ns / 1_000_000n)).toISOString(), stream: this.stream, line: text },
    };
  }
}

/**
 * The log's last lines (read whole, streams mixed) with the stream of each: those also found among the
 * stderr lines of the same span (same instant, same text) are stderr's, the rest stdout's. The pod log
 * API cannot give one stream's last lines (`tailLines` and `stream` are exclusive), so the tail is read
 * mixed and the streams told apart this way.
 */
export function attributeStreams(mixed: readonly StampedLine[], stderr: readonly StampedLine[]): StampedLine[] {
  const errors = new Map<string, number>();
  for (const line of stderr) {
    errors.set(line.key, (errors.get(line.key) ?? 0) + 1);
  }
  return mixed.map((line) => {
    const count = errors.get(line.key) ?? 0;
    if (count === 0) {
      return { ...line, line: { ...line.line, stream: "stdout" } };
    }
    errors.set(line.key, count - 1);
    return { ...line, line: { ...line.line, stream: "stderr" } };
  });
}

/** The RFC 3339 second an instant falls in (the pod log API's `sinceTime` has whole seconds). */
export function sinceTimeOf(ns: bigint): string {
  return `${new Date(Number(ns / 1_000_000n)).toISOString().slice(0, 19)}Z`;
}
