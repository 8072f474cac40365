/**
 * The Kubernetes scale run, simulated with kwok (sigs.k8s.io/kwok): fake GPU nodes beside the test cluster's
 * real node, one GPU endpoint scaled out to N worker pods by a backlog of N jobs and back to zero. Shared by
 * the scale test (test/e2e/kubernetes-kwok-scale.test.ts, sized for CI) and the `kwok` bench scenario (the
 * full size), so that both measure the same thing.
 *
 * Isolation from everything else on the cluster:
 * - kwok manages only the nodes carrying this run's annotation (`--manage-nodes-with-annotation-selector`),
 *   and only the pods bound to them: the real node and its pods are not kwok's;
 * - the fake nodes carry the `kwok.x-k8s.io/node=fake:NoSchedule` taint, which only the scale run's
 *   control plane tolerates (`--kubernetes-tolerations`), so no other test's pod lands on one;
 * - the endpoint's GPU type is one only the fake nodes are labelled with, and the run's control plane also
 *   requires the run's node label (`--kubernetes-node-selector`), so no worker lands on the real node;
 * - the run has its own namespace.
 *
 * Nothing runs in a fake pod, so the run plays the workers itself: it reads each worker's token and URLs
 * from its Secret (the environment contract every worker gets) and speaks the worker protocol for it.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CoreV1Api, KubeConfig, makeInformer, type V1Node, type V1Pod } from "@kubernetes/client-node";

/** The annotation and taint key kwok's own examples give fake nodes. */
export const KWOK_NODE_KEY = "kwok.x-k8s.io/node";
/** The annotation naming the scale run a fake node belongs to: kwok manages the nodes of its run only. */
export const KWOK_RUN_ANNOTATION = "runfleet.dev/kwok-run";
/** The label of fake nodes (value: the run's id), which the run's worker pods require. */
export const FAKE_NODE_LABEL = "runfleet.dev/fake-node";
/** The GPU type of the fake nodes, as an endpoint's `gpuTypeIds` names it. */
export const FAKE_GPU_TYPE = "NVIDIA KWOK H100";
/** The same type as the GPU label's value (`nvidia.com/gpu.product`). */
export const FAKE_GPU_PRODUCT = "NVIDIA-KWOK-H100";
/** The namespace of the scale run's workers: none of the other tests' pods are there. */
export const KWOK_NAMESPACE = "runfleet-kwok";
/** The toleration that lets the scale run's workers onto the fake nodes (`--kubernetes-tolerations`). */
export const FAKE_NODE_TOLERATION = { key: KWOK_NODE_KEY, operator: "Exists", effect: "NoSchedule" } as const;

const ROOT = join(import.meta.dirname, "../..");

/** The directory that holds the kwok binary and its stages (scripts/kwok-build.sh --bin-dir); nothing is built. */
export function kwokBinDir(): string {
  return execFileSync(join(ROOT, "scripts/kwok-build.sh"), ["--bin-dir"], { encoding: "utf8" }).trim();
}

/** Whether kwok is built (scripts/kwok-build.sh). */
export function kwokBuilt(): boolean {
  const bin = kwokBinDir();
  return existsSync(join(bin, "kwok")) && existsSync(join(bin, "stages.yaml"));
}

/** Builds kwok when it is missing (minutes, cold) and returns its directory. */
export function buildKwok(): string {
  return execFileSync(join(ROOT, "scripts/kwok-build.sh"), [], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  })
    .trim()
    .split("\n")
    .at(-1) as string;
}

/** Fake nodes managed by a kwok process of this run. */
export interface FakeNodes {
  /** The run's id: the value of the nodes' label and annotation. */
  runId: string;
  /** The nodes' names. */
  names: string[];
  /** The kwok process's PID. */
  pid: number;
  /** The node selector and toleration the run's workers need, as control-plane settings. */
  workerSettings: { kubernetesTolerations: string; kubernetesNodeSelector: string };
  /** Removes the nodes, then stops kwok (by its PID). */
  remove: () => Promise<void>;
}

/** A client of the cluster of a kubeconfig file. */
export function clusterClient(kubeconfig: string): { config: KubeConfig; core: CoreV1Api } {
  const config = new KubeConfig();
  config.loadFromFile(kubeconfig);
  return { config, core: config.makeApiClient(CoreV1Api) };
}

/**
 * Creates the run's namespace if it is missing and waits for its `default` service account (made by the
 * controller manager a moment later): a pod created before it exists is refused.
 */
export async function ensureNamespace(core: CoreV1Api, name: string): Promise<void> {
  await core.createNamespace({ body: { metadata: { name } } }).catch((error: { code?: number }) => {
    if (error.code !== 409) {
      throw error;
    }
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    const found = await core.readNamespacedServiceAccount({ name: "default", namespace: name }).catch(() => undefined);
    if (found) {
      return;
    }
    if (Date.now() > deadline) {
      throw new Error(`namespace ${name} has no default service account after 30 s (is the controller manager up?)`);
    }
    await sleep(200);
  }
}

/** The fake node `index` of a run: Ready once kwok sees it, with `gpus` GPUs and room for 110 pods. */
function fakeNode(runId: string, index: number, gpus: number): V1Node {
  const name = `runfleet-kwok-${runId}-${index}`;
  const resources = { cpu: "64", memory: "512Gi", pods: "110", "nvidia.com/gpu": String(gpus) };
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name,
      annotations: { [KWOK_NODE_KEY]: "fake", [KWOK_RUN_ANNOTATION]: runId, "node.alpha.kubernetes.io/ttl": "0" },
      labels: {
        [FAKE_NODE_LABEL]: runId,
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
        type: "kwok",
        "nvidia.com/gpu.product": FAKE_GPU_PRODUCT,
      },
    },
    spec: { taints: [{ key: KWOK_NODE_KEY, value: "fake", effect: "NoSchedule" }] },
    status: { allocatable: resources, capacity: resources },
  };
}

function nodeReady(node: V1Node, gpus: number): boolean {
  return (
    (node.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True") &&
    node.status?.allocatable?.["nvidia.com/gpu"] === String(gpus)
  );
}

/** Runs `task` for 0..count-1 with at most `width` at once. */
async function inParallel(count: number, width: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, count) }, async () => {
      while (next < count) {
        const index = next++;
        await task(index);
      }
    }),
  );
}

/** Stops a process we started, by its PID: SIGTERM, then SIGKILL after `graceMs`. */
async function stopProcess(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return;
  }
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
}

/**
 * Starts kwok against the cluster of `kubeconfig`, managing only the nodes of a new run, creates `count`
 * fake nodes with `gpus` GPUs each and waits until all are Ready with their GPUs. On failure everything it
 * made is removed and the error says what kwok logged.
 */
export async function startFakeNodes(options: {
  kubeconfig: string;
  count: number;
  gpus: number;
  /** Where kwok's output goes. */
  logFile: string;
  timeoutMs?: number;
}): Promise<FakeNodes> {
  const { core } = clusterClient(options.kubeconfig);
  const bin = kwokBinDir();
  const runId = Math.random().toString(36).slice(2, 8);
  const log = openSync(options.logFile, "a");
  const kwok = spawn(
    join(bin, "kwok"),
    [
      `--kubeconfig=${options.kubeconfig}`,
      `--config=${join(bin, "stages.yaml")}`,
      "--manage-all-nodes=false",
      `--manage-nodes-with-annotation-selector=${KWOK_RUN_ANNOTATION}=${runId}`,
      // Fake nodes' address; nothing connects to it (kwok's own server is on a port nothing uses here).
      "--node-ip=127.0.0.1",
      "--server-address=127.0.0.1:0",
    ],
    { stdio: ["ignore", log, log] },
  );
  closeSync(log);
  const pid = kwok.pid as number;
  const names = Array.from({ length: options.count }, (_, i) => fakeNode(runId, i, options.gpus).metadata?.name ?? "");
  const remove = async () => {
    await core.deleteCollectionNode({ labelSelector: `${FAKE_NODE_LABEL}=${runId}` }).catch(() => undefined);
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const left = await core.listNode({ labelSelector: `${FAKE_NODE_LABEL}=${runId}` }).catch(() => undefined);
      if (left?.items.length === 0) {
        break;
      }
      await sleep(250);
    }
    await stopProcess(kwok, 5000);
  };
  try {
    await inParallel(options.count, 8, async (i) => {
      await core.createNode({ body: fakeNode(runId, i, options.gpus) });
    });
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    for (;;) {
      if (kwok.exitCode !== null) {
        throw new Error(`kwok exited with ${kwok.exitCode}`);
      }
      const nodes = (await core.listNode({ labelSelector: `${FAKE_NODE_LABEL}=${runId}` })).items;
      const notReady = nodes.filter((node) => !nodeReady(node, options.gpus));
      if (nodes.length === options.count && notReady.length === 0) {
        break;
      }
      if (Date.now() > deadline) {
        throw new Error(`${notReady.length} of ${options.count} fake nodes are not Ready with ${options.gpus} GPUs`);
      }
      // A node whose status lost its GPUs (created before kwok initialised it from a stale view) gets them again.
      for (const node of notReady.filter((n) => n.status?.allocatable?.["nvidia.com/gpu"] !== String(options.gpus))) {
        const wanted = fakeNode(runId, 0, options.gpus).status;
        await core
          .patchNodeStatus({
            name: node.metadata?.name ?? "",
            body: [
              { op: "add", path: "/status/allocatable", value: wanted?.allocatable },
              { op: "add", path: "/status/capacity", value: wanted?.capacity },
            ],
          })
          .catch(() => undefined);
      }
      await sleep(250);
    }
  } catch (error) {
    await remove();
    const tail = readFileSync(options.logFile, "utf8").split("\n").slice(-15).join("\n");
    throw new Error(
      `fake nodes did not come up: ${(error as Error).message}\nkwok's log (${options.logFile}):\n${tail}`,
      {
        cause: error,
      },
    );
  }
  return {
    runId,
    names,
    pid,
    workerSettings: {
      kubernetesTolerations: JSON.stringify([FAKE_NODE_TOLERATION]),
      kubernetesNodeSelector: `${FAKE_NODE_LABEL}=${runId}`,
    },
    remove,
  };
}

/** A watch of one control plane's pods (an informer), with waits on what it holds. */
export class PodWatch {
  private readonly pods = new Map<string, V1Pod>();
  private readonly waiters = new Set<() => void>();
  private readonly informer;
  private stopped = false;

  constructor(config: KubeConfig, core: CoreV1Api, namespace: string, labelSelector: string) {
    this.informer = makeInformer<V1Pod>(
      config,
      `/api/v1/namespaces/${namespace}/pods`,
      () => core.listNamespacedPod({ namespace, labelSelector }),
      labelSelector,
    );
    const put = (pod: V1Pod) => {
      this.pods.set(pod.metadata?.name ?? "", pod);
      this.wake();
    };
    this.informer.on("add", put);
    this.informer.on("update", put);
    this.informer.on("delete", (pod) => {
      this.pods.delete(pod.metadata?.name ?? "");
      this.wake();
    });
    this.informer.on("error", () => {
      // Stopping the informer ends its watch with an error too: a stopped watch is not started again (a
      // new watch would keep the process from exiting).
      if (!this.stopped) {
        setTimeout(() => {
          if (!this.stopped) {
            this.informer.start().catch(() => undefined);
          }
        }, 500).unref();
      }
    });
  }

  /** Lists the pods, then watches them. */
  start(): Promise<void> {
    return this.informer.start();
  }

  /** Ends the watch, for good. */
  stop(): Promise<void> {
    this.stopped = true;
    return this.informer.stop();
  }

  /** The pods now. */
  all(): V1Pod[] {
    return [...this.pods.values()];
  }

  /** Resolves once `done` holds for the pods (checked on every change), rejects after `timeoutMs`. */
  async until(done: (pods: V1Pod[]) => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done(this.all())) {
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (${this.pods.size} pods now)`);
      }
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.waiters.delete(wake);
          resolve();
        };
        // Also on a timer: a condition may hold by time alone.
        const timer = setTimeout(wake, Math.min(left, 1000));
        this.waiters.add(wake);
      });
    }
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) {
      waiter();
    }
  }
}

/**
 * Plays the worker of each Secret of the control plane's workers: reads its token and URLs (the
 * environment every worker gets) and asks for jobs, finishing each at once, until its token is refused
 * (the worker was stopped) or `stop` is called. Returns the number of jobs it finished.
 */
export function playWorkers(
  core: CoreV1Api,
  namespace: string,
  labelSelector: string,
): { started: Promise<number>; stop: () => void; finished: () => number } {
  const controller = new AbortController();
  let finished = 0;
  const play = async (env: Record<string, string>) => {
    const token = env.RUNPOD_AI_API_KEY;
    const take = env.RUNPOD_WEBHOOK_GET_JOB;
    const done = env.RUNPOD_WEBHOOK_POST_OUTPUT;
    if (!token || !take || !done) {
      return;
    }
    const headers = { authorization: token, "content-type": "application/json" };
    while (!controller.signal.aborted) {
      const answer = await fetch(`${take}&job_in_progress=0`, { headers, signal: controller.signal }).catch(() => null);
      if (answer === null || answer.status >= 300) {
        return; // stopped (its token is gone) or the run is over
      }
      if (answer.status === 204) {
        continue;
      }
      const job = (await answer.json()) as { id: string };
      const posted = await fetch(done.replace("$ID", job.id), {
        method: "POST",
        headers,
        body: JSON.stringify({ output: { fake: true } }),
        signal: controller.signal,
      }).catch(() => null);
      if (posted?.ok) {
        finished++;
      }
      await posted?.body?.cancel();
    }
  };
  const started = (async () => {
    const secrets = (await core.listNamespacedSecret({ namespace, labelSelector })).items;
    let count = 0;
    for (const secret of secrets) {
      const data = secret.data ?? {};
      if (data.RUNPOD_AI_API_KEY === undefined) {
        continue; // a registry-credentials Secret
      }
      const env = Object.fromEntries(
        Object.entries(data).map(([key, value]) => [key, Buffer.from(value, "base64").toString("utf8")]),
      );
      count++;
      void play(env);
    }
    return count;
  })();
  return { started, stop: () => controller.abort(), finished: () => finished };
}

/** Counts of `runfleet_kubernetes_api_requests_total` in a `/metrics` text, by `verb resource`. */
export function apiRequestCounts(metrics: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const match of metrics.matchAll(/^runfleet_kubernetes_api_requests_total\{([^}]*)\} (\S+)$/gm)) {
    const labels = Object.fromEntries([...(match[1] ?? "").matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    counts[`${labels.verb} ${labels.resource}`] = Number(match[2]);
  }
  return counts;
}

/** What a scale run measured. */
export interface ScaleRunResult {
  /** From the first job submitted to every pod bound to a node. */
  scheduledMs: number;
  /** From the first job submitted to every pod Running (kwok reports it). */
  runningMs: number;
  /** From the played workers' start to every job COMPLETED. */
  jobsDoneMs: number;
  /** From every job COMPLETED to no pod left (the idle timeout, then the stops). */
  toZeroMs: number;
  /** The most pods seen at once. */
  peakPods: number;
  /** Nodes the pods were bound to that are not fake nodes of the run (none expected). */
  offFakeNodes: string[];
  /** Jobs the played workers finished. */
  finished: number;
  /** The control plane's Kubernetes API requests during the run, by `verb resource`. */
  apiRequests: Record<string, number>;
}

/**
 * One scale run against a control plane already started with the kubernetes driver in `namespace`, with the
 * fake nodes' toleration and node selector: a GPU endpoint with `workersMax` = `pods`, `REQUEST_COUNT` with
 * `scalerValue` 1 and a 1 s idle timeout; `pods` jobs make it start `pods` workers; once every pod is
 * Running the run plays the workers, which finish the jobs, fall idle and are stopped: back to zero.
 * `onPhase` is told when each phase starts (the bench samples the control plane's CPU between them).
 */
export async function scaleRun(options: {
  url: string;
  adminKey: string;
  kubeconfig: string;
  namespace: string;
  instanceId: string;
  pods: number;
  runId: string;
  timeoutMs: number;
  onPhase?: (phase: "submit" | "scheduled" | "play" | "done" | "zero") => void;
}): Promise<ScaleRunResult> {
  const { config, core } = clusterClient(options.kubeconfig);
  const selector = `app.kubernetes.io/managed-by=runfleet,runfleet.dev/instance=${options.instanceId}`;
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${options.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${options.adminKey}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status >= 300) {
      throw new Error(`${method} ${path}: ${response.status} ${text}`);
    }
    return (text ? JSON.parse(text) : undefined) as T;
  };
  const before = apiRequestCounts(await (await fetch(`${options.url}/metrics`)).text());
  const watch = new PodWatch(config, core, options.namespace, selector);
  await watch.start();
  let workers: ReturnType<typeof playWorkers> | undefined;
  try {
    const name = `kwok-${options.runId}`;
    const template = await call<{ id: string }>("POST", "/v1/templates", {
      name,
      // Never pulled: the pods go to fake nodes only.
      imageName: "runfleet/echo-worker:dev",
    });
    const endpoint = await call<{ id: string }>("POST", "/v1/endpoints", {
      name,
      templateId: template.id,
      computeType: "GPU",
      gpuTypeIds: [FAKE_GPU_TYPE],
      gpuCount: 1,
      workersMin: 0,
      workersMax: options.pods,
      scalerType: "REQUEST_COUNT",
      scalerValue: 1,
      idleTimeout: 1,
    });
    const endpointPods = (pods: V1Pod[]) =>
      pods.filter((pod) => pod.metadata?.labels?.["runfleet.dev/endpoint"] === endpoint.id);
    let peak = 0;
    const counting = (pods: V1Pod[]) => {
      peak = Math.max(peak, endpointPods(pods).length);
      return pods;
    };
    options.onPhase?.("submit");
    const t0 = performance.now();
    await inParallel(options.pods, 16, async (i) => {
      await call("POST", `/v2/${endpoint.id}/run`, { input: { index: i } });
    });
    const bound = (pods: V1Pod[]) => endpointPods(counting(pods)).filter((pod) => pod.spec?.nodeName);
    await watch.until(
      (pods) => bound(pods).length >= options.pods,
      options.timeoutMs,
      `${options.pods} pods scheduled`,
    );
    const scheduledMs = performance.now() - t0;
    options.onPhase?.("scheduled");
    await watch.until(
      (pods) => endpointPods(counting(pods)).filter((pod) => pod.status?.phase === "Running").length >= options.pods,
      options.timeoutMs,
      `${options.pods} pods Running`,
    );
    const runningMs = performance.now() - t0;
    const offFakeNodes = [
      ...new Set(
        bound(watch.all())
          .map((pod) => pod.spec?.nodeName ?? "")
          .filter((node) => !node.startsWith(`runfleet-kwok-${options.runId}-`)),
      ),
    ];
    options.onPhase?.("play");
    const t1 = performance.now();
    workers = playWorkers(core, options.namespace, selector);
    await workers.started;
    const deadline = Date.now() + options.timeoutMs;
    for (;;) {
      const health = await call<{ jobs: { completed: number; failed: number } }>("GET", `/v2/${endpoint.id}/health`);
      if (health.jobs.completed + health.jobs.failed >= options.pods) {
        break;
      }
      if (Date.now() > deadline) {
        throw new Error(`only ${health.jobs.completed} of ${options.pods} jobs completed in time`);
      }
      await sleep(250);
    }
    const jobsDoneMs = performance.now() - t1;
    options.onPhase?.("done");
    const t2 = performance.now();
    await watch.until((pods) => endpointPods(pods).length === 0, options.timeoutMs, "no pod left");
    const toZeroMs = performance.now() - t2;
    options.onPhase?.("zero");
    const after = apiRequestCounts(await (await fetch(`${options.url}/metrics`)).text());
    const apiRequests = Object.fromEntries(
      Object.entries(after).map(([key, value]) => [key, value - (before[key] ?? 0)]),
    );
    await call("DELETE", `/v1/endpoints/${endpoint.id}`);
    await call("DELETE", `/v1/templates/${template.id}`).catch(() => undefined);
    return {
      scheduledMs,
      runningMs,
      jobsDoneMs,
      toZeroMs,
      peakPods: peak,
      offFakeNodes,
      finished: workers.finished(),
      apiRequests,
    };
  } finally {
    workers?.stop();
    await watch.stop();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
