import { createHash } from "node:crypto";
import type { components } from "@runfleet/sdk/generated";
import { ControlPlaneError, invalidField } from "../errors/control-plane-error.js";
import type { Logger } from "../logging/logger.js";
import type { QueueEntry } from "../queue/endpoint-queue.js";
import { QueueWindow } from "../queue/queue-window.js";
import type { EndpointRecord, JobKind, JobRecord, JobStatusValue } from "../store/records.js";
import { type JobCounts, type JobUpdate, type QueuedJobKey, type Store, StoreConflictError } from "../store/store.js";
import type { Clock } from "../util/clock.js";
import { newJobId } from "../util/ids.js";
import { JobCounters } from "./job-counters.js";
import { isTerminal, JOB_TRANSITIONS, type JobEvent } from "./job-transitions.js";

type Schemas = components["schemas"];

/** Tuning of the job lifecycle; every field comes from the control plane's configuration. */
export interface JobServiceOptions {
  /** Lease of a running job without a heartbeat, in ms. */
  jobLeaseMs: number;
  /** Re-queues after a lost worker before the job fails. */
  jobMaxRetries: number;
  /** Longest hold of a job-take long poll, in ms. */
  takeHoldMs: number;
  /** Retention of `/run` results, in ms. */
  resultRetentionMs: number;
  /** Retention of `/runsync` results, in ms. */
  syncResultRetentionMs: number;
  /** Interval of the sweeper (timeouts, leases, TTL, retention), in ms. */
  sweepIntervalMs: number;
  /**
   * Most queued jobs of one endpoint held in memory for dispatch; the rest of the queue stays in the
   * store and is read in dispatch order as the window drains, so memory does not grow with the backlog.
   */
  queueWindowJobs: number;
}

/** Hooks through which the job lifecycle reaches the rest of the control plane. */
export interface JobServiceHooks {
  /** A job that `workerId` runs must stop (cancelled, timed out, expired). */
  stopJob(workerId: string, jobId: string): void;
  /** A job reached a final status (webhooks). */
  jobEnded(job: JobRecord): void;
  /** Jobs were queued on an endpoint (the autoscaler reacts). */
  jobsQueued(endpointId: string): void;
  /** Why a queued job of this endpoint waits, in words. */
  waitReason(endpointId: string, job: { lowPriority: boolean; position: number | undefined }): string;
  /** Whether this worker may take jobs now (false while draining or removed). */
  mayTake(workerId: string): boolean;
}

/** A job as the job API shows it. */
export type JobStatusView = Schemas["JobStatus"];

/** What a worker reported at the end of a job. */
export interface JobOutcome {
  output?: unknown;
  error?: unknown;
}

interface RunningJob {
  id: string;
  endpointId: string;
  workerId: string;
  startedAt: number;
  leaseUntil: number;
  timeoutAt: number;
  /**
   * The job as it was taken, so that reports on it need no read from the store (a read would also force
   * the pending group commit). Undefined for jobs found running at start-up.
   */
  job: JobRecord | undefined;
}

interface TakeWaiter {
  workerId: string;
  max: number;
  signal: AbortSignal;
  /** Set once the dispatcher chose this waiter: its timeout no longer answers it. */
  claimed: boolean;
  resolve: (jobs: JobRecord[]) => void;
}

const DEFAULT_TTL_MS = 24 * 60 * 60_000;
/** Jobs the sweeper handles per store query. */
const SWEEP_BATCH = 500;
/** Queued jobs purge-queue cancels per store read. */
const PURGE_BATCH = 1000;

/**
 * The job lifecycle: accepting jobs durably, handing them to workers, leases and heartbeats, results,
 * streams, cancellation, retries, timeouts, TTL expiry and result retention.
 *
 * The store is the source of truth: a job is written before it is acknowledged, and every transition is
 * a compare-and-set on its status. The queue lives in the store; in memory live only what the work in
 * flight needs: the front of each endpoint's queue (a {@link QueueWindow} of at most `queueWindowJobs`,
 * refilled from the store in dispatch order), counters, the running jobs with their leases, and the
 * waiters of long polls. Queue lengths and ages come from the counters and the store, never the window.
 */
export class JobService {
  private readonly queues = new Map<string, QueueWindow>();
  private readonly running = new Map<string, RunningJob>();
  private readonly takeWaiters = new Map<string, TakeWaiter[]>();
  /** Held job-takes of workers that may not take jobs now (draining, standby), by worker. */
  private readonly parkedTakes = new Map<string, Set<() => void>>();
  private readonly endWaiters = new Map<string, Set<() => void>>();
  private readonly streamWaiters = new Map<string, Set<() => void>>();
  private readonly counters = new JobCounters();
  private readonly pumpScheduled = new Set<string>();
  /**
   * Jobs re-queued because their lease ran out, with the worker that held them: until someone else takes
   * the job, that worker's late result is still accepted rather than running the job again (a worker cut
   * off from the control plane for longer than the lease finishes its jobs and keeps trying to report).
   * In memory only: after a restart every running job gets a fresh lease instead.
   */
  private readonly lostBy = new Map<string, string>();
  private sweeper: NodeJS.Timeout | undefined;
  private sweeping = false;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly options: JobServiceOptions,
    private readonly hooks: JobServiceHooks,
    private readonly logger: Logger,
  ) {}

  /** Rebuilds the in-memory indexes from the store and starts the sweeper. */
  async start(endpointIds: readonly string[] = []): Promise<void> {
    const now = this.clock.now();
    const backlogged: string[] = [];
    for (const endpointId of endpointIds) {
      const counts = await this.store.countJobs(endpointId);
      const lanes = await this.store.countQueuedJobs(endpointId);
      this.counters.seed(endpointId, counts, lanes.lowPriority);
      // The queue stays in the store: only its front is read, in the background, as dispatch needs it.
      this.queues.set(endpointId, new QueueWindow(this.options.queueWindowJobs, counts.IN_QUEUE === 0));
      if (counts.IN_QUEUE > 0) {
        backlogged.push(endpointId);
      }
    }
    // Running jobs get a fresh lease: their workers may still be alive and will report or ping.
    for (const job of await this.store.listJobsByStatus("IN_PROGRESS")) {
      const startedAt = job.startedAt ?? now;
      this.running.set(job.id, {
        id: job.id,
        endpointId: job.endpointId,
        workerId: job.workerId ?? "",
        startedAt,
        leaseUntil: now + this.options.jobLeaseMs,
        timeoutAt: startedAt + job.executionTimeoutMs,
        job: undefined,
      });
    }
    for (const endpointId of backlogged) {
      this.refill(endpointId);
      this.hooks.jobsQueued(endpointId);
    }
    this.sweeper = setInterval(() => void this.sweep(), this.options.sweepIntervalMs);
    this.sweeper.unref();
  }

  /** Stops the sweeper and answers every held long poll. */
  stop(): void {
    clearInterval(this.sweeper);
    for (const waiters of this.takeWaiters.values()) {
      for (const waiter of waiters) {
        waiter.resolve([]);
      }
    }
    this.takeWaiters.clear();
    for (const parked of [...this.parkedTakes.values()]) {
      for (const done of [...parked]) {
        done();
      }
    }
    for (const set of [...this.endWaiters.values(), ...this.streamWaiters.values()]) {
      for (const wake of set) {
        wake();
      }
    }
  }

  /**
   * Accepts a job: validated, written durably, queued, and dispatched at once to a waiting worker if
   * there is one. With an idempotency key, a resubmission of the same body returns the first job.
   */
  async submit(
    endpoint: EndpointRecord,
    request: Schemas["JobRequest"],
    options: { kind: JobKind; idempotencyKey?: string },
  ): Promise<JobRecord> {
    if (request.webhookV2 !== undefined) {
      // Accepting it and never delivering it would fail silently; RunPod has not published its format.
      throw invalidField(
        "webhookV2",
        "is not supported: RunPod has not published what it sends to a webhookV2 URL; use `webhook`, which receives the job's final /status document",
      );
    }
    const now = this.clock.now();
    let requestHash: string | null = null;
    if (options.idempotencyKey !== undefined) {
      requestHash = createHash("sha256").update(JSON.stringify(request)).digest("hex");
      const existing = await this.store.findJobByIdempotencyKey(endpoint.id, options.idempotencyKey);
      if (existing) {
        return this.sameRequest(existing, requestHash);
      }
    }
    const policy = request.policy ?? {};
    const job: JobRecord = {
      id: newJobId(options.kind),
      endpointId: endpoint.id,
      status: "IN_QUEUE",
      kind: options.kind,
      queueOrder: 0,
      lowPriority: policy.lowPriority ?? false,
      input: request.input,
      webhook: request.webhook ?? null,
      s3Config: request.s3Config ?? null,
      executionTimeoutMs: policy.executionTimeout ?? endpoint.executionTimeoutMs,
      expiresAt: now + (policy.ttl ?? DEFAULT_TTL_MS),
      createdAt: now,
      startedAt: null,
      completedAt: null,
      workerId: null,
      retries: 0,
      output: undefined,
      error: undefined,
      retainUntil: null,
      idempotencyKey: options.idempotencyKey ?? null,
      requestHash,
    };
    let stored: JobRecord;
    try {
      stored = await this.store.insertJob(job);
    } catch (error) {
      // Two submissions with one key raced; the loser answers with the winner's job.
      if (error instanceof StoreConflictError && options.idempotencyKey !== undefined && requestHash !== null) {
        const winner = await this.store.findJobByIdempotencyKey(endpoint.id, options.idempotencyKey);
        if (winner) {
          return this.sameRequest(winner, requestHash);
        }
      }
      throw error;
    }
    this.counters.add(stored.endpointId, "IN_QUEUE", stored.lowPriority);
    this.enqueue(stored);
    return stored;
  }

  /** A job of the endpoint, or 404 (unknown, expired, or of another endpoint). */
  async get(endpointId: string, jobId: string): Promise<JobRecord> {
    const job = await this.store.getJob(jobId);
    if (!job || job.endpointId !== endpointId) {
      throw new ControlPlaneError("job_not_found", `no job ${jobId} on endpoint ${endpointId} (unknown or expired)`);
    }
    return job;
  }

  /**
   * The job in RunPod's status shape, with why it waits and its place in the queue when it is queued.
   * The place of a job beyond the in-memory window is counted in the store.
   */
  async present(job: JobRecord): Promise<JobStatusView> {
    if (job.status !== "IN_QUEUE" || this.queues.get(job.endpointId)?.has(job.id)) {
      return this.view(job);
    }
    const key: QueuedJobKey = { lowPriority: job.lowPriority, queueOrder: job.queueOrder };
    return this.view(job, (await this.store.countQueuedJobsBefore(job.endpointId, key)) + 1);
  }

  /**
   * The job in RunPod's status shape, with why it waits when it is queued; the queue position is given
   * only for jobs in the in-memory window, or when the caller counted it (see {@link present}).
   */
  view(job: JobRecord, queuePosition?: number): JobStatusView {
    const now = this.clock.now();
    const view: JobStatusView = { id: job.id, status: job.status, retries: job.retries };
    if (job.startedAt !== null) {
      view.delayTime = job.startedAt - job.createdAt;
      view.executionTime = (job.completedAt ?? now) - job.startedAt;
    }
    if (job.output !== undefined) {
      view.output = job.output;
    }
    if (job.error !== undefined) {
      view.error = job.error;
    }
    if (job.workerId !== null) {
      view.workerId = job.workerId;
    }
    if (job.status === "IN_QUEUE") {
      const position = this.queues.get(job.endpointId)?.position(job.id) ?? queuePosition;
      view.reason = this.hooks.waitReason(job.endpointId, { lowPriority: job.lowPriority, position });
    }
    return view;
  }

  /** Waits up to `waitMs` for the job to end, then returns it as it is. */
  async waitForEnd(endpointId: string, jobId: string, waitMs: number, signal: AbortSignal): Promise<JobRecord> {
    if (waitMs <= 0) {
      return this.get(endpointId, jobId);
    }
    return this.listening(jobId, signal, async (listen) => {
      const ended = listen(this.endWaiters, waitMs);
      const job = await this.get(endpointId, jobId);
      if (isTerminal(job.status)) {
        return job;
      }
      await ended;
      return this.get(endpointId, jobId);
    });
  }

  /** Cancels a queued or running job; a job that already ended is returned unchanged. */
  async cancel(endpointId: string, jobId: string): Promise<JobRecord> {
    const job = await this.get(endpointId, jobId);
    if (isTerminal(job.status)) {
      return job;
    }
    const now = this.clock.now();
    const ended = await this.end(job, "cancel", { completedAt: now, error: "cancelled by request" });
    if (!ended) {
      return this.get(endpointId, jobId);
    }
    return ended;
  }

  /** Re-queues a FAILED or TIMED_OUT job with the same id and input; anything else is a 409. */
  async retry(endpointId: string, jobId: string): Promise<JobRecord> {
    const job = await this.get(endpointId, jobId);
    const { from, to } = JOB_TRANSITIONS.retry;
    if (!from.includes(job.status)) {
      throw new ControlPlaneError(
        "job_not_retryable",
        `job ${jobId} is ${job.status}; only FAILED and TIMED_OUT jobs can be retried`,
      );
    }
    const queueOrder = (await this.store.maxQueueOrder()) + 1;
    // A retry is a new run of the same job: its ttl counts again from now (else an expired job would
    // expire again at once).
    const update: JobUpdate = {
      status: to,
      queueOrder,
      expiresAt: this.clock.now() + (job.expiresAt - job.createdAt),
      retries: job.retries + 1,
      output: undefined,
      error: undefined,
      startedAt: null,
      completedAt: null,
      workerId: null,
      retainUntil: null,
    };
    if (!(await this.store.updateJob(jobId, from, update))) {
      throw new ControlPlaneError("job_not_retryable", `job ${jobId} changed state meanwhile; try again`);
    }
    const requeued = { ...job, ...update } as JobRecord;
    this.counters.move(job.endpointId, job.status, "IN_QUEUE", job.lowPriority);
    if (job.retries === 0) {
      this.counters.retriedOnce(job.endpointId);
    }
    this.enqueue(requeued);
    return requeued;
  }

  /**
   * Cancels every queued job of an endpoint, the whole queue in the store and not only the window held
   * in memory; running jobs go on. Returns how many were removed. Reads the queue in pages, so memory
   * stays bounded however deep it is. A job leaves the window only once its cancellation is committed:
   * when the store fails part-way (a full disk), the jobs it did not cancel stay queued and are still
   * handed out.
   */
  async purge(endpointId: string): Promise<number> {
    const now = this.clock.now();
    const update = {
      status: "CANCELLED" as const,
      completedAt: now,
      error: "removed by purge-queue",
      retainUntil: now + this.options.resultRetentionMs,
    };
    let removed = 0;
    let after: QueuedJobKey | undefined;
    for (;;) {
      const page = await this.store.listQueuedJobs(endpointId, {
        ...(after !== undefined ? { after } : {}),
        limit: PURGE_BATCH,
      });
      // Issued together, so that they share group commits.
      const outcomes = await Promise.allSettled(page.map((job) => this.store.updateJob(job.id, ["IN_QUEUE"], update)));
      let failure: unknown;
      outcomes.forEach((outcome, i) => {
        const job = page[i] as (typeof page)[number];
        if (outcome.status === "rejected") {
          failure ??= outcome.reason;
        } else if (outcome.value) {
          this.queues.get(endpointId)?.remove(job.id);
          removed++;
          this.counters.move(endpointId, "IN_QUEUE", "CANCELLED", job.lowPriority);
          this.wake(this.endWaiters, job.id);
        }
      });
      if (failure !== undefined) {
        this.refill(endpointId);
        throw failure;
      }
      const last = page.at(-1);
      if (!last || page.length < PURGE_BATCH) {
        break;
      }
      after = { lowPriority: last.lowPriority, queueOrder: last.queueOrder };
    }
    this.refill(endpointId);
    return removed;
  }

  /** Counts for `/health`: retained jobs by status, from memory. */
  counts(endpointId: string): JobCounts {
    return this.counters.get(endpointId);
  }

  /**
   * Jobs waiting on an endpoint (normal lane and all), from the counters, and the submission time of the
   * first job of the normal lane: the head of the queue is always in the window, unless the window is
   * being refilled after a drain (then undefined for that moment).
   */
  queueState(endpointId: string): { queued: number; queuedNormal: number; oldestQueuedAt: number | undefined } {
    const queued = this.counters.get(endpointId).IN_QUEUE;
    const queuedNormal = Math.max(0, queued - this.counters.queuedLowPriority(endpointId));
    return {
      queued,
      queuedNormal,
      oldestQueuedAt: queuedNormal > 0 ? this.queues.get(endpointId)?.oldestNormalCreatedAt() : undefined,
    };
  }

  /** Queued jobs of the endpoint held in memory (its window): bounded by `queueWindowJobs`, whatever the backlog. */
  heldQueuedJobs(endpointId: string): number {
    return this.queues.get(endpointId)?.size ?? 0;
  }

  /** Running jobs per worker of an endpoint. */
  runningByWorker(endpointId?: string): Map<string, string[]> {
    const byWorker = new Map<string, string[]>();
    for (const job of this.running.values()) {
      if (endpointId !== undefined && job.endpointId !== endpointId) {
        continue;
      }
      const list = byWorker.get(job.workerId) ?? [];
      list.push(job.id);
      byWorker.set(job.workerId, list);
    }
    return byWorker;
  }

  /**
   * A worker asks for up to `max` jobs. Answered at once when jobs wait; otherwise held until one
   * arrives, `takeHoldMs` passes, or the worker hangs up.
   */
  async take(endpointId: string, workerId: string, max: number, signal: AbortSignal): Promise<JobRecord[]> {
    if (!this.hooks.mayTake(workerId)) {
      // Draining or paused: hold the poll anyway, so that a worker does not spin on instant answers; but
      // answer it as soon as the worker is stopped ({@link dropWaiters}), or its exit would wait for it.
      await new Promise<void>((resolve) => {
        const parked = this.parkedTakes.get(workerId) ?? new Set<() => void>();
        this.parkedTakes.set(workerId, parked);
        const done = () => {
          clearTimeout(timer);
          signal.removeEventListener("abort", done);
          parked.delete(done);
          if (parked.size === 0 && this.parkedTakes.get(workerId) === parked) {
            this.parkedTakes.delete(workerId);
          }
          resolve();
        };
        const timer = setTimeout(done, this.options.takeHoldMs);
        signal.addEventListener("abort", done, { once: true });
        parked.add(done);
      });
      return [];
    }
    const queue = this.queue(endpointId);
    // An empty window over a backlog (a refill failed, or jobs left during one) reads the store again now.
    this.refill(endpointId);
    if (queue.size > 0) {
      const entries = queue.shift(max);
      this.refill(endpointId);
      const taken = await this.assign(endpointId, workerId, entries);
      if (signal.aborted) {
        await this.unassign(taken);
        return [];
      }
      if (taken.length > 0) {
        return taken;
      }
    }
    return new Promise<JobRecord[]>((resolve) => {
      const waiters = this.takeWaiters.get(endpointId) ?? [];
      this.takeWaiters.set(endpointId, waiters);
      const finish = (jobs: JobRecord[]) => {
        clearTimeout(timer);
        signal.removeEventListener("abort", onAbort);
        resolve(jobs);
      };
      const waiter: TakeWaiter = { workerId, max, signal, claimed: false, resolve: finish };
      const leave = () => {
        if (waiter.claimed) {
          return;
        }
        const index = waiters.indexOf(waiter);
        if (index >= 0) {
          waiters.splice(index, 1);
        }
        finish([]);
      };
      const onAbort = () => leave();
      const timer = setTimeout(leave, this.options.takeHoldMs);
      signal.addEventListener("abort", onAbort, { once: true });
      waiters.push(waiter);
    });
  }

  /**
   * A progress update: the value becomes the job's `output` while it runs, and the lease is extended.
   * An update that arrives after the job ended on this same worker is accepted and ignored, as RunPod
   * does: the runpod SDK sends progress from a thread, so an update sent just before the handler returned
   * can land after job-done. Returns whether it was applied.
   */
  async progress(endpointId: string, workerId: string, jobId: string, output: unknown): Promise<boolean> {
    if (!this.running.has(jobId)) {
      const job = await this.store.getJob(jobId);
      if (job && job.endpointId === endpointId && job.workerId === workerId && isTerminal(job.status)) {
        this.logger.debug({ jobId, workerId, status: job.status }, "late progress update ignored");
        return false;
      }
    }
    const running = this.requireHeld(endpointId, workerId, jobId);
    running.leaseUntil = this.clock.now() + this.options.jobLeaseMs;
    await this.store.updateJob(jobId, ["IN_PROGRESS"], { output });
    this.wake(this.streamWaiters, jobId);
    return true;
  }

  /** A streamed chunk: stored for `/stream`, and the lease is extended. */
  async appendChunk(endpointId: string, workerId: string, jobId: string, output: unknown): Promise<void> {
    const running = this.requireHeld(endpointId, workerId, jobId);
    running.leaseUntil = this.clock.now() + this.options.jobLeaseMs;
    await this.store.appendStreamChunk(jobId, output);
    this.wake(this.streamWaiters, jobId);
  }

  /**
   * The worker's final report: COMPLETED with its output, or FAILED with its error. A late report of a job
   * re-queued after its lease ran out is accepted while nobody else has taken it.
   */
  async finish(endpointId: string, workerId: string, jobId: string, outcome: JobOutcome): Promise<void> {
    const running =
      (await this.reclaimLost(endpointId, workerId, jobId)) ?? this.requireHeld(endpointId, workerId, jobId);
    const now = this.clock.now();
    const failed = outcome.error !== undefined && outcome.error !== null && outcome.error !== "";
    const update: JobUpdate = failed
      ? { completedAt: now, error: outcome.error, output: outcome.output }
      : { completedAt: now, output: outcome.output, error: undefined };
    const job = running.job ?? (await this.store.getJob(jobId));
    if (!job) {
      throw new ControlPlaneError("job_not_found", `job ${jobId} no longer exists (expired)`);
    }
    await this.end(job, failed ? "fail" : "complete", update);
  }

  /** Heartbeat of a worker: extends the leases of the jobs it says it runs. */
  heartbeat(workerId: string, jobIds: readonly string[]): void {
    const leaseUntil = this.clock.now() + this.options.jobLeaseMs;
    for (const id of jobIds) {
      const running = this.running.get(id);
      if (running && running.workerId === workerId) {
        running.leaseUntil = leaseUntil;
      }
    }
  }

  /**
   * Returns the chunks not yet delivered; when there are none and the job runs, holds up to `waitMs`
   * for the next chunk or the end.
   */
  async takeStream(
    endpointId: string,
    jobId: string,
    waitMs: number,
    signal: AbortSignal,
  ): Promise<{ job: JobRecord; chunks: unknown[] }> {
    return this.listening(jobId, signal, async (listen) => {
      const woken = waitMs > 0 ? listen(this.streamWaiters, waitMs, this.endWaiters) : undefined;
      let job = await this.get(endpointId, jobId);
      let chunks = await this.store.takeStreamChunks(jobId);
      if (chunks.length === 0 && !isTerminal(job.status) && woken) {
        await woken;
        job = await this.get(endpointId, jobId);
        chunks = await this.store.takeStreamChunks(jobId);
      }
      return { job, chunks: chunks.map((chunk) => chunk.output) };
    });
  }

  /** Puts every job a worker runs back in the queue (the worker is gone). */
  async releaseWorker(workerId: string, reason: string): Promise<void> {
    for (const running of [...this.running.values()]) {
      if (running.workerId === workerId) {
        await this.lose(running, reason);
      }
    }
  }

  /**
   * Holds a worker's waiting job-takes without answering them and out of dispatch's reach: the worker is
   * about to be stopped, and {@link dropWaiters} answers them once it has been signalled.
   */
  parkWaiters(workerId: string): void {
    for (const waiters of this.takeWaiters.values()) {
      for (const waiter of waiters.filter((w) => w.workerId === workerId)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        const parked = this.parkedTakes.get(workerId) ?? new Set<() => void>();
        this.parkedTakes.set(workerId, parked);
        const done = () => {
          parked.delete(done);
          waiter.resolve([]);
        };
        parked.add(done);
      }
    }
  }

  /**
   * Answers a worker's held job-takes with nothing (it is being paused or stopped). A stopped worker's
   * SDK (runpod's included) checks for its shutdown only between polls, so the control plane answers them
   * right after signalling it, rather than letting its exit wait for the hold to run out.
   */
  dropWaiters(workerId: string): void {
    for (const done of [...(this.parkedTakes.get(workerId) ?? [])]) {
      done();
    }
    this.parkedTakes.delete(workerId);
    for (const waiters of this.takeWaiters.values()) {
      for (const waiter of waiters.filter((w) => w.workerId === workerId)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve([]);
      }
    }
  }

  /** Drops the in-memory state of a deleted endpoint (the store already deleted its jobs). */
  forgetEndpoint(endpointId: string): void {
    this.queues.delete(endpointId);
    this.counters.forget(endpointId);
    for (const running of [...this.running.values()]) {
      if (running.endpointId === endpointId) {
        this.running.delete(running.id);
        this.wake(this.endWaiters, running.id);
      }
    }
    for (const waiter of this.takeWaiters.get(endpointId) ?? []) {
      waiter.resolve([]);
    }
    this.takeWaiters.delete(endpointId);
  }

  /**
   * One pass of the sweeper: lost workers, execution timeouts, TTL expiry (the job ends TIMED_OUT and stays
   * readable for its retention, as a result would) and the end of retention (the job is deleted).
   */
  async sweep(): Promise<void> {
    if (this.sweeping) {
      return;
    }
    this.sweeping = true;
    try {
      // A refill that failed (the store was unreachable) is tried again here.
      for (const endpointId of this.queues.keys()) {
        this.refill(endpointId);
      }
      const now = this.clock.now();
      for (const running of [...this.running.values()]) {
        if (now >= running.timeoutAt) {
          const job = await this.store.getJob(running.id);
          if (job) {
            const limit = running.timeoutAt - running.startedAt;
            await this.end(job, "timeout", { completedAt: now, error: `execution timeout of ${limit} ms exceeded` });
          } else {
            this.running.delete(running.id);
          }
        } else if (now >= running.leaseUntil) {
          await this.lose(
            running,
            `worker ${running.workerId} stopped answering (no heartbeat for ${this.options.jobLeaseMs} ms)`,
          );
        }
      }
      for (;;) {
        const expired = await this.store.listJobsPastTtl(now, SWEEP_BATCH);
        for (const job of expired) {
          await this.expire(job, now);
        }
        if (expired.length < SWEEP_BATCH) {
          break;
        }
      }
      for (;;) {
        const over = await this.store.listJobsPastRetention(now, SWEEP_BATCH);
        if (over.length === 0) {
          break;
        }
        await this.store.deleteJobs(over.map((job) => job.id));
        for (const job of over) {
          this.lostBy.delete(job.id);
          this.counters.remove(job.endpointId, job.status, job.retries > 0);
          this.wake(this.endWaiters, job.id);
          this.wake(this.streamWaiters, job.id);
        }
        if (over.length < SWEEP_BATCH) {
          break;
        }
      }
    } catch (error) {
      this.logger.error({ err: error }, "job sweep failed");
    } finally {
      this.sweeping = false;
    }
  }

  private sameRequest(existing: JobRecord, requestHash: string): JobRecord {
    if (existing.requestHash !== requestHash) {
      throw new ControlPlaneError(
        "idempotency_conflict",
        `Idempotency-Key was already used for job ${existing.id} with a different body`,
      );
    }
    return existing;
  }

  /** The endpoint's window; one made now holds the whole queue (an endpoint created after start-up). */
  private queue(endpointId: string): QueueWindow {
    let queue = this.queues.get(endpointId);
    if (!queue) {
      queue = new QueueWindow(this.options.queueWindowJobs, true);
      this.queues.set(endpointId, queue);
    }
    return queue;
  }

  /**
   * Reads the next jobs of the endpoint's queue from the store into its window when it runs low (in the
   * background: dispatch goes on with what the window holds), then serves held job-takes with them.
   */
  private refill(endpointId: string): void {
    const window = this.queues.get(endpointId);
    const due = window?.beginRefill();
    if (!window || !due) {
      return;
    }
    const { after, limit } = due;
    this.store.listQueuedJobs(endpointId, { ...(after !== undefined ? { after } : {}), limit }).then(
      (rows) => {
        if (this.queues.get(endpointId) !== window) {
          return; // The endpoint was deleted meanwhile.
        }
        window.endRefill(rows, limit);
        this.schedulePump(endpointId);
        // Jobs that left during the read may leave it below half again.
        this.refill(endpointId);
      },
      (error: unknown) => {
        window.failRefill();
        // The sweeper tries again.
        this.logger.error({ err: error, endpointId }, "reading the queue from the store failed");
      },
    );
  }

  /** Indexes a queued job, hands it to a waiting worker if any, and tells the autoscaler. */
  private enqueue(job: JobRecord): void {
    this.queue(job.endpointId).admit({
      id: job.id,
      queueOrder: job.queueOrder,
      createdAt: job.createdAt,
      lowPriority: job.lowPriority,
    });
    this.schedulePump(job.endpointId);
    if (!job.lowPriority) {
      this.hooks.jobsQueued(job.endpointId);
    }
  }

  /** Serves held job-takes while jobs wait. */
  private async pump(endpointId: string): Promise<void> {
    const waiters = this.takeWaiters.get(endpointId);
    const queue = this.queues.get(endpointId);
    while (waiters && waiters.length > 0 && queue && queue.size > 0) {
      const waiter = waiters.shift() as TakeWaiter;
      if (waiter.signal.aborted) {
        continue;
      }
      waiter.claimed = true;
      try {
        const entries = queue.shift(waiter.max);
        this.refill(endpointId);
        const taken = await this.assign(endpointId, waiter.workerId, entries);
        if (waiter.signal.aborted) {
          // The worker hung up while its jobs were being assigned: they go back, not counted as a retry.
          await this.unassign(taken);
          waiter.resolve([]);
        } else {
          waiter.resolve(taken);
        }
      } catch (error) {
        this.logger.error({ err: error, endpointId }, "dispatch failed");
        waiter.resolve([]);
      }
    }
  }

  /** Dispatches once the current batch of accepted jobs is queued, so they reach a waiting worker together. */
  private schedulePump(endpointId: string): void {
    if (this.pumpScheduled.has(endpointId)) {
      return;
    }
    this.pumpScheduled.add(endpointId);
    // A microtask runs after the other continuations of the same group commit, so the jobs it accepted
    // go out together, without waiting for another turn of the event loop.
    queueMicrotask(() => {
      this.pumpScheduled.delete(endpointId);
      void this.pump(endpointId);
    });
  }

  /** Returns jobs that were assigned but never handed over to the queue, in their old places. */
  private async unassign(jobs: readonly JobRecord[]): Promise<void> {
    for (const job of jobs) {
      // Until the store says it is queued again, it stays a running job whose lease will expire.
      const requeued = await this.store.updateJob(job.id, ["IN_PROGRESS"], {
        status: "IN_QUEUE",
        startedAt: null,
        workerId: null,
      });
      this.running.delete(job.id);
      if (requeued) {
        this.counters.move(job.endpointId, "IN_PROGRESS", "IN_QUEUE", job.lowPriority);
        this.enqueue({ ...job, status: "IN_QUEUE", startedAt: null, workerId: null });
      }
    }
  }

  /**
   * Marks jobs taken by a worker (one transaction) and starts their leases. The entries were already
   * shifted off the queue; if the store cannot record the take, they go back in their places.
   */
  private async assign(endpointId: string, workerId: string, entries: QueueEntry[]): Promise<JobRecord[]> {
    if (entries.length === 0) {
      return [];
    }
    const now = this.clock.now();
    let taken: JobRecord[];
    try {
      taken = await this.store.takeJobs(
        entries.map((entry) => entry.id),
        workerId,
        now,
      );
    } catch (error) {
      const queue = this.queue(endpointId);
      for (const entry of entries) {
        queue.admit(entry);
      }
      throw error;
    }
    for (const job of taken) {
      this.counters.move(endpointId, "IN_QUEUE", "IN_PROGRESS", job.lowPriority);
      this.lostBy.delete(job.id);
      this.running.set(job.id, {
        id: job.id,
        endpointId,
        workerId,
        startedAt: now,
        leaseUntil: now + this.options.jobLeaseMs,
        timeoutAt: now + job.executionTimeoutMs,
        job,
      });
    }
    return taken;
  }

  /**
   * Gives a re-queued job back to the worker that lost it, when that worker reports its result before
   * anyone else took the job: a compare-and-set on IN_QUEUE in the store decides, and memory follows only
   * once it is committed. Undefined when the job is not such a job, or was taken meanwhile.
   */
  private async reclaimLost(endpointId: string, workerId: string, jobId: string): Promise<RunningJob | undefined> {
    if (this.running.has(jobId) || this.lostBy.get(jobId) !== workerId) {
      return undefined;
    }
    const now = this.clock.now();
    const [job] = await this.store.takeJobs([jobId], workerId, now);
    if (!job) {
      return undefined;
    }
    if (job.endpointId !== endpointId) {
      // Not this endpoint's job after all (a worker token is valid for one endpoint): put it back.
      await this.unassign([job]);
      return undefined;
    }
    this.lostBy.delete(jobId);
    this.queues.get(endpointId)?.remove(jobId);
    this.refill(endpointId);
    this.counters.move(endpointId, "IN_QUEUE", "IN_PROGRESS", job.lowPriority);
    const running: RunningJob = {
      id: jobId,
      endpointId,
      workerId,
      startedAt: now,
      leaseUntil: now + this.options.jobLeaseMs,
      timeoutAt: now + job.executionTimeoutMs,
      job,
    };
    this.running.set(jobId, running);
    this.logger.info({ jobId, workerId }, "accepted the late result of a re-queued job from the worker that ran it");
    return running;
  }

  /** The running job, if `workerId` holds it; 409 otherwise (a late report after a re-queue or cancel). */
  private requireHeld(endpointId: string, workerId: string, jobId: string): RunningJob {
    const running = this.running.get(jobId);
    if (!running || running.endpointId !== endpointId) {
      throw new ControlPlaneError(
        "job_not_owned",
        `job ${jobId} is not running (it ended, was cancelled or re-queued)`,
      );
    }
    if (running.workerId !== workerId) {
      throw new ControlPlaneError(
        "job_not_owned",
        `job ${jobId} is held by worker ${running.workerId}, not ${workerId}`,
      );
    }
    return running;
  }

  /**
   * Moves a job to a final status (compare-and-set on its current one), then tells whoever waits:
   * long polls, the worker if it must stop, and the webhook outbox.
   */
  private async end(job: JobRecord, event: JobEvent, update: JobUpdate): Promise<JobRecord | undefined> {
    const { from, to } = JOB_TRANSITIONS[event];
    const now = this.clock.now();
    const retention = job.kind === "sync" ? this.options.syncResultRetentionMs : this.options.resultRetentionMs;
    const full: JobUpdate = { ...update, status: to, retainUntil: now + retention };
    if (!(await this.store.updateJob(job.id, from, full))) {
      return undefined;
    }
    const ended = { ...job, ...full } as JobRecord;
    this.lostBy.delete(job.id);
    this.counters.move(job.endpointId, job.status, to, job.lowPriority);
    if (job.status === "IN_QUEUE") {
      this.queues.get(job.endpointId)?.remove(job.id);
      this.refill(job.endpointId);
    }
    const running = this.running.get(job.id);
    if (running) {
      this.running.delete(job.id);
      if (event === "cancel" || event === "timeout" || event === "expire") {
        this.hooks.stopJob(running.workerId, job.id);
      }
    }
    this.wake(this.endWaiters, job.id);
    this.wake(this.streamWaiters, job.id);
    this.hooks.jobEnded(ended);
    return ended;
  }

  /** A running job lost its worker: back to the queue in its old place, or FAILED after too many tries. */
  private async lose(running: RunningJob, reason: string): Promise<void> {
    // Taken out first so that a concurrent release does not lose it twice; put back if the store fails,
    // so that the sweeper tries again rather than leaving the job IN_PROGRESS with no lease.
    this.running.delete(running.id);
    try {
      await this.loseNow(running, reason);
    } catch (error) {
      if (!this.running.has(running.id)) {
        this.running.set(running.id, running);
      }
      throw error;
    }
  }

  private async loseNow(running: RunningJob, reason: string): Promise<void> {
    const job = await this.store.getJob(running.id);
    if (job?.status !== "IN_PROGRESS") {
      return;
    }
    if (job.retries >= this.options.jobMaxRetries) {
      this.running.set(running.id, running);
      await this.end(job, "fail", {
        completedAt: this.clock.now(),
        error: `${reason}; gave up after ${job.retries + 1} attempts`,
      });
      return;
    }
    const { from, to } = JOB_TRANSITIONS.lose;
    const update: JobUpdate = {
      status: to,
      retries: job.retries + 1,
      startedAt: null,
      workerId: null,
      output: undefined,
    };
    if (await this.store.updateJob(job.id, from, update)) {
      this.counters.move(job.endpointId, "IN_PROGRESS", "IN_QUEUE", job.lowPriority);
      if (job.retries === 0) {
        this.counters.retriedOnce(job.endpointId);
      }
      this.logger.warn({ jobId: job.id, workerId: running.workerId, retries: job.retries + 1 }, reason);
      this.lostBy.set(job.id, running.workerId);
      this.enqueue({ ...job, ...update } as JobRecord);
    }
  }

  /**
   * A job whose `policy.ttl` ran out: it ends TIMED_OUT with the reason as its error (a running one is
   * told to stop), and answers `/status` like any ended job until its retention is over.
   */
  private async expire(job: JobRecord, now: number): Promise<void> {
    const ttlMs = job.expiresAt - job.createdAt;
    const where =
      job.status === "IN_QUEUE"
        ? "while it was queued (no worker took it in time)"
        : `while it ran on worker ${job.workerId ?? "unknown"}`;
    await this.end(job, "expire", { completedAt: now, error: `ttl of ${ttlMs} ms expired ${where}` });
  }

  /**
   * Runs `work` with `listen`, which starts waiting for a wake-up of job `jobId` at once. Waiting starts
   * before `work` reads the job: with a store whose reads take a round trip (PostgreSQL), the job could
   * otherwise end between the read and the wait, and its wake-up be lost (the caller would hold until its
   * timeout). The wait ends with `work` or with `signal`.
   */
  private async listening<T>(
    jobId: string,
    signal: AbortSignal,
    work: (
      listen: (
        waiters: Map<string, Set<() => void>>,
        waitMs: number,
        alsoOn?: Map<string, Set<() => void>>,
      ) => Promise<void>,
    ) => Promise<T>,
  ): Promise<T> {
    const done = new AbortController();
    const abort = () => done.abort();
    signal.addEventListener("abort", abort, { once: true });
    try {
      return await work((waiters, waitMs, alsoOn) => this.waitOn(waiters, jobId, waitMs, done.signal, alsoOn));
    } finally {
      done.abort();
      signal.removeEventListener("abort", abort);
    }
  }

  private waitOn(
    waiters: Map<string, Set<() => void>>,
    jobId: string,
    waitMs: number,
    signal: AbortSignal,
    alsoOn?: Map<string, Set<() => void>>,
  ): Promise<void> {
    return new Promise<void>((resolve) => {
      const sets = [waiters, alsoOn]
        .filter((m): m is Map<string, Set<() => void>> => m !== undefined)
        .map((map) => {
          let set = map.get(jobId);
          if (!set) {
            set = new Set();
            map.set(jobId, set);
          }
          return { map, set };
        });
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        for (const { map, set } of sets) {
          set.delete(done);
          if (set.size === 0) {
            map.delete(jobId);
          }
        }
        resolve();
      };
      const timer = setTimeout(done, waitMs);
      signal.addEventListener("abort", done, { once: true });
      for (const { set } of sets) {
        set.add(done);
      }
    });
  }

  private wake(waiters: Map<string, Set<() => void>>, jobId: string): void {
    const set = waiters.get(jobId);
    if (set) {
      for (const wake of [...set]) {
        wake();
      }
    }
  }
}

/** Statuses counted as failed in `/health`. */
export const FAILED_STATUSES: readonly JobStatusValue[] = ["FAILED", "TIMED_OUT"];
