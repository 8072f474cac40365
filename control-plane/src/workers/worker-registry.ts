import type { components } from "@runfleet/sdk/generated";
import { generateSecret } from "../auth/api-key-secret.js";
import { ControlPlaneError } from "../errors/control-plane-error.js";
import type { EndpointRecord, TemplateRecord, WorkerRecord } from "../store/records.js";
import type { Store } from "../store/store.js";
import type { Clock } from "../util/clock.js";
import { newId } from "../util/ids.js";

type Schemas = components["schemas"];

/** A worker's status, from the contract. */
export type WorkerStatus = Schemas["WorkerStatus"];

/** Prefix of worker tokens, so they are told apart from API keys at a glance. */
export const WORKER_TOKEN_PREFIX = "rfw_";

/** What a new worker is registered with. */
export interface WorkerRegistration {
  driver: WorkerRecord["driver"];
  concurrency: number;
  gpuIds: string[];
  /** @defaultValue "active" */
  placement?: WorkerRecord["placement"];
}

/**
 * Derives a worker's status from what is known of it; pure so that the rules are one table.
 * Draining beats everything, then unhealthiness, then whether it ever asked for a job, then whether it
 * runs one now.
 */
export function workerStatus(worker: WorkerRecord, runningJobs: number): WorkerStatus {
  if (worker.draining) {
    return "STOPPING";
  }
  if (worker.placement === "throttled") {
    return "THROTTLED";
  }
  if (worker.placement === "standby") {
    return "STANDBY";
  }
  if (worker.unhealthyReason !== null) {
    return "UNHEALTHY";
  }
  if (worker.readyAt === null) {
    return "INITIALIZING";
  }
  return runningJobs > 0 ? "RUNNING" : "IDLE";
}

/**
 * The workers known to the control plane: their records and tokens, when they were last seen, and the
 * stop signals waiting for them (job-stop). Records are persisted so that tokens of running workers
 * stay valid across a control-plane restart; `lastSeenAt` is kept in memory and persisted only with
 * other changes, because it moves on every call.
 */
export class WorkerRegistry {
  private readonly workers = new Map<string, WorkerRecord>();
  private readonly byTokenHash = new Map<string, string>();
  private readonly stopSignals = new Map<string, Set<string>>();
  private readonly stopWaiters = new Map<string, () => void>();
  private readonly readyListeners: ((worker: WorkerRecord) => void)[] = [];

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** Loads the persisted workers. */
  async load(): Promise<void> {
    for (const worker of await this.store.listWorkers()) {
      this.workers.set(worker.id, worker);
      this.byTokenHash.set(worker.tokenHash, worker.id);
    }
  }

  /** Registers a worker and returns it with its token (the only time the token is available). */
  async register(
    endpoint: EndpointRecord,
    registration: WorkerRegistration,
  ): Promise<{ worker: WorkerRecord; token: string }> {
    const { secret, hash } = generateSecret(WORKER_TOKEN_PREFIX);
    const worker: WorkerRecord = {
      id: newId("wk"),
      endpointId: endpoint.id,
      driver: registration.driver,
      tokenHash: hash,
      concurrency: registration.concurrency,
      endpointVersion: endpoint.version,
      gpuIds: registration.gpuIds,
      createdAt: this.clock.now(),
      readyAt: null,
      lastSeenAt: null,
      unhealthyReason: null,
      draining: false,
      placement: registration.placement ?? "active",
    };
    await this.store.saveWorker(worker);
    this.workers.set(worker.id, worker);
    this.byTokenHash.set(hash, worker.id);
    return { worker, token: secret };
  }

  /** The worker a token belongs to (used by authentication). */
  lookupToken(hash: string): { workerId: string; endpointId: string } | undefined {
    const id = this.byTokenHash.get(hash);
    const worker = id === undefined ? undefined : this.workers.get(id);
    return worker ? { workerId: worker.id, endpointId: worker.endpointId } : undefined;
  }

  /** A worker by id, or undefined. */
  find(workerId: string): WorkerRecord | undefined {
    return this.workers.get(workerId);
  }

  /** A worker of an endpoint, or 404. */
  get(endpointId: string, workerId: string): WorkerRecord {
    const worker = this.workers.get(workerId);
    if (!worker || worker.endpointId !== endpointId) {
      throw new ControlPlaneError("worker_not_found", `no worker ${workerId} on endpoint ${endpointId}`);
    }
    return worker;
  }

  /** An endpoint's workers, oldest first. */
  list(endpointId: string): WorkerRecord[] {
    return [...this.workers.values()].filter((worker) => worker.endpointId === endpointId);
  }

  /** Calls `listener` when a worker asks for its first job. */
  onReady(listener: (worker: WorkerRecord) => void): void {
    this.readyListeners.push(listener);
  }

  /** Records a call from the worker; its first job-take marks it ready. */
  seen(workerId: string, firstTake = false): void {
    const worker = this.workers.get(workerId);
    if (!worker) {
      return;
    }
    const now = this.clock.now();
    worker.lastSeenAt = now;
    if (firstTake && worker.readyAt === null) {
      worker.readyAt = now;
      void this.store.saveWorker(worker);
      for (const listener of this.readyListeners) {
        listener(worker);
      }
    }
  }

  /** Marks a worker unhealthy (a failed start-up check, or judged so by the control plane). */
  async markUnhealthy(workerId: string, reason: string): Promise<void> {
    const worker = this.workers.get(workerId);
    if (worker) {
      worker.unhealthyReason = reason.slice(0, 1024);
      await this.store.saveWorker(worker);
    }
  }

  /** Stops handing jobs to a worker; it stops after its current ones. */
  async drain(workerId: string): Promise<void> {
    const worker = this.workers.get(workerId);
    if (worker && !worker.draining) {
      worker.draining = true;
      await this.store.saveWorker(worker);
    }
  }

  /** Whether the worker may take new jobs (not draining, not a paused standby). */
  mayTake(workerId: string): boolean {
    const worker = this.workers.get(workerId);
    return worker !== undefined && !worker.draining && worker.placement === "active";
  }

  /** Changes where a worker stands (standby, throttled, active), and its GPUs when they change. */
  async place(workerId: string, placement: WorkerRecord["placement"], gpuIds?: string[]): Promise<void> {
    const worker = this.workers.get(workerId);
    if (worker) {
      worker.placement = placement;
      if (gpuIds) {
        worker.gpuIds = gpuIds;
      }
      await this.store.saveWorker(worker);
    }
  }

  /** Forgets a worker: its token stops working at once. */
  async remove(workerId: string): Promise<void> {
    const worker = this.workers.get(workerId);
    if (!worker) {
      return;
    }
    this.workers.delete(workerId);
    this.byTokenHash.delete(worker.tokenHash);
    this.stopSignals.delete(workerId);
    this.stopWaiters.get(workerId)?.();
    await this.store.deleteWorker(workerId);
  }

  /** Forgets every worker of an endpoint that was deleted (the store already dropped their rows). */
  forgetEndpoint(endpointId: string): void {
    for (const worker of this.list(endpointId)) {
      this.workers.delete(worker.id);
      this.byTokenHash.delete(worker.tokenHash);
      this.stopSignals.delete(worker.id);
      this.stopWaiters.get(worker.id)?.();
    }
  }

  /** Tells a worker to stop a job, through its job-stop long poll. */
  signalStop(workerId: string, jobId: string): void {
    if (!this.workers.has(workerId)) {
      return;
    }
    let signals = this.stopSignals.get(workerId);
    if (!signals) {
      signals = new Set();
      this.stopSignals.set(workerId, signals);
    }
    signals.add(jobId);
    this.stopWaiters.get(workerId)?.();
  }

  /** Job-stop long poll: the jobs to stop, waiting up to `holdMs` for one when there are none. */
  async takeStopSignals(workerId: string, holdMs: number, signal: AbortSignal): Promise<string[]> {
    const pending = () => {
      const signals = this.stopSignals.get(workerId);
      this.stopSignals.delete(workerId);
      return signals ? [...signals] : [];
    };
    const now = pending();
    if (now.length > 0) {
      return now;
    }
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        if (this.stopWaiters.get(workerId) === done) {
          this.stopWaiters.delete(workerId);
        }
        resolve();
      };
      // One poll per worker at a time: a newer poll replaces an older one, which is answered empty.
      this.stopWaiters.get(workerId)?.();
      this.stopWaiters.set(workerId, done);
      const timer = setTimeout(done, holdMs);
      signal.addEventListener("abort", done, { once: true });
    });
    return pending();
  }

  /**
   * The environment a worker is started with: what the runpod Python SDK and `@runfleet/sdk/worker`
   * read (URL templates with the worker id filled in and an existing `?` query, because the SDK appends
   * `&...`), the worker's token, and the template's and endpoint's own variables (endpoint wins).
   */
  environment(options: {
    worker: WorkerRecord;
    token: string;
    endpoint: EndpointRecord;
    template: TemplateRecord;
    baseUrl: string;
    pingIntervalMs: number;
  }): Record<string, string> {
    const { worker, token, endpoint, template, baseUrl, pingIntervalMs } = options;
    const base = `${baseUrl.replace(/\/$/, "")}/v2/${endpoint.id}`;
    const gpu = encodeURIComponent(worker.gpuIds.length > 0 ? (endpoint.gpuTypeIds[0] ?? "gpu") : "none");
    const env: Record<string, string> = {
      ...template.env,
      ...endpoint.env,
      RUNPOD_WEBHOOK_GET_JOB: `${base}/job-take/${worker.id}?gpu=${gpu}`,
      RUNPOD_WEBHOOK_POST_OUTPUT: `${base}/job-done/${worker.id}/$ID?gpu=${gpu}`,
      RUNPOD_WEBHOOK_POST_STREAM: `${base}/job-stream/${worker.id}/$ID?gpu=${gpu}`,
      RUNPOD_WEBHOOK_PING: `${base}/ping/${worker.id}?gpu=${gpu}`,
      RUNPOD_PING_INTERVAL: String(pingIntervalMs),
      RUNPOD_AI_API_KEY: token,
      RUNPOD_POD_ID: worker.id,
      RUNPOD_POD_HOSTNAME: worker.id,
      RUNPOD_ENDPOINT_ID: endpoint.id,
      RUNPOD_GPU_COUNT: String(worker.gpuIds.length),
      RUNFLEET_CONTROL_PLANE_URL: baseUrl,
      RUNFLEET_ENDPOINT_ID: endpoint.id,
      RUNFLEET_WORKER_ID: worker.id,
      RUNFLEET_WORKER_TOKEN: token,
      RUNFLEET_WORKER_CONCURRENCY: String(worker.concurrency),
    };
    if (worker.gpuIds.length > 0) {
      env.CUDA_VISIBLE_DEVICES = worker.gpuIds.join(",");
    }
    return env;
  }
}
