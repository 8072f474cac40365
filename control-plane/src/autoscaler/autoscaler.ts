import type { WorkerDriver, WorkerExit, WorkerWaiting } from "../drivers/worker-driver.js";
import { type GpuInventory, gpuShortfall } from "../gpus/gpu-inventory.js";
import type { JobService } from "../jobs/job-service.js";
import type { RequestLoad } from "../load-balancing/load-balancer.js";
import { wantsSeparateHealthPort } from "../load-balancing/port-allocator.js";
import type { Logger } from "../logging/logger.js";
import type { EndpointRecord, ScalingEventRecord, TemplateRecord, WorkerRecord } from "../store/records.js";
import type { Store } from "../store/store.js";
import type { Clock } from "../util/clock.js";
import { newId } from "../util/ids.js";
import { exitSummary } from "../workers/exit-summary.js";
import type { WorkerRegistry } from "../workers/worker-registry.js";
import { decide, initTimeoutOf, type Observed, type ScalingAction } from "./decide.js";
import { observeEndpoint } from "./observe.js";

/** What the autoscaler works with. */
export interface AutoscalerDependencies {
  store: Store;
  clock: Clock;
  logger: Logger;
  jobs: JobService;
  workers: WorkerRegistry;
  gpus: GpuInventory;
  /** The driver that runs an endpoint's workers. */
  driverFor: (endpoint: EndpointRecord) => WorkerDriver;
  /** Every driver in use (for adoption and exit events). */
  drivers: readonly WorkerDriver[];
  /** Current endpoints (cached by the caller) and templates. */
  endpoint: (id: string) => EndpointRecord | undefined;
  endpoints: () => EndpointRecord[];
  template: (id: string) => Promise<TemplateRecord>;
  /** The stored registry credentials a template names (`containerRegistryAuthId`), to pull its image. */
  registryCredentials: (id: string) => Promise<{ username: string; password: string }>;
  baseUrl: () => string;
  pingIntervalMs: number;
  /** CPUs and memory of the machine the drivers run workers on (`RUNPOD_CPU_COUNT`, `RUNPOD_MEM_GB`). */
  machine: { cpuCount: number; memoryMb: number };
  /** Interval of the periodic evaluation. */
  tickMs: number;
  /** Grace period of a stop before the worker is killed. */
  stopGraceMs: number;
  /**
   * How long a launched worker may boot before it is given up on, unless its environment sets
   * `RUNPOD_INIT_TIMEOUT` (seconds), as RunPod's workers do.
   */
  initTimeoutMs: number;
  /** Called with each measured cold-start phase, in ms. */
  observeColdStart: (phase: "spawn" | "ready" | "resume", ms: number) => void;
  /**
   * The request load of a load-balancing endpoint (in flight by worker, waiting for a worker): it stands
   * for the queue of a queue endpoint, so that the same `decide()` scales both.
   */
  requestLoad: (endpointId: string) => RequestLoad;
  /** A free port for a new worker of a load-balancing endpoint. */
  allocatePort: () => Promise<number>;
}

interface Crashes {
  count: number;
  until: number;
  reason: string;
  /**
   * `start`: the last worker could not even be launched (its image cannot be pulled, say): retrying will
   * not help until someone acts, so queued jobs say so at once. `crash`: it ran and then died.
   */
  kind: "start" | "crash";
}

/** Base of the crash back-off; doubles per consecutive crash up to {@link MAX_BACKOFF_MS}. */
const BACKOFF_BASE_MS = 1000;
const MAX_BACKOFF_MS = 60_000;
/** How long starts are held back after `count` consecutive crashes or failed starts. */
export function crashBackoffMs(count: number): number {
  return Math.min(MAX_BACKOFF_MS, BACKOFF_BASE_MS * 2 ** (count - 1));
}

/** Consecutive crashes after which an endpoint's workers are reported UNHEALTHY. */
const UNHEALTHY_AFTER = 3;

/**
 * Runs {@link decide} for every endpoint on a short tick and right after every enqueue, and carries
 * the decisions out through the endpoint's driver: starting workers (with GPUs from the inventory, or
 * throttled when none are free), stopping or pausing idle ones, resuming standbys, rolling outdated
 * ones, and backing off from crash loops. Every action, and every change in what holds scaling back,
 * is recorded as a scaling event and logged.
 */
export class Autoscaler {
  private timer: NodeJS.Timeout | undefined;
  private readonly pending = new Set<string>();
  private scheduled = false;
  private readonly busy = new Set<string>();
  private readonly idleSince = new Map<string, number>();
  private readonly crashes = new Map<string, Crashes>();
  private readonly lastHeld = new Map<string, string | undefined>();
  /** Workers being stopped on purpose: their exit is not a crash. */
  private readonly stopping = new Set<string>();
  private readonly resumedAt = new Map<string, number>();
  /** Why started workers wait, by endpoint then worker, as their driver's engine says (`Unschedulable: ...`). */
  private readonly waiting = new Map<string, Map<string, string>>();
  private stopped = false;
  /** Evaluations under way (a start among them may be spawning a worker). */
  private readonly evaluations = new Set<Promise<void>>();
  /**
   * Stops started outside an evaluation (a deleted endpoint's workers, drained workers): a graceful
   * shutdown waits for them, or the control plane would exit before the workers it signalled have ended.
   */
  private readonly detachedStops = new Set<Promise<void>>();
  /** Workers between their registration and the end of their driver's start (see {@link startsInProgress}). */
  private readonly starting = new Set<string>();

  constructor(private readonly deps: AutoscalerDependencies) {
    for (const driver of deps.drivers) {
      // Handled here: a store that fails meanwhile (a full disk, a database restarting) must not turn
      // into an unhandled rejection, which would end the process.
      driver.onExit((exit) => {
        this.workerExited(exit).catch((error: unknown) =>
          this.deps.logger.error({ err: error, workerId: exit.workerId }, "handling a worker's exit failed"),
        );
      });
      driver.onWaiting?.((waiting) => this.workerWaiting(waiting));
    }
  }

  /** Adopts workers that survived a restart, forgets those that did not, and starts ticking. */
  async start(): Promise<void> {
    const alive = new Map<string, string>();
    for (const driver of this.deps.drivers) {
      for (const worker of await driver.list()) {
        if (worker.state !== "exited") {
          alive.set(worker.workerId, worker.state);
        }
      }
    }
    for (const endpoint of this.deps.endpoints()) {
      for (const worker of this.deps.workers.list(endpoint.id)) {
        if (worker.driver === "external") {
          continue;
        }
        if (worker.placement === "throttled") {
          // Never launched; its token died with the previous run. A new one is requested if needed.
          await this.forget(worker, "was waiting for GPUs when the control plane restarted");
          continue;
        }
        const state = alive.get(worker.id);
        if (state === undefined) {
          await this.forget(worker, "its process did not survive the control plane's restart");
        } else {
          this.deps.gpus.hold(worker.id, worker.gpuIds);
          alive.delete(worker.id);
        }
      }
    }
    // Processes no worker record claims are orphans of an earlier run: stop them.
    for (const [workerId] of alive) {
      for (const driver of this.deps.drivers) {
        await driver.stop(workerId, this.deps.stopGraceMs);
      }
    }
    this.timer = setInterval(() => this.schedule(), this.deps.tickMs);
    this.timer.unref();
    this.schedule();
  }

  /** Stops evaluating; with `stopWorkers`, also stops every managed worker. */
  async stop(stopWorkers: boolean): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    // A start in progress stops its worker once launched (the control plane is stopping): waited for, so
    // that it happens while the store and drivers are still open.
    await Promise.all(this.evaluations);
    await Promise.all(this.detachedStops);
    if (stopWorkers) {
      const all = this.deps.endpoints().flatMap((endpoint) => this.deps.workers.list(endpoint.id));
      await Promise.all(
        all.filter((w) => w.driver !== "external").map((w) => this.stopWorker(w, "control plane shutting down")),
      );
    }
  }

  /** Evaluates an endpoint as soon as possible (after an enqueue, a finished job, a settings change). */
  notify(endpointId: string): void {
    this.pending.add(endpointId);
    this.schedule(false);
  }

  /** Endpoint-level reason queued jobs wait for (crash loop, no capacity), if any. */
  endpointReason(endpointId: string): string | undefined {
    const waiting = this.waiting.get(endpointId);
    if (waiting && waiting.size > 0) {
      const [reason] = waiting.values();
      return `the endpoint's workers are pending: ${reason}`;
    }
    const crashes = this.crashes.get(endpointId);
    if (crashes?.kind === "start") {
      return `the endpoint's workers cannot be started, retrying with back-off: ${crashes.reason}`;
    }
    if (crashes && crashes.count >= UNHEALTHY_AFTER) {
      return `the endpoint's workers are crash-looping (UNHEALTHY), retrying with back-off: ${crashes.reason}`;
    }
    const endpoint = this.deps.endpoint(endpointId);
    if (endpoint?.computeType === "GPU") {
      return gpuShortfall(endpoint, this.deps.gpus.devices);
    }
    return undefined;
  }

  /**
   * Workers of the endpoint that count as UNHEALTHY although their processes are gone: while it is
   * crash-looping, the last crashed worker stands for the ones being retried with back-off (as RunPod
   * shows them), so `/health` and the metrics say so.
   */
  crashLoopingWorkers(endpointId: string): number {
    const crashes = this.crashes.get(endpointId);
    return crashes && crashes.count >= UNHEALTHY_AFTER ? 1 : 0;
  }

  /**
   * Workers whose start is under way: registered, and their driver's `start` not yet done. The orphan sweep
   * spares them whatever their record says (their pod or container may exist before the start resolves).
   */
  startsInProgress(): ReadonlySet<string> {
    return this.starting;
  }

  /** Stops every worker of an endpoint being deleted (call before the registry forgets them). */
  async endpointDeleted(endpoint: EndpointRecord, workers: readonly WorkerRecord[]): Promise<void> {
    this.crashes.delete(endpoint.id);
    this.lastHeld.delete(endpoint.id);
    await this.detached(
      Promise.all(
        workers
          .filter((worker) => worker.driver !== "external")
          .map(async (worker) => {
            this.stopping.add(worker.id);
            this.deps.gpus.release(worker.id);
            this.idleSince.delete(worker.id);
            if (worker.placement !== "throttled") {
              await this.deps
                .driverFor(endpoint)
                .stop(worker.id, this.deps.stopGraceMs, () => this.deps.jobs.dropWaiters(worker.id));
            }
          }),
      ).then(() => undefined),
    );
  }

  /** Tracks a stop that no evaluation waits for, until it settles; resolves or rejects as it does. */
  private detached(stop: Promise<void>): Promise<void> {
    const settled = stop.catch(() => undefined).finally(() => this.detachedStops.delete(settled));
    this.detachedStops.add(settled);
    return stop;
  }

  /** Stops a worker and forgets it (API removal, stopPod). */
  async removeWorker(workerId: string, reason: string): Promise<void> {
    const worker = this.deps.workers.find(workerId);
    if (worker && worker.driver !== "external") {
      await this.stopWorker(worker, reason);
    }
  }

  private schedule(all = true): void {
    if (all) {
      for (const endpoint of this.deps.endpoints()) {
        this.pending.add(endpoint.id);
      }
    }
    if (this.scheduled || this.stopped) {
      return;
    }
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const ids = [...this.pending];
      this.pending.clear();
      for (const id of ids) {
        // evaluate() catches and logs its own failures; it is tracked so that stop() can wait for it.
        const evaluation = this.evaluate(id).finally(() => this.evaluations.delete(evaluation));
        this.evaluations.add(evaluation);
      }
    });
  }

  private async evaluate(endpointId: string): Promise<void> {
    const endpoint = this.deps.endpoint(endpointId);
    if (!endpoint || this.busy.has(endpointId) || this.stopped) {
      if (endpoint && this.busy.has(endpointId)) {
        // Evaluate again once the running evaluation is done.
        setTimeout(() => this.notify(endpointId), 10).unref();
      }
      return;
    }
    this.busy.add(endpointId);
    try {
      await this.retryThrottled(endpoint);
      this.stopDrained(endpoint);
      const now = this.deps.clock.now();
      let observed = this.observe(endpoint, now, this.deps.initTimeoutMs);
      if (observed.workers.some((w) => w.phase === "booting")) {
        // The template's env may set the init timeout; read it only while a worker boots (not per enqueue).
        const template = await this.deps.template(endpoint.templateId);
        observed = {
          ...observed,
          initTimeoutMs: initTimeoutOf({ ...template.env, ...endpoint.env }, observed.initTimeoutMs),
        };
      }
      // Without a pause (Kubernetes), FlashBoot keeps no standby: an idle worker is stopped as usual.
      const pausable = this.deps.driverFor(endpoint).canPause;
      const decision = decide(pausable ? endpoint : { ...endpoint, flashboot: false }, observed, now);
      for (const action of decision.actions) {
        await this.execute(endpoint, action, decision.inputs);
      }
      if (decision.held !== this.lastHeld.get(endpointId)) {
        this.lastHeld.set(endpointId, decision.held);
        if (decision.held) {
          await this.record(endpoint.id, "hold", null, decision.held, decision.inputs);
        }
      }
    } catch (error) {
      this.deps.logger.error({ err: error, endpointId }, "autoscaler evaluation failed");
    } finally {
      this.busy.delete(endpointId);
    }
  }

  private observe(endpoint: EndpointRecord, now: number, initTimeoutMs: number): Observed {
    const crashes = this.crashes.get(endpoint.id);
    const common = {
      endpoint,
      workers: this.deps.workers.list(endpoint.id),
      idleSince: this.idleSince,
      launchedAt: (workerId: string) => this.launchedAt.get(workerId),
      backoff: crashes ? { until: crashes.until, reason: crashes.reason } : undefined,
      initTimeoutMs,
      now,
    };
    if (endpoint.type === "LOAD_BALANCER") {
      // Requests in flight are the jobs in progress; requests waiting for a worker are the queue.
      const load = this.deps.requestLoad(endpoint.id);
      return observeEndpoint({
        ...common,
        runningJobs: (workerId) => load.inFlightByWorker.get(workerId) ?? 0,
        inProgress: load.inFlight,
        queue: { queuedNormal: load.waiting, oldestQueuedAt: load.oldestWaitingAt },
        unhealthySince: (workerId) => load.unhealthySince.get(workerId),
        unhealthyTimeoutMs: load.unhealthyTimeoutMs,
      });
    }
    const running = this.deps.jobs.runningByWorker(endpoint.id);
    let inProgress = 0;
    for (const ids of running.values()) {
      inProgress += ids.length;
    }
    return observeEndpoint({
      ...common,
      runningJobs: (workerId) => running.get(workerId)?.length ?? 0,
      inProgress,
      queue: this.deps.jobs.queueState(endpoint.id),
    });
  }

  private async execute(
    endpoint: EndpointRecord,
    action: ScalingAction,
    inputs: Record<string, unknown>,
  ): Promise<void> {
    const { workers, jobs } = this.deps;
    switch (action.kind) {
      case "start": {
        const worker = await this.startWorker(endpoint);
        await this.record(endpoint.id, "start_worker", worker?.id ?? null, action.reason, inputs);
        return;
      }
      case "resume": {
        const worker = workers.find(action.workerId);
        if (!worker) {
          return;
        }
        this.resumedAt.set(worker.id, this.deps.clock.now());
        // Active before it thaws, so that its first poll is served.
        await workers.place(worker.id, "active");
        await this.deps.driverFor(endpoint).resume(worker.id);
        await this.record(endpoint.id, "resume_worker", worker.id, action.reason, inputs);
        return;
      }
      case "pause": {
        const worker = workers.find(action.workerId);
        if (!worker) {
          return;
        }
        await workers.place(worker.id, "standby");
        jobs.dropWaiters(worker.id);
        await this.deps.driverFor(endpoint).pause(worker.id);
        this.idleSince.delete(worker.id);
        await this.record(endpoint.id, "pause_worker", worker.id, action.reason, inputs);
        return;
      }
      case "drain": {
        await workers.drain(action.workerId);
        await this.record(endpoint.id, "replace_worker", action.workerId, action.reason, inputs);
        return;
      }
      case "abandon": {
        const worker = workers.find(action.workerId);
        if (worker) {
          await this.record(endpoint.id, "stop_worker", worker.id, action.reason, inputs);
          this.crashed(endpoint.id, `worker ${worker.id} ${action.reason}`, "start");
          await this.stopWorker(worker, action.reason);
        }
        return;
      }
      case "disregard": {
        // Marked once: an UNHEALTHY worker is no longer booting, so the next decision leaves it be.
        await workers.markUnhealthy(action.workerId, action.reason);
        await this.record(endpoint.id, "disregard_worker", action.workerId, action.reason, inputs);
        return;
      }
      case "stop": {
        const worker = workers.find(action.workerId);
        if (worker) {
          await this.record(
            endpoint.id,
            action.replaced || action.reason.startsWith("runs version") ? "replace_worker" : "stop_worker",
            worker.id,
            action.reason,
            inputs,
          );
          await this.stopWorker(worker, action.reason);
        }
        return;
      }
    }
  }

  /** Registers and launches a worker; without free GPUs it waits as THROTTLED. */
  private async startWorker(endpoint: EndpointRecord): Promise<WorkerRecord | undefined> {
    const { workers, gpus } = this.deps;
    const driver = this.deps.driverFor(endpoint);
    // A driver that schedules GPUs itself (Kubernetes) gets the count and types, not devices from here.
    const needsGpu = endpoint.computeType === "GPU" && !driver.schedulesGpus;
    // A load-balancing worker serves HTTP on its own port (host networking: one port per worker), and
    // its /ping on another when the endpoint's env asks for a separate PORT_HEALTH.
    const loadBalancing = endpoint.type === "LOAD_BALANCER";
    const port = loadBalancing ? await this.deps.allocatePort() : null;
    const healthPort =
      loadBalancing &&
      wantsSeparateHealthPort({ ...(await this.deps.template(endpoint.templateId)).env, ...endpoint.env })
        ? await this.deps.allocatePort()
        : null;
    const { worker, token } = await workers.register(endpoint, {
      driver: driver.kind,
      concurrency: 1,
      gpuIds: [],
      placement: needsGpu ? "throttled" : "active",
      port,
      healthPort,
    });
    this.tokens.set(worker.id, token);
    this.starting.add(worker.id);
    try {
      if (needsGpu) {
        const assigned =
          gpus.assign(worker.id, endpoint.gpuCount, endpoint.gpuTypeIds) ??
          (await this.evictStandbysFor(endpoint, worker.id));
        if (!assigned) {
          return worker;
        }
        await workers.place(worker.id, "active", assigned);
      }
      await this.launch(endpoint, worker);
      return worker;
    } finally {
      this.starting.delete(worker.id);
    }
  }

  private readonly tokens = new Map<string, string>();
  /** When each worker was launched (a throttled one only once it got its GPUs), for the init timeout. */
  private readonly launchedAt = new Map<string, number>();

  /** Starts the process/container of a registered worker. */
  private async launch(endpoint: EndpointRecord, worker: WorkerRecord): Promise<void> {
    const template = await this.deps.template(endpoint.templateId);
    const token = this.tokens.get(worker.id);
    if (token === undefined) {
      throw new Error(`no token for worker ${worker.id}`);
    }
    const env = this.deps.workers.environment({
      worker,
      token,
      endpoint,
      template,
      baseUrl: this.deps.baseUrl(),
      pingIntervalMs: this.deps.pingIntervalMs,
      machine: this.deps.machine,
    });
    const started = this.deps.clock.now();
    this.launchedAt.set(worker.id, started);
    // A throttled worker launched once its GPUs are free is a start in progress too.
    const ownStart = !this.starting.has(worker.id);
    this.starting.add(worker.id);
    try {
      await this.spawn(endpoint, worker, template, env, started);
    } finally {
      if (ownStart) {
        this.starting.delete(worker.id);
      }
    }
  }

  /** The driver's part of {@link launch}. */
  private async spawn(
    endpoint: EndpointRecord,
    worker: WorkerRecord,
    template: TemplateRecord,
    env: Record<string, string>,
    started: number,
  ): Promise<void> {
    try {
      await this.deps.driverFor(endpoint).start({
        workerId: worker.id,
        endpointId: endpoint.id,
        command: template.command,
        image: template.imageName,
        env,
        gpuIds: worker.gpuIds,
        gpuCount: endpoint.computeType === "GPU" ? endpoint.gpuCount : 0,
        gpuTypeIds: endpoint.computeType === "GPU" ? endpoint.gpuTypeIds : [],
        cpuLimit: template.cpuLimit,
        memoryLimitMb: template.memoryLimitMb,
        containerDiskInGb: template.containerDiskInGb,
        volumeMounts: template.volumeMounts,
        registryCredentials:
          template.containerRegistryAuthId === null
            ? null
            : await this.deps.registryCredentials(template.containerRegistryAuthId),
        ports: template.ports,
      });
      this.deps.observeColdStart("spawn", this.deps.clock.now() - started);
    } catch (error) {
      this.deps.logger.warn({ err: error, workerId: worker.id }, "worker failed to start");
      this.crashed(endpoint.id, (error as Error).message, "start");
      await this.forget(worker, `could not be started: ${(error as Error).message}`);
      return;
    }
    await this.stopIfUnwanted(endpoint, worker);
  }

  /**
   * A start takes a while (registration, the template, the driver's spawn): the endpoint may have been
   * deleted, the worker stopped, or the control plane shut down meanwhile. Their stop found no process
   * yet, so the one just started is stopped here; otherwise nothing would ever stop it (it would outlive
   * the control plane, polling for an endpoint that no longer exists).
   */
  private async stopIfUnwanted(endpoint: EndpointRecord, worker: WorkerRecord): Promise<void> {
    const why = this.stopped
      ? "the control plane shut down while it started"
      : this.deps.endpoint(endpoint.id) === undefined
        ? "its endpoint was deleted while it started"
        : this.stopping.has(worker.id)
          ? "it was stopped while it started"
          : undefined;
    if (why === undefined) {
      return;
    }
    this.deps.logger.info({ workerId: worker.id, endpointId: endpoint.id }, `stopping a worker just started: ${why}`);
    this.stopping.add(worker.id);
    await this.deps
      .driverFor(endpoint)
      .stop(worker.id, this.deps.stopGraceMs, () => this.deps.jobs.dropWaiters(worker.id));
    await this.forget(worker, why);
  }

  /**
   * FlashBoot standbys hold their GPUs while paused; when a worker that would run jobs needs GPUs and
   * none are free, standbys holding suitable ones are stopped, oldest first, until it fits. Returns the
   * GPUs assigned to `workerId`, or undefined when even that is not enough.
   */
  private async evictStandbysFor(endpoint: EndpointRecord, workerId: string): Promise<string[] | undefined> {
    const held = new Set(
      this.deps.gpus
        .list()
        .filter((gpu) => gpu.workerId !== null)
        .map((gpu) => gpu.workerId as string),
    );
    const standbys = this.deps
      .endpoints()
      .flatMap((other) => this.deps.workers.list(other.id))
      .filter((worker) => worker.placement === "standby" && held.has(worker.id))
      .sort((a, b) => a.createdAt - b.createdAt);
    for (const standby of standbys) {
      const owner = this.deps.endpoint(standby.endpointId);
      if (owner) {
        await this.record(
          owner.id,
          "stop_worker",
          standby.id,
          `standby evicted: endpoint ${endpoint.id} needs its GPUs`,
          {},
        );
      }
      await this.stopWorker(standby, `evicted for endpoint ${endpoint.id}`);
      const assigned = this.deps.gpus.assign(workerId, endpoint.gpuCount, endpoint.gpuTypeIds);
      if (assigned) {
        return assigned;
      }
    }
    return undefined;
  }

  /** Throttled workers start as soon as their GPUs are free. */
  private async retryThrottled(endpoint: EndpointRecord): Promise<void> {
    for (const worker of this.deps.workers.list(endpoint.id)) {
      if (worker.placement !== "throttled") {
        continue;
      }
      const assigned =
        this.deps.gpus.assign(worker.id, endpoint.gpuCount, endpoint.gpuTypeIds) ??
        (await this.evictStandbysFor(endpoint, worker.id));
      if (assigned) {
        await this.deps.workers.place(worker.id, "active", assigned);
        await this.launch(endpoint, worker);
      }
    }
  }

  /**
   * Drained workers (rolled over, or asked to be recycled) stop once their jobs are done. Their exits are
   * not waited for here: a draining worker no longer counts as capacity, so its replacement starts at
   * once (refresh_worker: the next job's cold start overlaps the last worker's exit); one that needs the
   * GPUs the old worker holds waits as THROTTLED until they are freed.
   */
  private stopDrained(endpoint: EndpointRecord): void {
    const running = this.deps.jobs.runningByWorker(endpoint.id);
    const requests =
      endpoint.type === "LOAD_BALANCER" ? this.deps.requestLoad(endpoint.id).inFlightByWorker : undefined;
    for (const worker of this.deps.workers.list(endpoint.id)) {
      const busy = running.has(worker.id) || (requests?.has(worker.id) ?? false);
      if (worker.draining && worker.driver !== "external" && !busy && !this.stopping.has(worker.id)) {
        this.detached(this.stopWorker(worker, "drained: its last job is done")).catch((error) =>
          this.deps.logger.error({ err: error, workerId: worker.id }, "stopping a drained worker failed"),
        );
      }
    }
  }

  /**
   * Stops a worker: no more jobs for it, SIGTERM, and, right after the signal, answers to the long polls
   * it holds (job-take and job-stop). A RunPod worker looks at its shutdown flag only between polls, so
   * without those answers it would wait for the hold to run out and be killed at the end of the grace
   * period; with them, an idle worker exits within milliseconds of the signal.
   */
  private async stopWorker(worker: WorkerRecord, reason: string): Promise<void> {
    const endpoint = this.deps.endpoint(worker.endpointId);
    this.stopping.add(worker.id);
    await this.deps.workers.drain(worker.id);
    this.deps.jobs.parkWaiters(worker.id);
    let released = false;
    const releasePolls = () => {
      if (!released) {
        released = true;
        this.deps.jobs.dropWaiters(worker.id);
        this.deps.workers.releaseStopPoll(worker.id);
      }
    };
    if (endpoint && worker.placement !== "throttled") {
      await this.deps.driverFor(endpoint).stop(worker.id, this.deps.stopGraceMs, releasePolls);
    }
    releasePolls();
    await this.forget(worker, reason);
    // Its place may be taken at once (refresh_worker with workersMax 1) rather than at the next tick.
    this.notify(worker.endpointId);
  }

  /** Removes a worker for good: its jobs go back to the queue and its GPUs are freed. */
  private async forget(worker: WorkerRecord, reason: string): Promise<void> {
    await this.deps.jobs.releaseWorker(worker.id, `worker ${worker.id} ${reason}`);
    this.deps.gpus.release(worker.id);
    this.idleSince.delete(worker.id);
    this.tokens.delete(worker.id);
    this.launchedAt.delete(worker.id);
    await this.deps.workers.remove(worker.id);
  }

  private async workerExited(exit: WorkerExit): Promise<void> {
    this.workerWaiting({ workerId: exit.workerId, endpointId: exit.endpointId, reason: null });
    const worker = this.deps.workers.find(exit.workerId);
    if (this.stopping.delete(exit.workerId) || !worker) {
      return;
    }
    // Exiting on its own after asking to be recycled (stopPod) is the expected end, not a crash.
    const expected = worker.draining && (exit.exit === 0 || exit.exit === "SIGTERM");
    if (exit.failedToStart) {
      // Its container never ran (image pull, configuration): the start failed, as the driver learnt late.
      this.crashed(worker.endpointId, `worker ${worker.id} could not be started: ${exit.exit}`, "start");
      await this.forget(worker, `could not be started: ${exit.exit}`);
      this.notify(worker.endpointId);
      return;
    }
    if (!expected) {
      // What the worker reported (a failed fitness check) says more than any line of its output.
      const why = worker.unhealthyReason ?? exitSummary(exit.lastLines);
      this.crashed(worker.endpointId, `worker exited with ${exit.exit}${why ? `: ${why.slice(0, 300)}` : ""}`, "crash");
    }
    await this.forget(worker, expected ? "exited after its last job" : `exited unexpectedly (${exit.exit})`);
    this.notify(worker.endpointId);
  }

  /** A started worker waits (or no longer waits) for its engine: kept for the endpoint's wait reason. */
  private workerWaiting(waiting: WorkerWaiting): void {
    let byWorker = this.waiting.get(waiting.endpointId);
    if (waiting.reason === null) {
      byWorker?.delete(waiting.workerId);
      if (byWorker?.size === 0) {
        this.waiting.delete(waiting.endpointId);
      }
      return;
    }
    if (!byWorker) {
      byWorker = new Map();
      this.waiting.set(waiting.endpointId, byWorker);
    }
    const first = !byWorker.has(waiting.workerId);
    byWorker.set(waiting.workerId, waiting.reason);
    if (first) {
      void this.record(
        waiting.endpointId,
        "hold",
        waiting.workerId,
        `worker ${waiting.workerId} is pending: ${waiting.reason}`,
        {},
      );
    }
  }

  private crashed(endpointId: string, reason: string, kind: Crashes["kind"]): void {
    const previous = this.crashes.get(endpointId);
    const count = (previous?.count ?? 0) + 1;
    const delay = crashBackoffMs(count);
    this.crashes.set(endpointId, { count, until: this.deps.clock.now() + delay, reason, kind });
    this.deps.logger.warn({ endpointId, crashes: count, backoffMs: delay }, reason);
    this.record(endpointId, "backoff", null, `${reason}; next start in ${delay} ms (crash ${count})`, {
      crashes: count,
      backoffMs: delay,
    }).catch((error: unknown) =>
      this.deps.logger.error({ err: error, endpointId }, "recording a scaling event failed"),
    );
  }

  /** A worker asked for its first job: it booted fine, so crash counting starts over. */
  workerReady(workerId: string): void {
    const worker = this.deps.workers.find(workerId);
    if (!worker) {
      return;
    }
    this.crashes.delete(worker.endpointId);
    const resumed = this.resumedAt.get(workerId);
    if (resumed !== undefined) {
      this.resumedAt.delete(workerId);
      this.deps.observeColdStart("resume", this.deps.clock.now() - resumed);
    } else if (worker.readyAt !== null && worker.readyAt - worker.createdAt >= 0 && worker.driver !== "external") {
      this.deps.observeColdStart("ready", worker.readyAt - worker.createdAt);
    }
  }

  private async record(
    endpointId: string,
    action: ScalingEventRecord["action"],
    workerId: string | null,
    reason: string,
    inputs: Record<string, unknown>,
  ): Promise<void> {
    this.deps.logger.info({ endpointId, action, workerId, ...inputs }, reason);
    await this.deps.store.insertScalingEvent({
      id: newId("evt"),
      endpointId,
      at: this.deps.clock.now(),
      action,
      workerId,
      reason,
      inputs,
    });
  }
}
