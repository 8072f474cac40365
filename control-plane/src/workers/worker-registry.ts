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

/**
 * Defaults of a worker's environment that its template or endpoint may override. The runpod Python SDK
 * (1.x) runs start-up "fitness checks" unless `RUNPOD_SKIP_AUTO_SYSTEM_CHECKS=true`; one of them opens a
 * TCP connection to 8.8.8.8:53 and ends the worker when that fails, so on an air-gapped host every RunPod
 * worker would crash-loop. Self-hosted fleets skip them unless a template or endpoint sets it to `false`.
 */
export const WORKER_ENV_DEFAULTS: Readonly<Record<string, string>> = {
  RUNPOD_SKIP_AUTO_SYSTEM_CHECKS: "true",
};

/** What a new worker is registered with. */
export interface WorkerRegistration {
  driver: WorkerRecord["driver"];
  concurrency: number;
  gpuIds: string[];
  /** @defaultValue "active" */
  placement?: WorkerRecord["placement"];
  /** The port of its own HTTP server (load-balancing endpoints). @defaultValue null */
  port?: number | null;
  /** A separate port for its `/ping` (`PORT_HEALTH`). @defaultValue null (on `port`) */
  healthPort?: number | null;
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
    /** Told to every worker: how long it goes on without an answer from the control plane before it exits. */
    private readonly orphanTimeoutMs = 300_000,
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
      port: registration.port ?? null,
      healthPort: registration.healthPort ?? null,
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

  /**
   * Records a call from the worker; its first job-take marks it ready, and clears an unhealthy mark it
   * got before (an external worker disregarded for not connecting within the init timeout is fine now).
   */
  seen(workerId: string, firstTake = false): void {
    const worker = this.workers.get(workerId);
    if (!worker) {
      return;
    }
    const now = this.clock.now();
    worker.lastSeenAt = now;
    if (firstTake && worker.readyAt === null) {
      worker.readyAt = now;
      worker.unhealthyReason = null;
      // Best effort: readiness is re-learnt from the next take after a restart. Never left unhandled,
      // which would end the process (a full disk must not take the control plane down).
      this.store.saveWorker(worker).catch(() => {
        worker.readyAt = null;
      });
      for (const listener of this.readyListeners) {
        listener(worker);
      }
    }
  }

  /** Marks a worker unhealthy (a failed start-up check, or judged so by the control plane). */
  async markUnhealthy(workerId: string, reason: string): Promise<void> {
    const worker = this.workers.get(workerId);
    if (worker) {
      await this.update(worker, { unhealthyReason: reason.slice(0, 1024) });
    }
  }

  /** Clears an unhealthy mark once the worker answers healthy again (a load-balancing worker's `/ping`). */
  async markHealthy(workerId: string): Promise<void> {
    const worker = this.workers.get(workerId);
    if (worker && worker.unhealthyReason !== null) {
      worker.unhealthyReason = null;
      await this.store.saveWorker(worker);
    }
  }

  /** Stops handing jobs to a worker; it stops after its current ones. */
  async drain(workerId: string): Promise<void> {
    const worker = this.workers.get(workerId);
    if (worker && !worker.draining) {
      await this.update(worker, { draining: true });
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
      await this.update(worker, gpuIds ? { placement, gpuIds } : { placement });
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

  /**
   * Changes a worker and stores it; if the store fails, the change is undone, so memory never keeps what
   * the store refused. The record is changed in place first because a save serializes it when its group
   * commit runs: every change made meanwhile then lands in the same write, in order.
   */
  private async update(worker: WorkerRecord, change: Partial<WorkerRecord>): Promise<void> {
    const keys = Object.keys(change) as (keyof WorkerRecord)[];
    const previous = Object.fromEntries(keys.map((key) => [key, worker[key]])) as Partial<WorkerRecord>;
    Object.assign(worker, change);
    try {
      await this.store.saveWorker(worker);
    } catch (error) {
      for (const key of keys) {
        if (worker[key] === change[key]) {
          Object.assign(worker, { [key]: previous[key] });
        }
      }
      throw error;
    }
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

  /**
   * Ends a worker's job-stop long poll because the worker itself is being stopped: the held poll (or
   * the next one) is answered at once with the worker's own id, which no job has. The runpod SDK's stop
   * loop sleeps a second after an empty answer before it looks at its shutdown flag, and waits for the
   * held poll before that; an answer naming an unknown job lets it end at once, so an idle worker exits
   * in milliseconds after SIGTERM instead of at the kill that follows the grace period.
   */
  releaseStopPoll(workerId: string): void {
    if (!this.workers.has(workerId)) {
      return;
    }
    this.stopSignals.set(workerId, new Set([...(this.stopSignals.get(workerId) ?? []), workerId]));
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
   * `&...`), the worker's token, and the template's and endpoint's own variables, plain and secret
   * (endpoint wins; secret values in plain text, as the worker needs them), over
   * {@link WORKER_ENV_DEFAULTS}. Every driver and every registered external worker gets this one
   * environment.
   *
   * Defaults the template and endpoint may override: `PYTHONUNBUFFERED=1`, so that a Python worker's
   * output reaches its log (and `logs -f`) line by line as it is written rather than in 4 KiB blocks, as
   * it does on RunPod, whose base images set it; and, for workers this control plane runs (`machine`
   * given), `RUNPOD_CPU_COUNT` and `RUNPOD_MEM_GB`: the template's limits, else the machine's. External
   * workers run elsewhere, so only the template's limits are known for them. `RUNPOD_DC_ID` is not set:
   * one control plane is one site, with no data-center id of RunPod's to give.
   */
  environment(options: {
    worker: WorkerRecord;
    token: string;
    endpoint: EndpointRecord;
    template: TemplateRecord;
    baseUrl: string;
    pingIntervalMs: number;
    /** The machine a managed worker runs on; absent for external workers. */
    machine?: { cpuCount: number; memoryMb: number };
  }): Record<string, string> {
    const { worker, token, endpoint, template, baseUrl, pingIntervalMs, machine } = options;
    const base = `${baseUrl.replace(/\/$/, "")}/v2/${endpoint.id}`;
    const gpu = encodeURIComponent(worker.gpuIds.length > 0 ? (endpoint.gpuTypeIds[0] ?? "gpu") : "none");
    const cpuCount = template.cpuLimit ?? machine?.cpuCount;
    const memoryMb = template.memoryLimitMb ?? machine?.memoryMb;
    const env: Record<string, string> = {
      ...WORKER_ENV_DEFAULTS,
      PYTHONUNBUFFERED: "1",
      ...(cpuCount === undefined ? {} : { RUNPOD_CPU_COUNT: String(Math.max(1, Math.floor(cpuCount))) }),
      ...(memoryMb === undefined ? {} : { RUNPOD_MEM_GB: gigabytes(memoryMb) }),
      ...template.env,
      ...template.secretEnv,
      ...endpoint.env,
      ...endpoint.secretEnv,
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
      RUNFLEET_WORKER_ORPHAN_TIMEOUT_MS: String(this.orphanTimeoutMs),
    };
    if (worker.gpuIds.length > 0) {
      env.CUDA_VISIBLE_DEVICES = worker.gpuIds.join(",");
    }
    if (worker.port !== null) {
      // A load-balancing worker serves its own HTTP API here and answers `GET /ping` on the same port,
      // or on a port of its own when the endpoint asked for one.
      env.PORT = String(worker.port);
      env.PORT_HEALTH = String(worker.healthPort ?? worker.port);
    }
    return env;
  }
}

/** Megabytes as RunPod's `RUNPOD_MEM_GB` gives memory: whole gigabytes, or one decimal below 1 GB. */
function gigabytes(memoryMb: number): string {
  const gb = memoryMb / 1024;
  return gb >= 1 ? String(Math.floor(gb)) : gb.toFixed(1);
}
