import { crashBackoffMs } from "../autoscaler/autoscaler.js";
import { decide, type ScalingAction } from "../autoscaler/decide.js";
import { observeEndpoint } from "../autoscaler/observe.js";
import type { CompiledEndpointSettings } from "../domain/endpoint-settings.js";
import { type JobEvent, nextStatus } from "../jobs/job-transitions.js";
import type { EndpointRecord, JobStatusValue, WorkerRecord } from "../store/records.js";
import { type WorkerStatus, workerStatus } from "../workers/worker-registry.js";
import {
  type CostFigures,
  costOf,
  emptyStateSeconds,
  type PriceTable,
  type StateSeconds,
  usageStateOf,
} from "./cost-model.js";
import type { Trace } from "./trace.js";

/**
 * The simulator: replays a trace against an endpoint's settings on a virtual clock, through the
 * production autoscaler's {@link decide} (fed by the same {@link observeEndpoint}), the job state machine
 * ({@link nextStatus}) and the worker status rules ({@link workerStatus}). What it models itself is only
 * what the outside world does: jobs arrive, workers boot, run jobs and resume, in the times given.
 */

/** How workers behave, in ms: what a real endpoint's history measures (or what a user expects). */
export interface WorkerModel {
  /** From the start decision until the worker's process or container runs (pull, create, spawn). */
  coldStartMs: number;
  /** From running to its first job request: the handler's initialisation (loading a model). */
  initMs: number;
  /** For a FlashBoot standby to serve again after a resume. */
  resumeMs: number;
  /** A worker not ready within this is abandoned (RunPod's init timeout). @defaultValue 420000 */
  initTimeoutMs?: number;
  /** Between the end of a job and the worker's next take (its job-done and job-take round trip). @defaultValue 0 */
  dispatchMs?: number;
}

/** Simulation settings beyond the endpoint's. */
export interface SimulationOptions {
  /** The autoscaler's periodic evaluation, as the server's autoscalerTickMs. @defaultValue 500 */
  tickMs?: number;
  /**
   * Live, every enqueue triggers an evaluation. Here an arrival within this many ms of the last evaluation
   * waits for one at the end of that window (the first arrival after a quiet spell is evaluated at once, so
   * scaling from zero reacts as live). It bounds the work at high rates; the decisions it delays are late by
   * at most this much, far below any cold start. 0 evaluates after every arrival. @defaultValue 100
   */
  coalesceMs?: number;
  /** GPUs free for this endpoint's workers; fewer than needed leaves workers THROTTLED. @defaultValue unlimited */
  gpusAvailable?: number;
  /** Prices per GPU type (per GPU-second) or `CPU` (per worker-second); none built in. @defaultValue {} */
  prices?: PriceTable;
  /** Whether FlashBoot standby seconds are billed. @defaultValue false */
  standbyBilled?: boolean;
  /**
   * Simulate at least until this instant (ms from the trace start), so that idle workers after the last
   * job are accounted for as they would be over a recorded window. @defaultValue the end of the last job
   */
  untilMs?: number;
  /** Give up serving jobs this long after the last arrival; those left count as unserved. @defaultValue 3600000 */
  drainLimitMs?: number;
}

/** Percentiles of queue delay, in ms (null when no job was served). */
export interface DelayFigures {
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
  mean: number | null;
}

/** What a simulation predicts for one configuration. */
export interface SimulationResult {
  settings: CompiledEndpointSettings;
  jobs: { total: number; completed: number; timedOut: number; unserved: number };
  /** From arrival to being taken by a worker. */
  queueDelayMs: DelayFigures;
  /** Workers launched (each a cold start). */
  coldStarts: number;
  /** FlashBoot standbys resumed. */
  resumes: number;
  /** Workers given up on after the init timeout. */
  abandonedStarts: number;
  /** Time the endpoint spent with workersMax workers (booting, idle, busy or throttled). */
  timeAtWorkersMaxMs: number;
  /** Most workers counted as capacity at once. */
  peakWorkers: number;
  /** Worker-seconds in each state. */
  workerSeconds: StateSeconds;
  /** GPU-seconds, billed seconds and cost. */
  cost: CostFigures;
  /** Simulated span, ms. */
  durationMs: number;
  /** Times decide() ran. */
  evaluations: number;
}

/** A job's status codes, stored per job in a byte. */
const STATUS_CODES: readonly JobStatusValue[] = [
  "IN_QUEUE",
  "IN_PROGRESS",
  "COMPLETED",
  "FAILED",
  "CANCELLED",
  "TIMED_OUT",
];
const CODE_OF = new Map(STATUS_CODES.map((status, code) => [status, code]));

const CAPACITY: ReadonlySet<WorkerStatus> = new Set(["INITIALIZING", "IDLE", "RUNNING", "THROTTLED"]);

interface SimWorker {
  record: WorkerRecord;
  /** The job it runs, or -1. */
  job: number;
  /** Its status as the registry's rule derives it, and since when (for the worker-seconds by state). */
  status: WorkerStatus;
  since: number;
  /** GPUs it holds. */
  gpus: number;
  /** False once it stopped: its pending events are then ignored. */
  alive: boolean;
}

enum EventKind {
  Ready = 0,
  JobEnd = 1,
  Poll = 2,
}

interface SimEvent {
  at: number;
  seq: number;
  kind: EventKind;
  worker: SimWorker;
}

/** A binary heap of events by time, then by order of scheduling. */
class EventHeap {
  private readonly items: SimEvent[] = [];
  get size(): number {
    return this.items.length;
  }
  peek(): SimEvent | undefined {
    return this.items[0];
  }
  push(event: SimEvent): void {
    const items = this.items;
    items.push(event);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(event, items[parent] as SimEvent)) {
        break;
      }
      items[i] = items[parent] as SimEvent;
      i = parent;
    }
    items[i] = event;
  }
  pop(): SimEvent | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last !== undefined) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= items.length) {
          break;
        }
        const right = left + 1;
        const child = right < items.length && before(items[right] as SimEvent, items[left] as SimEvent) ? right : left;
        if (!before(items[child] as SimEvent, last)) {
          break;
        }
        items[i] = items[child] as SimEvent;
        i = child;
      }
      items[i] = last;
    }
    return top;
  }
}

function before(a: SimEvent, b: SimEvent): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

/** A FIFO of job indices, each enqueued once per wait (a trace's jobs arrive in order). */
class JobLane {
  private items: Int32Array;
  private head = 0;
  private tail = 0;
  constructor(capacity: number) {
    this.items = new Int32Array(Math.max(16, capacity));
  }
  get size(): number {
    return this.tail - this.head;
  }
  first(): number {
    return this.items[this.head] as number;
  }
  push(job: number): void {
    if (this.tail === this.items.length) {
      const kept = this.items.subarray(this.head, this.tail);
      const next = new Int32Array(Math.max(16, kept.length * 2));
      next.set(kept);
      this.items = next;
      this.tail -= this.head;
      this.head = 0;
    }
    this.items[this.tail++] = job;
  }
  shift(): number {
    return this.items[this.head++] as number;
  }
}

/** p-th quantile of sorted values, as the metrics API computes them (nearest rank). */
export function quantile(sorted: Float64Array, q: number): number | null {
  if (sorted.length === 0) {
    return null;
  }
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
}

/**
 * Runs one simulation. Deterministic: the same trace, settings, model and options give the same result.
 * The autoscaler evaluates, as live, after every arrival and on every tick.
 */
export function simulate(
  settings: CompiledEndpointSettings,
  trace: Trace,
  model: WorkerModel,
  options: SimulationOptions = {},
): SimulationResult {
  const tickMs = options.tickMs ?? 500;
  const coalesceMs = options.coalesceMs ?? 100;
  const initTimeoutMs = model.initTimeoutMs ?? 420_000;
  const dispatchMs = model.dispatchMs ?? 0;
  const gpuCount = settings.computeType === "GPU" ? settings.gpuCount : 0;
  let gpusFree = options.gpusAvailable ?? Number.POSITIVE_INFINITY;
  const lastArrival = trace.length === 0 ? 0 : (trace.arrivalMs[trace.length - 1] as number);
  const drainDeadline = lastArrival + (options.drainLimitMs ?? 3_600_000);
  const endpoint: EndpointRecord = {
    ...settings,
    id: "ep-simulated",
    name: "simulated",
    templateId: "tpl-simulated",
    version: 1,
    createdAt: 0,
    updatedAt: 0,
  };

  const status = new Uint8Array(trace.length);
  // Queue delay per job (NaN until taken; a job lost and taken again counts its last wait).
  const delays = new Float64Array(trace.length).fill(Number.NaN);
  const normal = new JobLane(1024);
  const low = new JobLane(1024);
  const heap = new EventHeap();
  const workers: SimWorker[] = [];
  const records: WorkerRecord[] = [];
  const byId = new Map<string, SimWorker>();
  const waiting: SimWorker[] = [];
  let waitingHead = 0;
  const idleSince = new Map<string, number>();
  const launchedAt = new Map<string, number>();
  const seconds = emptyStateSeconds();
  let now = 0;
  let seq = 0;
  let nextWorker = 1;
  let inProgress = 0;
  let completed = 0;
  let timedOut = 0;
  let coldStarts = 0;
  let resumes = 0;
  let abandonedStarts = 0;
  let evaluations = 0;
  let capacity = 0;
  // Workers waiting for GPUs and workers draining: most evaluations have neither, and skip their scans.
  let throttledCount = 0;
  let stoppingCount = 0;
  let peakWorkers = 0;
  let atMaxSince = settings.workersMax <= 0 ? 0 : -1;
  let timeAtMax = 0;
  let crashes = 0;
  let backoffUntil = 0;

  const advance = (job: number, event: JobEvent): void => {
    const to = nextStatus(STATUS_CODES[status[job] as number] as JobStatusValue, event);
    if (to === undefined) {
      throw new Error(`simulated job ${job}: ${event} cannot happen in ${STATUS_CODES[status[job] as number]}`);
    }
    status[job] = CODE_OF.get(to) as number;
  };

  const countCapacity = (delta: number): void => {
    capacity += delta;
    if (capacity > peakWorkers) {
      peakWorkers = capacity;
    }
    const atMax = capacity >= settings.workersMax;
    if (atMax && atMaxSince < 0) {
      atMaxSince = now;
    } else if (!atMax && atMaxSince >= 0) {
      timeAtMax += now - atMaxSince;
      atMaxSince = -1;
    }
  };

  /** Re-derives a worker's status (the registry's rule) and accounts the time spent in the last one. */
  const refresh = (worker: SimWorker): void => {
    const next = workerStatus(worker.record, worker.job >= 0 ? 1 : 0);
    if (next === worker.status) {
      return;
    }
    if (worker.since !== -1) {
      seconds[usageStateOf(worker.status)] += (now - worker.since) / 1000;
    }
    const delta = (CAPACITY.has(next) ? 1 : 0) - (CAPACITY.has(worker.status) ? 1 : 0);
    throttledCount += (next === "THROTTLED" ? 1 : 0) - (worker.status === "THROTTLED" ? 1 : 0);
    stoppingCount += (next === "STOPPING" ? 1 : 0) - (worker.status === "STOPPING" && worker.since !== -1 ? 1 : 0);
    worker.status = next;
    worker.since = now;
    if (delta !== 0) {
      countCapacity(delta);
    }
  };

  const schedule = (at: number, kind: EventKind, worker: SimWorker): void => {
    heap.push({ at, seq: seq++, kind, worker });
  };

  const take = (worker: SimWorker, job: number): void => {
    advance(job, "take");
    delays[job] = now - (trace.arrivalMs[job] as number);
    worker.job = job;
    inProgress++;
    refresh(worker);
    const execution = trace.executionMs[job] as number;
    schedule(now + Math.min(execution, settings.executionTimeoutMs), EventKind.JobEnd, worker);
  };

  const mayTake = (worker: SimWorker): boolean =>
    worker.alive && !worker.record.draining && worker.record.placement === "active" && worker.record.readyAt !== null;

  /** The worker asks for a job: it gets the first queued one (normal lane first), else waits for one. */
  const poll = (worker: SimWorker): void => {
    if (!mayTake(worker) || worker.job >= 0) {
      return;
    }
    if (normal.size > 0) {
      take(worker, normal.shift());
    } else if (low.size > 0) {
      take(worker, low.shift());
    } else {
      waiting.push(worker);
    }
  };

  const nextWaiting = (): SimWorker | undefined => {
    while (waitingHead < waiting.length) {
      const worker = waiting[waitingHead++] as SimWorker;
      if (mayTake(worker) && worker.job < 0) {
        if (waitingHead > 1024 && waitingHead * 2 > waiting.length) {
          waiting.splice(0, waitingHead);
          waitingHead = 0;
        }
        return worker;
      }
    }
    waiting.length = 0;
    waitingHead = 0;
    return undefined;
  };

  const dropWaiter = (worker: SimWorker): void => {
    const at = waiting.indexOf(worker, waitingHead);
    if (at >= 0) {
      waiting.splice(at, 1);
    }
  };

  const launch = (worker: SimWorker): void => {
    launchedAt.set(worker.record.id, now);
    coldStarts++;
    schedule(now + model.coldStartMs + model.initMs, EventKind.Ready, worker);
  };

  const start = (): void => {
    const record: WorkerRecord = {
      id: `wk-sim-${nextWorker++}`,
      endpointId: endpoint.id,
      driver: "process",
      tokenHash: "",
      concurrency: 1,
      endpointVersion: endpoint.version,
      gpuIds: [],
      createdAt: now,
      readyAt: null,
      lastSeenAt: null,
      unhealthyReason: null,
      draining: false,
      placement: "active",
      port: null,
      healthPort: null,
    };
    // Not yet counted anywhere: the first refresh() moves it into its real status (and capacity).
    // (since -1 marks that placeholder, which no count holds).
    const worker: SimWorker = { record, job: -1, status: "STOPPING", since: -1, gpus: 0, alive: true };
    workers.push(worker);
    records.push(record);
    byId.set(record.id, worker);
    if (gpuCount > 0 && !assignGpus(worker)) {
      record.placement = "throttled";
      refresh(worker);
      return;
    }
    refresh(worker);
    launch(worker);
  };

  /** Gives a worker its GPUs, evicting standbys (oldest first) as the live autoscaler does. */
  const assignGpus = (worker: SimWorker): boolean => {
    while (gpusFree < gpuCount) {
      const standby = workers.find((w) => w.record.placement === "standby" && w.gpus > 0);
      if (standby === undefined) {
        return false;
      }
      stop(standby);
    }
    gpusFree -= gpuCount;
    worker.gpus = gpuCount;
    return true;
  };

  const stop = (worker: SimWorker): void => {
    if (!worker.alive) {
      return;
    }
    if (worker.job >= 0) {
      // A busy worker is never stopped by decide(); a lost job goes back to the head of its lane's order.
      advance(worker.job, "lose");
      inProgress--;
      (trace.lowPriority[worker.job] === 1 ? low : normal).push(worker.job);
      worker.job = -1;
    }
    worker.record.draining = true;
    refresh(worker);
    // Draining, it is STOPPING now (refresh counted it): it leaves every count.
    seconds[usageStateOf(worker.status)] += (now - worker.since) / 1000;
    stoppingCount--;
    worker.alive = false;
    gpusFree += worker.gpus;
    worker.gpus = 0;
    const at = workers.indexOf(worker);
    workers.splice(at, 1);
    records.splice(at, 1);
    byId.delete(worker.record.id);
    idleSince.delete(worker.record.id);
    launchedAt.delete(worker.record.id);
    dropWaiter(worker);
  };

  const execute = (action: ScalingAction): void => {
    if (action.kind === "start") {
      start();
      return;
    }
    const worker = byId.get(action.workerId);
    if (worker === undefined) {
      return;
    }
    switch (action.kind) {
      case "resume":
        worker.record.placement = "active";
        resumes++;
        refresh(worker);
        schedule(now + model.resumeMs, EventKind.Poll, worker);
        return;
      case "pause":
        worker.record.placement = "standby";
        dropWaiter(worker);
        idleSince.delete(worker.record.id);
        refresh(worker);
        return;
      case "drain":
        worker.record.draining = true;
        refresh(worker);
        return;
      case "abandon":
        abandonedStarts++;
        crashes++;
        backoffUntil = now + crashBackoffMs(crashes);
        stop(worker);
        return;
      case "stop":
        stop(worker);
        return;
    }
  };

  let lastEvaluationAt = -1;
  let pendingEvaluationAt = -1;
  const evaluate = (): void => {
    evaluations++;
    lastEvaluationAt = now;
    pendingEvaluationAt = -1;
    // As live: throttled workers start once GPUs are free, drained ones stop, then decide().
    for (let i = 0; throttledCount > 0 && i < workers.length; i++) {
      const worker = workers[i] as SimWorker;
      if (worker.record.placement === "throttled" && assignGpus(worker)) {
        worker.record.placement = "active";
        refresh(worker);
        launch(worker);
      }
    }
    for (let i = workers.length - 1; stoppingCount > 0 && i >= 0; i--) {
      const worker = workers[i] as SimWorker;
      if (worker.record.draining && worker.job < 0) {
        stop(worker);
      }
    }
    const observed = observeEndpoint({
      endpoint,
      workers: records,
      runningJobs: (id) => ((byId.get(id)?.job ?? -1) >= 0 ? 1 : 0),
      inProgress,
      queue: {
        queuedNormal: normal.size,
        oldestQueuedAt: normal.size > 0 ? trace.arrivalMs[normal.first()] : undefined,
      },
      idleSince,
      launchedAt: (id) => launchedAt.get(id),
      backoff: backoffUntil > now ? { until: backoffUntil, reason: "simulated failed start" } : undefined,
      initTimeoutMs,
      now,
    });
    const decision = decide(endpoint, observed, now);
    for (const action of decision.actions) {
      execute(action);
    }
  };

  let nextArrival = 0;
  let nextTick = 0;
  const done = (): boolean => completed + timedOut === trace.length;
  for (;;) {
    const event = heap.peek();
    const arrivalAt = nextArrival < trace.length ? (trace.arrivalMs[nextArrival] as number) : Number.POSITIVE_INFINITY;
    // The next evaluation: a coalesced one owed to arrivals, else the tick.
    const evaluationAt = pendingEvaluationAt >= 0 ? Math.min(pendingEvaluationAt, nextTick) : nextTick;
    if (event !== undefined && event.at <= arrivalAt && event.at <= evaluationAt) {
      heap.pop();
      now = event.at;
      const worker = event.worker;
      if (!worker.alive) {
        continue;
      }
      if (event.kind === EventKind.Ready) {
        worker.record.readyAt = now;
        crashes = 0;
        refresh(worker);
        poll(worker);
      } else if (event.kind === EventKind.JobEnd) {
        const job = worker.job;
        const ranOut = (trace.executionMs[job] as number) > settings.executionTimeoutMs;
        advance(job, ranOut ? "timeout" : "complete");
        if (ranOut) {
          timedOut++;
        } else {
          completed++;
        }
        worker.job = -1;
        inProgress--;
        refresh(worker);
        if (dispatchMs > 0) {
          schedule(now + dispatchMs, EventKind.Poll, worker);
        } else {
          poll(worker);
        }
      } else {
        poll(worker);
      }
      continue;
    }
    if (arrivalAt <= evaluationAt && arrivalAt !== Number.POSITIVE_INFINITY) {
      now = arrivalAt;
      const job = nextArrival++;
      const waiter = nextWaiting();
      if (waiter !== undefined) {
        take(waiter, job);
      } else {
        (trace.lowPriority[job] === 1 ? low : normal).push(job);
      }
      // As live, every enqueue asks for an evaluation; within the coalescing window it waits for the window's end.
      if (lastEvaluationAt < 0 || now - lastEvaluationAt >= coalesceMs) {
        evaluate();
      } else if (pendingEvaluationAt < 0) {
        pendingEvaluationAt = lastEvaluationAt + coalesceMs;
      }
      continue;
    }
    if (pendingEvaluationAt >= 0 && pendingEvaluationAt < nextTick) {
      now = pendingEvaluationAt;
      evaluate();
      continue;
    }
    if (nextArrival >= trace.length && done() && nextTick > (options.untilMs ?? 0)) {
      now = Math.max(now, options.untilMs ?? 0);
      break;
    }
    if (!done() && nextTick > drainDeadline) {
      // Jobs nothing will serve (no worker may start): stop, and count them unserved.
      now = nextTick;
      break;
    }
    now = nextTick;
    nextTick += tickMs;
    evaluate();
  }

  // Close the books: every worker's current state runs to the end.
  for (const worker of workers) {
    seconds[usageStateOf(worker.status)] += (now - worker.since) / 1000;
    worker.since = now;
  }
  if (atMaxSince >= 0) {
    timeAtMax += now - atMaxSince;
  }
  // Typed-array sort puts NaN (never taken) last.
  delays.sort();
  let served = 0;
  while (served < delays.length && !Number.isNaN(delays[served] as number)) {
    served++;
  }
  const sorted = delays.subarray(0, served);
  let sum = 0;
  for (const delay of sorted) {
    sum += delay;
  }
  return {
    settings,
    jobs: { total: trace.length, completed, timedOut, unserved: trace.length - completed - timedOut },
    queueDelayMs: {
      p50: quantile(sorted, 0.5),
      p95: quantile(sorted, 0.95),
      p99: quantile(sorted, 0.99),
      max: sorted.length > 0 ? (sorted[sorted.length - 1] as number) : null,
      mean: sorted.length > 0 ? sum / sorted.length : null,
    },
    coldStarts,
    resumes,
    abandonedStarts,
    timeAtWorkersMaxMs: timeAtMax,
    peakWorkers,
    workerSeconds: seconds,
    cost: costOf(
      seconds,
      {
        computeType: settings.computeType,
        gpuTypeId: settings.gpuTypeIds[0] ?? null,
        gpuCount: settings.gpuCount,
        standbyBilled: options.standbyBilled,
      },
      options.prices ?? {},
    ),
    durationMs: now,
    evaluations,
  };
}
