import { createHash } from "node:crypto";
import type { components } from "@runfleet/sdk/generated";
import { ControlPlaneError } from "../errors/control-plane-error.js";
import type { Logger } from "../logging/logger.js";
import { EndpointQueue } from "../queue/endpoint-queue.js";
import type { EndpointRecord, JobKind, JobRecord, JobStatusValue } from "../store/records.js";
import { type JobCounts, type JobUpdate, type Store, StoreConflictError } from "../store/store.js";
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

/**
 * The job lifecycle: accepting jobs durably, handing them to workers, leases and heartbeats, results,
 * streams, cancellation, retries, timeouts, TTL expiry and result retention.
 *
 * The store is the source of truth: a job is written before it is acknowledged, and every transition is
 * a compare-and-set on its status. In memory live only indexes rebuilt from the store at start-up: the
 * per-endpoint queues, the running jobs with their leases, and the waiters of long polls.
 */
export class JobService {
  private readonly queues = new Map<string, EndpointQueue>();
  private readonly running = new Map<string, RunningJob>();
  private readonly takeWaiters = new Map<string, TakeWaiter[]>();
  private readonly endWaiters = new Map<string, Set<() => void>>();
  private readonly streamWaiters = new Map<string, Set<() => void>>();
  private readonly counters = new JobCounters();
  private readonly pumpScheduled = new Set<string>();
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
    for (const endpointId of endpointIds) {
      this.counters.seed(endpointId, await this.store.countJobs(endpointId));
    }
    for (const job of await this.store.listJobsByStatus("IN_QUEUE")) {
      this.queue(job.endpointId).push({
        id: job.id,
        queueOrder: job.queueOrder,
        createdAt: job.createdAt,
        lowPriority: job.lowPriority,
      });
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
    for (const endpointId of this.queues.keys()) {
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
    this.counters.add(stored.endpointId, "IN_QUEUE");
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

  /** The job in RunPod's status shape, with why it waits when it is queued. */
  view(job: JobRecord): JobStatusView {
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
      const position = this.queues.get(job.endpointId)?.position(job.id);
      view.reason = this.hooks.waitReason(job.endpointId, { lowPriority: job.lowPriority, position });
    }
    return view;
  }

  /** Waits up to `waitMs` for the job to end, then returns it as it is. */
  async waitForEnd(endpointId: string, jobId: string, waitMs: number, signal: AbortSignal): Promise<JobRecord> {
    const job = await this.get(endpointId, jobId);
    if (isTerminal(job.status) || waitMs <= 0) {
      return job;
    }
    await this.waitOn(this.endWaiters, jobId, waitMs, signal);
    return this.get(endpointId, jobId);
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
    const update: JobUpdate = {
      status: to,
      queueOrder,
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
    this.counters.move(job.endpointId, job.status, "IN_QUEUE");
    if (job.retries === 0) {
      this.counters.retriedOnce(job.endpointId);
    }
    this.enqueue(requeued);
    return requeued;
  }

  /** Cancels every queued job of an endpoint; running jobs go on. Returns how many were removed. */
  async purge(endpointId: string): Promise<number> {
    const queue = this.queues.get(endpointId);
    if (!queue) {
      return 0;
    }
    const now = this.clock.now();
    let removed = 0;
    for (const id of queue.ids()) {
      queue.remove(id);
      const update = {
        status: "CANCELLED" as const,
        completedAt: now,
        error: "removed by purge-queue",
        retainUntil: now + this.options.resultRetentionMs,
      };
      if (await this.store.updateJob(id, ["IN_QUEUE"], update)) {
        removed++;
        this.counters.move(endpointId, "IN_QUEUE", "CANCELLED");
        this.wake(this.endWaiters, id);
      }
    }
    return removed;
  }

  /** Counts for `/health`: retained jobs by status, from memory. */
  counts(endpointId: string): JobCounts {
    return this.counters.get(endpointId);
  }

  /** Jobs waiting on an endpoint (normal lane and all), and the oldest normal one's submission time. */
  queueState(endpointId: string): { queued: number; queuedNormal: number; oldestQueuedAt: number | undefined } {
    const queue = this.queues.get(endpointId);
    return {
      queued: queue?.size ?? 0,
      queuedNormal: queue?.normalSize ?? 0,
      oldestQueuedAt: queue?.oldestNormalCreatedAt(),
    };
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
      // Draining or paused: hold the poll anyway, so that a worker does not spin on instant answers.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.options.takeHoldMs);
        signal.addEventListener(
          "abort",
          () => {
            clearTimeout(timer);
            resolve();
          },
          { once: true },
        );
      });
      return [];
    }
    const queue = this.queue(endpointId);
    if (queue.size > 0) {
      const taken = await this.assign(endpointId, workerId, queue.shift(max));
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

  /** A progress update: the value becomes the job's `output` while it runs, and the lease is extended. */
  async progress(endpointId: string, workerId: string, jobId: string, output: unknown): Promise<void> {
    const running = this.requireHeld(endpointId, workerId, jobId);
    running.leaseUntil = this.clock.now() + this.options.jobLeaseMs;
    await this.store.updateJob(jobId, ["IN_PROGRESS"], { output });
    this.wake(this.streamWaiters, jobId);
  }

  /** A streamed chunk: stored for `/stream`, and the lease is extended. */
  async appendChunk(endpointId: string, workerId: string, jobId: string, output: unknown): Promise<void> {
    const running = this.requireHeld(endpointId, workerId, jobId);
    running.leaseUntil = this.clock.now() + this.options.jobLeaseMs;
    await this.store.appendStreamChunk(jobId, output);
    this.wake(this.streamWaiters, jobId);
  }

  /** The worker's final report: COMPLETED with its output, or FAILED with its error. */
  async finish(endpointId: string, workerId: string, jobId: string, outcome: JobOutcome): Promise<void> {
    const running = this.requireHeld(endpointId, workerId, jobId);
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
    let job = await this.get(endpointId, jobId);
    let chunks = await this.store.takeStreamChunks(jobId);
    if (chunks.length === 0 && !isTerminal(job.status) && waitMs > 0) {
      await this.waitOn(this.streamWaiters, jobId, waitMs, signal, this.endWaiters);
      job = await this.get(endpointId, jobId);
      chunks = await this.store.takeStreamChunks(jobId);
    }
    return { job, chunks: chunks.map((chunk) => chunk.output) };
  }

  /** Puts every job a worker runs back in the queue (the worker is gone). */
  async releaseWorker(workerId: string, reason: string): Promise<void> {
    for (const running of [...this.running.values()]) {
      if (running.workerId === workerId) {
        await this.lose(running, reason);
      }
    }
  }

  /** Answers a worker's held job-takes with nothing (it is being paused or stopped). */
  dropWaiters(workerId: string): void {
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

  /** One pass of the sweeper: lost workers, execution timeouts, TTL expiry and retention. */
  async sweep(): Promise<void> {
    if (this.sweeping) {
      return;
    }
    this.sweeping = true;
    try {
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
        const expired = await this.store.listExpiredJobs(now, 500);
        if (expired.length === 0) {
          break;
        }
        for (const job of expired) {
          this.queues.get(job.endpointId)?.remove(job.id);
          const running = this.running.get(job.id);
          if (running) {
            this.running.delete(job.id);
            this.hooks.stopJob(running.workerId, job.id);
          }
        }
        await this.store.deleteJobs(expired.map((job) => job.id));
        for (const job of expired) {
          this.counters.remove(job.endpointId, job.status, job.retries > 0);
        }
        for (const job of expired) {
          this.wake(this.endWaiters, job.id);
          this.wake(this.streamWaiters, job.id);
        }
        if (expired.length < 500) {
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

  private queue(endpointId: string): EndpointQueue {
    let queue = this.queues.get(endpointId);
    if (!queue) {
      queue = new EndpointQueue();
      this.queues.set(endpointId, queue);
    }
    return queue;
  }

  /** Indexes a queued job, hands it to a waiting worker if any, and tells the autoscaler. */
  private enqueue(job: JobRecord): void {
    this.queue(job.endpointId).push({
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
        const taken = await this.assign(endpointId, waiter.workerId, queue.shift(waiter.max));
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
      this.running.delete(job.id);
      if (
        await this.store.updateJob(job.id, ["IN_PROGRESS"], { status: "IN_QUEUE", startedAt: null, workerId: null })
      ) {
        this.counters.move(job.endpointId, "IN_PROGRESS", "IN_QUEUE");
        this.enqueue({ ...job, status: "IN_QUEUE", startedAt: null, workerId: null });
      }
    }
  }

  /** Marks jobs taken by a worker (one transaction) and starts their leases. */
  private async assign(endpointId: string, workerId: string, entries: { id: string }[]): Promise<JobRecord[]> {
    if (entries.length === 0) {
      return [];
    }
    const now = this.clock.now();
    const taken = await this.store.takeJobs(
      entries.map((entry) => entry.id),
      workerId,
      now,
    );
    for (const job of taken) {
      this.counters.move(endpointId, "IN_QUEUE", "IN_PROGRESS");
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
    this.counters.move(job.endpointId, job.status, to);
    this.queues.get(job.endpointId)?.remove(job.id);
    const running = this.running.get(job.id);
    if (running) {
      this.running.delete(job.id);
      if (event === "cancel" || event === "timeout") {
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
    this.running.delete(running.id);
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
      this.counters.move(job.endpointId, "IN_PROGRESS", "IN_QUEUE");
      if (job.retries === 0) {
        this.counters.retriedOnce(job.endpointId);
      }
      this.logger.warn({ jobId: job.id, workerId: running.workerId, retries: job.retries + 1 }, reason);
      this.enqueue({ ...job, ...update } as JobRecord);
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
