import type { IncomingMessage } from "node:http";
import { request as httpsRequest, type RequestOptions } from "node:https";
import {
  CoreV1Api,
  type Informer,
  KubeConfig,
  ListWatch,
  type V1Pod,
  type V1Secret,
  type V1Toleration,
} from "@kubernetes/client-node";
import { startKubernetesSession } from "./kubernetes-exec.js";
import {
  attributeStreams,
  instanceSelector,
  KUBERNETES_LABELS,
  PodLogDecoder,
  podCondition,
  podName,
  pullSecretName,
  type StampedLine,
  secretName,
  sinceTimeOf,
  WORKER_CONTAINER,
  workerOfPod,
  workerPod,
  workerPullSecret,
  workerSecret,
} from "./kubernetes-pod.js";
import {
  apiRequestOf,
  CountedWatch,
  countedApiConfiguration,
  type KubernetesApiRequestListener,
} from "./kubernetes-requests.js";
import type {
  DriverWorker,
  ExecOptions,
  ExecSession,
  WorkerDriver,
  WorkerExit,
  WorkerLogLine,
  WorkerSpec,
  WorkerWaiting,
} from "./worker-driver.js";

/** Options of the Kubernetes driver. */
export interface KubernetesDriverOptions {
  /**
   * A kubeconfig file. @defaultValue the `KUBECONFIG` environment variable, else the in-cluster service
   * account when running in a pod, else `~/.kube/config`
   */
  kubeconfig?: string | undefined;
  /** The kubeconfig context to use. @defaultValue the file's current context */
  context?: string | undefined;
  /** The namespace worker pods and their Secrets live in. @defaultValue "default" */
  namespace?: string | undefined;
  /** Identifies this control plane's pods; the same on every restart, so that they are adopted. */
  instanceId: string;
  /**
   * Worker pods share their node's network (they reach the control plane on 127.0.0.1 of their node).
   * Without it, set the control plane's public URL to an address pods can reach. @defaultValue true
   */
  hostNetwork?: boolean | undefined;
  /** The node label naming a node's GPU model, matched against `gpuTypeIds`. @defaultValue "nvidia.com/gpu.product" */
  gpuProductLabel?: string | undefined;
  /** Secrets (type `kubernetes.io/dockerconfigjson`) the kubelet pulls worker images with. @defaultValue [] */
  imagePullSecrets?: readonly string[] | undefined;
  /** The service account of worker pods (their token is not mounted). @defaultValue the namespace's default */
  serviceAccountName?: string | undefined;
  /** Log lines kept per ended worker (its pod is removed), for the workers API. @defaultValue 200 */
  keptLogLines?: number | undefined;
  /** Tolerations every worker pod carries, besides the GPU one of GPU workers. @defaultValue [] */
  tolerations?: readonly V1Toleration[] | undefined;
  /** Node labels every worker pod requires, besides its GPU type's. @defaultValue {} */
  nodeSelector?: Readonly<Record<string, string>> | undefined;
  /**
   * Called for each request the driver sends to the Kubernetes API (calls, watches, log reads, execs),
   * with its verb and resource: the control plane counts them (`runfleet_kubernetes_api_requests_total`).
   */
  onApiRequest?: KubernetesApiRequestListener | undefined;
}

/** Ended workers whose last log lines are kept. */
const KEPT_ENDED_WORKERS = 500;
/** How long after its grace period a stopped worker's pod is removed whatever its kubelet reports. */
const STOP_MARGIN_MS = 1000;

/** What a pod log request asks for. */
interface LogQuery {
  follow: boolean;
  /** The last lines only (not with `stream`: the API refuses both). */
  tail?: number | undefined;
  /** One stream only, where the cluster can (`PodLogsQuerySplitStreams`). */
  stream?: WorkerLogLine["stream"] | undefined;
  /** From this second on (RFC 3339). */
  sinceTime?: string | undefined;
  sinceSeconds?: number | undefined;
}

/** How long `exec` waits for a just-started worker's container to run. */
const EXEC_START_WAIT_MS = 60_000;

/** What is kept of an ended worker once its pod is removed. */
interface Ended {
  exit: number | string | null;
  lines: WorkerLogLine[];
}

/**
 * Runs each worker as a Kubernetes pod, through the API (@kubernetes/client-node). Pods carry labels
 * naming this control plane, their endpoint and worker, so that a restarted control plane finds and
 * adopts them (`list`) and the autoscaler stops those no worker record claims. The worker's environment
 * lives in a Secret owned by its pod (removed with it). Pods are watched (an informer: one list, then a
 * watch), never polled: an ended container is reported with its exit code and last lines and its pod
 * removed; a container that cannot start (image pull, configuration) is reported as a failure to start;
 * a pod the scheduler cannot place stays Pending and its reason is reported through `onWaiting`.
 *
 * Kubernetes has no pause: `canPause` is false and FlashBoot keeps no standby here (see
 * docs/kubernetes.md). Logs come from the pod log API, one request per stream (the apiserver's
 * `PodLogsQuerySplitStreams`), falling back to the combined log, all on stdout, where it is off.
 */
export class KubernetesDriver implements WorkerDriver {
  readonly kind = "kubernetes" as const;
  readonly canPause = false;
  readonly schedulesGpus = true;
  /** The namespace in use, for messages. */
  readonly namespace: string;
  /** The API server in use, for messages. */
  readonly server: string;
  private readonly config: KubeConfig;
  private readonly core: CoreV1Api;
  private readonly instanceId: string;
  private readonly hostNetwork: boolean;
  private readonly gpuProductLabel: string;
  private readonly imagePullSecrets: readonly string[];
  private readonly serviceAccountName: string | undefined;
  private readonly keptLogLines: number;
  private readonly tolerations: readonly V1Toleration[];
  private readonly nodeSelector: Readonly<Record<string, string>>;
  private readonly apiRequest: KubernetesApiRequestListener;
  private readonly exitListeners: ((exit: WorkerExit) => void)[] = [];
  private readonly waitingListeners: ((waiting: WorkerWaiting) => void)[] = [];
  /** The last known state of each of this control plane's pods, by worker id (the informer's view). */
  private readonly pods = new Map<string, V1Pod>();
  /** The waiting reason last reported per worker, so that each change is reported once. */
  private readonly waitingReported = new Map<string, string>();
  /** Callbacks waiting for a worker's pod to change (stop waits for its end this way). */
  private readonly podWaiters = new Map<string, Set<() => void>>();
  private readonly ending = new Map<string, Promise<void>>();
  /** Workers `stop` is ending: the deletion of their pod is its doing, reported by it. */
  private readonly stopping = new Set<string>();
  private readonly ended = new Map<string, Ended>();
  private informer: Informer<V1Pod> | undefined;
  private rewatchTimer: NodeJS.Timeout | undefined;
  /** Whether the pod log API splits streams here (learnt on first use). */
  private splitStreams: boolean | undefined;
  private closed = false;

  private constructor(options: KubernetesDriverOptions, config: KubeConfig) {
    this.config = config;
    this.apiRequest = options.onApiRequest ?? (() => undefined);
    // Every call of the API object passes through the configuration's middleware, which counts it.
    this.core = new CoreV1Api(countedApiConfiguration(config, this.apiRequest));
    this.server = config.getCurrentCluster()?.server ?? "(no cluster)";
    this.namespace = options.namespace ?? "default";
    this.instanceId = options.instanceId;
    this.hostNetwork = options.hostNetwork ?? true;
    this.gpuProductLabel = options.gpuProductLabel ?? "nvidia.com/gpu.product";
    this.imagePullSecrets = options.imagePullSecrets ?? [];
    this.serviceAccountName = options.serviceAccountName;
    this.keptLogLines = options.keptLogLines ?? 200;
    this.tolerations = options.tolerations ?? [];
    this.nodeSelector = options.nodeSelector ?? {};
  }

  /**
   * Loads the kubeconfig, checks that the namespace's pods can be listed and starts watching them. Fails
   * with a message that names the cluster and what to fix when it cannot.
   */
  static async connect(options: KubernetesDriverOptions): Promise<KubernetesDriver> {
    const config = loadKubeConfig(options.kubeconfig, options.context);
    const driver = new KubernetesDriver(options, config);
    try {
      // Asked directly: the informer reports a failed list as an event, not as an error of its start.
      await driver.core.listNamespacedPod({
        namespace: driver.namespace,
        labelSelector: instanceSelector(options.instanceId),
        limit: 1,
      });
      await driver.watch();
    } catch (error) {
      throw new Error(
        `the kubernetes driver cannot list pods in namespace ${driver.namespace} at ${driver.server} (${apiMessage(error)}): ` +
          "start the cluster (scripts/kubernetes-cluster.sh up) or point --kubeconfig / KUBECONFIG at one, " +
          "with a role that may manage pods, pods/log, pods/exec and secrets there",
        { cause: error },
      );
    }
    return driver;
  }

  async start(spec: WorkerSpec): Promise<DriverWorker> {
    const startedAt = Date.now();
    const settings = {
      instanceId: this.instanceId,
      namespace: this.namespace,
      hostNetwork: this.hostNetwork,
      gpuProductLabel: this.gpuProductLabel,
      imagePullSecrets: this.imagePullSecrets,
      serviceAccountName: this.serviceAccountName,
      tolerations: this.tolerations,
      nodeSelector: this.nodeSelector,
      startedAt,
    };
    const pod = workerPod(spec, settings);
    const pullSecret = workerPullSecret(spec, settings);
    const secrets = [workerSecret(spec, settings), ...(pullSecret ? [pullSecret] : [])];
    // The Secrets first, so that the kubelet finds them; owned by the pod once the pod exists, so that the
    // garbage collector removes them with the pod, whoever deletes the pod.
    for (const secret of secrets) {
      await this.putSecret(spec.workerId, secret);
    }
    let created: V1Pod;
    try {
      created = await this.core.createNamespacedPod({ namespace: this.namespace, body: pod });
    } catch (error) {
      await this.deleteSecret(spec.workerId, pod);
      throw new Error(`cannot create a pod from image ${spec.image}: ${apiMessage(error)}`, { cause: error });
    }
    for (const secret of secrets) {
      await this.core
        .patchNamespacedSecret({
          name: secret.metadata?.name as string,
          namespace: this.namespace,
          body: [
            {
              op: "add",
              path: "/metadata/ownerReferences",
              value: [
                {
                  apiVersion: "v1",
                  kind: "Pod",
                  name: created.metadata?.name,
                  uid: created.metadata?.uid,
                  blockOwnerDeletion: false,
                },
              ],
            },
          ],
        })
        .catch(() => undefined);
    }
    if (!this.pods.has(spec.workerId)) {
      this.pods.set(spec.workerId, created);
    }
    return { workerId: spec.workerId, endpointId: spec.endpointId, state: "running", exit: null, startedAt };
  }

  async stop(workerId: string, graceMs: number, onSignalled?: () => void): Promise<void> {
    let pod = this.pods.get(workerId);
    if (!pod) {
      pod = await this.readPod(workerId);
    }
    if (!pod) {
      await this.ending.get(workerId);
      return;
    }
    const endpointId = pod.metadata?.labels?.[KUBERNETES_LABELS.endpoint] ?? "";
    const condition = podCondition(pod);
    if (condition.kind === "ended") {
      await this.finish(workerId, endpointId, condition.exit, { pod });
      return;
    }
    const scheduled = Boolean(pod.spec?.nodeName);
    // The kubelet sends SIGTERM, then SIGKILL after the grace period, counted in whole seconds.
    const graceSeconds = scheduled ? Math.max(1, Math.ceil(graceMs / 1000)) : 0;
    this.stopping.add(workerId);
    try {
      await this.deletePod(workerId, graceSeconds);
      if (!scheduled) {
        // Nothing ran: there was nothing to signal.
        await this.finish(workerId, endpointId, null, { pod });
        return;
      }
      onSignalled?.();
      const exit = await this.waitForEnd(workerId, graceMs + STOP_MARGIN_MS);
      await this.finish(workerId, endpointId, exit, { pod });
    } finally {
      this.stopping.delete(workerId);
    }
  }

  async pause(workerId: string): Promise<void> {
    throw new Error(
      `worker ${workerId} cannot be paused: Kubernetes has no pause, so FlashBoot keeps no standby on the kubernetes driver`,
    );
  }

  async resume(workerId: string): Promise<void> {
    throw new Error(`worker ${workerId} cannot be resumed: Kubernetes has no pause`);
  }

  /**
   * This control plane's pods, from the API (not the informer's cache, so that a restarted control plane
   * sees every pod). Pods found ended whose end no watch event reported are listed as exited and removed;
   * so are Secrets whose pod is gone (a start cut short).
   */
  async list(): Promise<DriverWorker[]> {
    const pods = await this.core.listNamespacedPod({
      namespace: this.namespace,
      labelSelector: instanceSelector(this.instanceId),
    });
    const workers: DriverWorker[] = [];
    const present = new Set<string>();
    for (const pod of pods.items) {
      const worker = workerOfPod(pod);
      if (!worker || this.ending.has(worker.workerId)) {
        continue;
      }
      present.add(worker.workerId);
      workers.push(worker);
      if (worker.state === "exited") {
        await this.deletePod(worker.workerId, 0);
      }
    }
    const secrets = await this.core.listNamespacedSecret({
      namespace: this.namespace,
      labelSelector: instanceSelector(this.instanceId),
    });
    for (const secret of secrets.items) {
      const workerId = secret.metadata?.labels?.[KUBERNETES_LABELS.worker];
      if (workerId !== undefined && !present.has(workerId) && !this.pods.has(workerId) && !ownedByAPod(secret)) {
        await this.deleteSecret(workerId);
      }
    }
    return workers;
  }

  async inventory(): Promise<DriverWorker[]> {
    // From the API server rather than the informer's cache: a pod created behind the cache's back (the
    // previous active replica's last create) must be seen, and a cache that is still syncing lists none.
    const pods = await this.core.listNamespacedPod({
      namespace: this.namespace,
      labelSelector: instanceSelector(this.instanceId),
    });
    const workers: DriverWorker[] = [];
    for (const pod of pods.items) {
      const worker = workerOfPod(pod);
      if (worker && !this.ending.has(worker.workerId) && !pod.metadata?.deletionTimestamp) {
        workers.push(worker);
      }
    }
    return workers;
  }

  async logs(workerId: string, tail: number): Promise<WorkerLogLine[]> {
    const ended = this.ended.get(workerId);
    if (ended) {
      return ended.lines.slice(-tail);
    }
    try {
      return await this.readLogs(workerId, tail);
    } catch (error) {
      if (statusOf(error) === 404 || statusOf(error) === 400) {
        // Gone, or not started yet (no container to read).
        return this.ended.get(workerId)?.lines.slice(-tail) ?? [];
      }
      throw error;
    }
  }

  async *followLogs(workerId: string, tail: number, signal: AbortSignal): AsyncGenerator<WorkerLogLine> {
    const ended = this.ended.get(workerId);
    if (ended) {
      yield* ended.lines.slice(-tail);
      return;
    }
    // The log API answers 400 until the container has started: wait for it (or its end).
    await this.waitForContainer(workerId, signal);
    if (signal.aborted) {
      return;
    }
    let initial: StampedLine[];
    try {
      initial = await this.readStampedLogs(workerId, tail);
    } catch (error) {
      if (statusOf(error) === 404 || statusOf(error) === 400) {
        yield* this.ended.get(workerId)?.lines.slice(-tail) ?? [];
        return;
      }
      throw error;
    }
    yield* initial.map((stamped) => stamped.line);
    // Then each stream from the second of the last line given, less what was given.
    const last = initial.at(-1)?.ns;
    const given = new Set(initial.map((stamped) => stamped.key));
    const fresh = (stamped: StampedLine) => last === undefined || (stamped.ns >= last && !given.has(stamped.key));
    const split = await this.splitsStreams(workerId);
    const streams: WorkerLogLine["stream"][] = split ? ["stdout", "stderr"] : ["stdout"];
    const queue = new LineQueue(streams.length);
    const requests = streams.map((stream) =>
      this.streamLogs(
        workerId,
        {
          follow: true,
          stream: split ? stream : undefined,
          sinceTime: last === undefined ? undefined : sinceTimeOf(last),
        },
        stream,
        signal,
        queue,
        fresh,
      ),
    );
    try {
      yield* queue.drain();
    } catch (error) {
      if (statusOf(error) === 404 || statusOf(error) === 400 || signal.aborted) {
        return;
      }
      throw error;
    } finally {
      for (const request of requests) {
        request.destroy();
      }
    }
  }

  /** Runs a command in the worker's container through the pod's exec subresource (a WebSocket). */
  async exec(workerId: string, options: ExecOptions): Promise<ExecSession> {
    let pod = this.pods.get(workerId) ?? (await this.readPod(workerId));
    if (!pod) {
      throw new Error(`worker ${workerId} has no pod in namespace ${this.namespace}`);
    }
    const condition = podCondition(pod).kind;
    if (condition === "live" || condition === "pending") {
      // Just started: its pod is being scheduled (a node may be short of room for a moment) or its
      // container created. Wait for it, as a container engine's start would.
      const waited = new AbortController();
      const timer = setTimeout(() => waited.abort(), EXEC_START_WAIT_MS);
      const seen = await this.waitForContainer(workerId, waited.signal);
      clearTimeout(timer);
      pod = seen ?? this.pods.get(workerId) ?? pod;
    }
    const running = pod.status?.containerStatuses?.find((c) => c.name === WORKER_CONTAINER)?.state?.running;
    if (!running || pod.metadata?.deletionTimestamp) {
      const now = podCondition(pod);
      const waiting = pod.status?.containerStatuses?.find((c) => c.name === WORKER_CONTAINER)?.state?.waiting;
      const why =
        now.kind === "pending" || now.kind === "failed-to-start"
          ? `: ${now.message}`
          : waiting?.reason
            ? `: its container is waiting (${waiting.reason}${waiting.message ? `: ${waiting.message}` : ""})`
            : "";
      throw new Error(`worker ${workerId} is not running (its pod is ${pod.status?.phase ?? "unknown"}${why})`);
    }
    try {
      this.apiRequest({ verb: "create", resource: "pods/exec" });
      return await startKubernetesSession(this.config, this.namespace, podName(workerId), WORKER_CONTAINER, options);
    } catch (error) {
      throw new Error(`the cluster refused to run a command in worker ${workerId}: ${apiMessage(error)}`, {
        cause: error,
      });
    }
  }

  onExit(listener: (exit: WorkerExit) => void): void {
    this.exitListeners.push(listener);
  }

  onWaiting(listener: (waiting: WorkerWaiting) => void): void {
    this.waitingListeners.push(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.rewatchTimer);
    await this.informer?.stop();
    await Promise.all(this.ending.values());
  }

  /** Lists this control plane's pods, then watches them (an informer, reconnecting after an error). */
  private async watch(): Promise<void> {
    const selector = instanceSelector(this.instanceId);
    // An informer as client-node's makeInformer makes one, with a watch that counts its requests.
    const informer: Informer<V1Pod> = new ListWatch<V1Pod>(
      `/api/v1/namespaces/${this.namespace}/pods`,
      new CountedWatch(this.config, this.apiRequest),
      () => this.core.listNamespacedPod({ namespace: this.namespace, labelSelector: selector }),
      false,
      selector,
    );
    informer.on("add", (pod) => this.podChanged(pod));
    informer.on("update", (pod) => this.podChanged(pod));
    informer.on("delete", (pod) => this.podDeleted(pod));
    informer.on("error", () => {
      if (!this.closed) {
        // The watch dropped (the apiserver restarted, the connection broke): list and watch again.
        this.rewatchTimer = setTimeout(() => {
          if (!this.closed) {
            // A failed start reports another error, which schedules the next try.
            informer.start().catch(() => undefined);
          }
        }, 1000);
        this.rewatchTimer.unref();
      }
    });
    this.informer = informer;
    await informer.start();
  }

  private podChanged(pod: V1Pod): void {
    const worker = workerOfPod(pod);
    if (!worker) {
      return;
    }
    const { workerId, endpointId } = worker;
    if (this.ended.has(workerId)) {
      return;
    }
    this.pods.set(workerId, pod);
    this.wake(workerId);
    const condition = podCondition(pod);
    switch (condition.kind) {
      case "ended":
        if (!pod.metadata?.deletionTimestamp) {
          void this.finish(workerId, endpointId, condition.exit, { pod });
        }
        return;
      case "failed-to-start":
        void this.failedToStart(workerId, endpointId, `${condition.reason}: ${condition.message}`);
        return;
      case "pending":
        this.reportWaiting(workerId, endpointId, `${condition.reason}: ${condition.message}`);
        return;
      case "live":
        this.reportWaiting(workerId, endpointId, null);
        return;
    }
  }

  private podDeleted(pod: V1Pod): void {
    const worker = workerOfPod(pod);
    if (!worker) {
      return;
    }
    this.pods.delete(worker.workerId);
    this.wake(worker.workerId);
    if (!this.stopping.has(worker.workerId) && !this.ending.has(worker.workerId) && !this.ended.has(worker.workerId)) {
      // Deleted by someone else (kubectl, an eviction): an exit like any other.
      const condition = podCondition(pod);
      void this.finish(worker.workerId, worker.endpointId, condition.kind === "ended" ? condition.exit : "deleted", {
        pod,
      });
    }
  }

  private reportWaiting(workerId: string, endpointId: string, reason: string | null): void {
    const previous = this.waitingReported.get(workerId);
    if ((previous ?? null) === reason) {
      return;
    }
    if (reason === null) {
      this.waitingReported.delete(workerId);
    } else {
      this.waitingReported.set(workerId, reason);
    }
    for (const listener of this.waitingListeners) {
      listener({ workerId, endpointId, reason });
    }
  }

  /** Its container cannot start: remove the pod now and report the failure (the control plane backs off). */
  private async failedToStart(workerId: string, endpointId: string, reason: string): Promise<void> {
    if (this.ending.has(workerId) || this.ended.has(workerId) || this.stopping.has(workerId)) {
      return;
    }
    // Marked as being stopped first: the watch can report the deletion before the DELETE call returns,
    // and that event must not end the worker as "deleted by someone else" instead of this failed start.
    this.stopping.add(workerId);
    try {
      await this.deletePod(workerId, 0);
      await this.finish(workerId, endpointId, reason, { lastLines: [reason], failedToStart: true });
    } finally {
      this.stopping.delete(workerId);
    }
  }

  /** Resolves with the container's exit once it has ended, or with null after `timeoutMs`. */
  private async waitForEnd(workerId: string, timeoutMs: number): Promise<number | string | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const pod = this.pods.get(workerId);
      if (!pod) {
        return null;
      }
      const condition = podCondition(pod);
      if (condition.kind === "ended") {
        return condition.exit;
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        return "SIGKILL";
      }
      await this.nextChange(workerId, left);
    }
  }

  /**
   * Resolves once the worker's container has started or ended, its pod is gone, or `signal` aborts, with the
   * pod as last seen (undefined once it is gone).
   */
  private async waitForContainer(workerId: string, signal: AbortSignal): Promise<V1Pod | undefined> {
    const wake = () => this.wake(workerId);
    signal.addEventListener("abort", wake, { once: true });
    try {
      for (;;) {
        const pod = this.pods.get(workerId) ?? (await this.readPod(workerId));
        const state = pod?.status?.containerStatuses?.find((c) => c.name === WORKER_CONTAINER)?.state;
        if (!pod || state?.running || state?.terminated || signal.aborted || this.ended.has(workerId)) {
          // The pod as last seen: read from the API when the watch has not delivered it (yet).
          return pod;
        }
        await this.nextChange(workerId, 5000);
      }
    } finally {
      signal.removeEventListener("abort", wake);
    }
  }

  private nextChange(workerId: string, timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      let waiters = this.podWaiters.get(workerId);
      if (!waiters) {
        waiters = new Set();
        this.podWaiters.set(workerId, waiters);
      }
      const done = () => {
        clearTimeout(timer);
        waiters.delete(done);
        if (waiters.size === 0) {
          this.podWaiters.delete(workerId);
        }
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      waiters.add(done);
    });
  }

  private wake(workerId: string): void {
    for (const waiter of [...(this.podWaiters.get(workerId) ?? [])]) {
      waiter();
    }
  }

  /**
   * Takes an ended worker's last lines, removes its pod (and so its Secret) and tells the listeners, once
   * per worker however many paths (the watch, `stop`) report the end.
   */
  private finish(
    workerId: string,
    endpointId: string,
    exit: number | string | null,
    extra: { lastLines?: string[]; failedToStart?: boolean; pod?: V1Pod } = {},
  ): Promise<void> {
    if (this.ended.has(workerId)) {
      return Promise.resolve();
    }
    const pending = this.ending.get(workerId);
    if (pending) {
      return pending;
    }
    const done = (async () => {
      const lines = extra.failedToStart ? [] : await this.readLogs(workerId, this.keptLogLines).catch(() => []);
      // The pod as last seen, for which Secrets it had: the watch may have dropped it by now.
      const pod = extra.pod ?? this.pods.get(workerId);
      await this.deletePod(workerId, 0);
      await this.deleteSecret(workerId, pod);
      this.ended.set(workerId, { exit, lines });
      if (this.ended.size > KEPT_ENDED_WORKERS) {
        this.ended.delete(this.ended.keys().next().value as string);
      }
      this.pods.delete(workerId);
      this.waitingReported.delete(workerId);
      this.ending.delete(workerId);
      this.wake(workerId);
      // The errors explain a crash best; the last regular lines say where it was.
      const lastLines =
        extra.lastLines ??
        [
          ...lines.filter((l) => l.stream === "stderr").slice(-5),
          ...lines.filter((l) => l.stream === "stdout").slice(-2),
        ].map((l) => l.line);
      for (const listener of this.exitListeners) {
        listener({
          workerId,
          endpointId,
          exit,
          lastLines,
          ...(extra.failedToStart ? { failedToStart: true } : {}),
        });
      }
    })();
    this.ending.set(workerId, done);
    return done;
  }

  private async readPod(workerId: string): Promise<V1Pod | undefined> {
    try {
      return await this.core.readNamespacedPod({ name: podName(workerId), namespace: this.namespace });
    } catch (error) {
      if (statusOf(error) === 404) {
        return undefined;
      }
      throw error;
    }
  }

  private async deletePod(workerId: string, gracePeriodSeconds: number): Promise<void> {
    try {
      await this.core.deleteNamespacedPod({ name: podName(workerId), namespace: this.namespace, gracePeriodSeconds });
    } catch (error) {
      if (statusOf(error) !== 404) {
        throw new Error(`cannot delete the pod of worker ${workerId}: ${apiMessage(error)}`, { cause: error });
      }
    }
  }

  /** Creates a Secret of a worker, or replaces one a failed start left behind. */
  private async putSecret(workerId: string, secret: V1Secret): Promise<void> {
    const name = secret.metadata?.name as string;
    try {
      await this.core.createNamespacedSecret({ namespace: this.namespace, body: secret });
    } catch (error) {
      if (statusOf(error) !== 409) {
        throw new Error(`cannot create the Secret ${name} of worker ${workerId}: ${apiMessage(error)}`, {
          cause: error,
        });
      }
      await this.core.replaceNamespacedSecret({ name, namespace: this.namespace, body: secret });
    }
  }

  /**
   * Removes a worker's Secrets: its environment, and its registry credentials if it had some. `pod`, when
   * known, says whether it had them, which spares a request (answered 404) for every worker without.
   */
  private async deleteSecret(workerId: string, pod?: V1Pod): Promise<void> {
    const pullSecret = pullSecretName(workerId);
    const hadPullSecret = pod === undefined || (pod.spec?.imagePullSecrets ?? []).some((s) => s.name === pullSecret);
    for (const name of hadPullSecret ? [secretName(workerId), pullSecret] : [secretName(workerId)]) {
      await this.core.deleteNamespacedSecret({ name, namespace: this.namespace }).catch(() => undefined);
    }
  }

  /** The last `tail` lines of both streams, in the order they were written. */
  private async readLogs(workerId: string, tail: number): Promise<WorkerLogLine[]> {
    return (await this.readStampedLogs(workerId, tail)).map((stamped) => stamped.line);
  }

  /**
   * The last `tail` lines, read mixed, each with its stream: told apart by the stderr lines since the
   * first of them where the cluster serves one stream at a time, else all stdout.
   */
  private async readStampedLogs(workerId: string, tail: number): Promise<StampedLine[]> {
    const mixed = await this.readStamped(workerId, { tail, stream: undefined }, "stdout");
    const first = mixed[0];
    if (first === undefined || !(await this.splitsStreams(workerId))) {
      return mixed;
    }
    const stderr = await this.readStamped(workerId, { stream: "stderr", sinceTime: sinceTimeOf(first.ns) }, "stderr");
    return attributeStreams(mixed, stderr);
  }

  private async readStamped(
    workerId: string,
    query: Omit<LogQuery, "follow">,
    stream: WorkerLogLine["stream"],
  ): Promise<StampedLine[]> {
    const response = await this.logRequest(workerId, { ...query, follow: false }, undefined);
    const decoder = new PodLogDecoder(stream);
    const lines: StampedLine[] = [];
    response.setEncoding("utf8");
    for await (const chunk of response) {
      lines.push(...decoder.push(chunk as string));
    }
    return [...lines, ...decoder.end()];
  }

  /**
   * A request to the pod log API (client-node's own cannot read the apiserver's error answers to it):
   * resolves with the response once it answers 200, rejects with the status code and the apiserver's
   * message otherwise.
   */
  private async logRequest(
    workerId: string,
    query: LogQuery,
    signal: AbortSignal | undefined,
  ): Promise<IncomingMessage> {
    const search = new URLSearchParams({
      container: WORKER_CONTAINER,
      timestamps: "true",
      follow: String(query.follow),
    });
    if (query.tail !== undefined) {
      search.set("tailLines", String(query.tail));
    }
    if (query.sinceTime !== undefined) {
      search.set("sinceTime", query.sinceTime);
    }
    if (query.sinceSeconds !== undefined) {
      search.set("sinceSeconds", String(query.sinceSeconds));
    }
    if (query.stream !== undefined) {
      search.set("stream", query.stream === "stdout" ? "Stdout" : "Stderr");
    }
    const url = new URL(`/api/v1/namespaces/${this.namespace}/pods/${podName(workerId)}/log?${search}`, this.server);
    const options: RequestOptions = { method: "GET", headers: {} };
    await this.config.applyToHTTPSOptions(options);
    this.apiRequest(apiRequestOf("GET", url.toString()));
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      const request = httpsRequest(url, { ...options, ...(signal ? { signal } : {}) });
      request.on("response", resolve);
      request.on("error", reject);
      request.end();
    });
    const code = response.statusCode ?? 500;
    if (code < 300) {
      return response;
    }
    let body = "";
    response.setEncoding("utf8");
    for await (const chunk of response) {
      body += chunk as string;
    }
    throw Object.assign(new Error(`HTTP ${code} from the pod log API`), { code, body });
  }

  /**
   * Whether the pod log API serves one stream at a time here (`PodLogsQuerySplitStreams`): asked once,
   * with a request for stderr alone; a cluster without it answers 422 (or 400) naming the parameter.
   */
  private async splitsStreams(workerId: string): Promise<boolean> {
    if (this.splitStreams !== undefined) {
      return this.splitStreams;
    }
    try {
      await this.readStamped(workerId, { stream: "stderr", sinceSeconds: 1 }, "stderr");
      this.splitStreams = true;
    } catch (error) {
      const message = apiMessage(error);
      if (/stream/i.test(message) && (statusOf(error) === 422 || statusOf(error) === 400)) {
        this.splitStreams = false;
      } else {
        // Not an answer about streams (the container is not running yet): ask again next time.
        return true;
      }
    }
    return this.splitStreams;
  }

  /** A streamed log request (`follow`), its lines pushed into `queue` as they arrive. */
  private streamLogs(
    workerId: string,
    query: LogQuery,
    stream: WorkerLogLine["stream"],
    signal: AbortSignal,
    queue: LineQueue,
    keep: (stamped: StampedLine) => boolean,
  ): { destroy: () => void } {
    let destroyed = false;
    let response: IncomingMessage | undefined;
    this.logRequest(workerId, query, signal).then(
      (res) => {
        response = res;
        if (destroyed) {
          res.destroy();
        }
        const decoder = new PodLogDecoder(stream);
        let ended = false;
        // `end`, `error` and `close` may all come: the stream ends once.
        const end = () => {
          if (!ended) {
            ended = true;
            queue.end(lines(decoder.end()));
          }
        };
        const lines = (stamped: StampedLine[]) => stamped.filter(keep).map((s) => s.line);
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => queue.push(lines(decoder.push(chunk))));
        res.on("end", end);
        res.on("error", end);
        res.on("close", end);
      },
      (error: unknown) => (destroyed || signal.aborted ? queue.end([]) : queue.fail(error)),
    );
    return {
      destroy: () => {
        destroyed = true;
        response?.destroy();
      },
    };
  }
}

/**
 * Lines of several log streams, given out as they come: the lines that arrive together are sorted by
 * instant, and the whole ends once every stream has.
 */
class LineQueue {
  private readonly lines: WorkerLogLine[] = [];
  private open: number;
  private error: unknown;
  private notify: (() => void) | undefined;

  constructor(streams: number) {
    this.open = streams;
  }

  push(lines: WorkerLogLine[]): void {
    if (lines.length > 0) {
      this.lines.push(...lines);
      this.wake();
    }
  }

  end(lines: WorkerLogLine[]): void {
    this.lines.push(...lines);
    this.open--;
    this.wake();
  }

  fail(error: unknown): void {
    this.error ??= error;
    this.wake();
  }

  async *drain(): AsyncGenerator<WorkerLogLine> {
    for (;;) {
      if (this.lines.length > 0) {
        // A short pause lets the other stream's lines of the same moment arrive, so they sort together.
        await new Promise((resolve) => setTimeout(resolve, 20));
        const batch = this.lines.splice(0).sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
        yield* batch;
        continue;
      }
      if (this.error !== undefined) {
        throw this.error;
      }
      if (this.open <= 0) {
        return;
      }
      await new Promise<void>((resolve) => {
        this.notify = resolve;
      });
    }
  }

  private wake(): void {
    const notify = this.notify;
    this.notify = undefined;
    notify?.();
  }
}

/**
 * The kubeconfig: the named file, else `KUBECONFIG`, else the in-cluster service account when running in
 * a pod, else `~/.kube/config` (client-node's `loadFromDefault` order).
 */
export function loadKubeConfig(file: string | undefined, context: string | undefined): KubeConfig {
  const config = new KubeConfig();
  if (file !== undefined) {
    config.loadFromFile(file);
  } else {
    config.loadFromDefault();
  }
  if (context !== undefined) {
    config.setCurrentContext(context);
  }
  return config;
}

/** Whether a Secret is owned by a pod (the garbage collector removes it with the pod). */
function ownedByAPod(secret: V1Secret): boolean {
  return (secret.metadata?.ownerReferences ?? []).some((owner) => owner.kind === "Pod");
}

function statusOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === "number" ? code : undefined;
}

/** The API server's own words for a failure (its Status message), else the error's. */
function apiMessage(error: unknown): string {
  const body = (error as { body?: unknown }).body;
  if (typeof body === "string") {
    try {
      const status = JSON.parse(body) as { message?: string };
      if (status.message) {
        return status.message;
      }
    } catch {
      return body.slice(0, 300);
    }
  }
  if (typeof body === "object" && body !== null && "message" in body) {
    return String((body as { message: unknown }).message);
  }
  return error instanceof Error ? error.message : String(error);
}
