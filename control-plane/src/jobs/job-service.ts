import { createHash } from "node:crypto";
import type { components } from "@runfleet/sdk/generated";
import { ControlPlaneError, invalidField } from "../errors/control-plane-error.js";
import type { Logger } from "../logging/logger.js";
import type { EndpointRecord, JobKind, JobRecord, JobStatusValue } from "../store/records.js";
import { type JobCounts, type JobUpdate, type QueuedJobKey, type Store, StoreConflictError } from "../store/store.js";
import type { Clock } from "../util/clock.js";
import { newJobId } from "../util/ids.js";
import { JobCounters } from "./job-counters.js";
import { JobDispatcher } from "./job-dispatcher.js";
import { isTerminal, JOB_TRANSITIONS, type JobEvent } from "./job-transitions.js";
import { JobWaiters } from "./job-waiters.js";
import { type RunningJob, RunningJobs } from "./running-jobs.js";
import { TakeWaiters } from "./take-waiters.js";

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
 * a compare-and-set on its status, as the transition table allows. The queue lives in the store; in
 * memory live only what the work in flight needs, each part in its own module:
 * - {@link JobDispatcher}: the front of each endpoint's queue (a window of at most `queueWindowJobs`,
 *   refilled from the store in dispatch order) and the hand-over of jobs to job-takes;
 * - {@link TakeWaiters}: the held job-takes of workers;
 * - {@link RunningJobs}: the running jobs with their leases;
 * - {@link JobWaiters}: the long polls on single jobs (`/status` with a wait, `/runsync`, `/stream`);
 * - {@link JobCounters}: counts by status, so that queue lengths never come from the window.
 *
 * This class holds the transitions themselves and the sweeper that finds the ones that are due.
 */
export class JobService {
  private readonly counters = new JobCounters();
  private readonly running: RunningJobs;
  private readonly takes: TakeWaiters;
  private readonly waiters = new JobWaiters();
  private readonly dispatch: JobDispatcher;
  private sweeper: NodeJS.Timeout | undefined;
  private sweeping = false;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly options: JobServiceOptions,
    private readonly hooks: JobServiceHooks,
    private readonly logger: Logger,
  ) {
    this.running = new RunningJobs(options.jobLeaseMs);
    this.takes = new TakeWaiters(options.takeHoldMs);
    this.dispatch = new JobDispatcher({
      store,
      clock,
      counters: this.counters,
      running: this.running,
      takes: this.takes,
      logger,
      queueWindowJobs: options.queueWindowJobs,
      jobsQueued: (endpointId) => hooks.jobsQueued(endpointId),
    });
  }

  /** Rebuilds the in-memory indexes from the store and starts the sweeper. */
  async start(endpointIds: readonly string[] = []): Promise<void> {
    const now = this.clock.now();
    const backlogged: string[] = [];
    for (const endpointId of endpointIds) {
      const counts = await this.store.countJobs(endpointId);
      const lanes = await this.store.countQueuedJobs(endpointId);
      this.counters.seed(endpointId, counts, lanes.lowPriority);
      // The queue stays in the store: only its front is read, in the background, as dispatch needs it.
      this.dispatch.open(endpointId, counts.IN_QUEUE === 0);
      if (counts.IN_QUEUE > 0) {
        backlogged.push(endpointId);
      }
    }
    // Running jobs get a fresh lease: their workers may still be alive and will report or ping.
    for (const job of await this.store.listJobsByStatus("IN_PROGRESS")) {
      this.running.resume(job, now);
    }
    for (const endpointId of backlogged) {
      this.dispatch.refill(endpointId);
      this.hooks.jobsQueued(endpointId);
    }
    this.sweeper = setInterval(() => void this.sweep(), this.options.sweepIntervalMs);
    this.sweeper.unref();
  }

  /** Stops the sweeper and answers every held long poll. */
  stop(): void {
    clearInterval(this.sweeper);
    this.takes.releaseAll();
    this.waiters.wakeAll();
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
    this.dispatch.enqueue(stored);
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
    if (job.status !== "IN_QUEUE" || this.dispatch.window(job.endpointId)?.has(job.id)) {
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
      const position = this.dispatch.window(job.endpointId)?.position(job.id) ?? queuePosition;
      view.reason = this.hooks.waitReason(job.endpointId, { lowPriority: job.lowPriority, position });
    }
    return view;
  }

  /** Waits up to `waitMs` for the job to end, then returns it as it is. */
  async waitForEnd(endpointId: string, jobId: string, waitMs: number, signal: AbortSignal): Promise<JobRecord> {
    if (waitMs <= 0) {
      return this.get(endpointId, jobId);
    }
    return this.waiters.listening(jobId, signal, async (listen) => {
      const ended = listen("end", waitMs);
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
    this.dispatch.enqueue(requeued);
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
    const { from, to } = JOB_TRANSITIONS.purge;
    const update = {
      status: to,
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
      const outcomes = await Promise.allSettled(page.map((job) => this.store.updateJob(job.id, from, update)));
      let failure: unknown;
      outcomes.forEach((outcome, i) => {
        const job = page[i] as (typeof page)[number];
        if (outcome.status === "rejected") {
          failure ??= outcome.reason;
        } else if (outcome.value) {
          this.dispatch.withdraw(endpointId, job.id);
          removed++;
          // Listed from the queue, so queued until the update moved it.
          this.counters.move(endpointId, "IN_QUEUE", to, job.lowPriority);
          this.waiters.dequeued(job.id);
        }
      });
      if (failure !== undefined) {
        this.dispatch.refill(endpointId);
        throw failure;
      }
      const last = page.at(-1);
      if (!last || page.length < PURGE_BATCH) {
        break;
      }
      after = { lowPriority: last.lowPriority, queueOrder: last.queueOrder };
    }
    this.dispatch.refill(endpointId);
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
      oldestQueuedAt: queuedNormal > 0 ? this.dispatch.window(endpointId)?.oldestNormalCreatedAt() : undefined,
    };
  }

  /** Queued jobs of the endpoint held in memory (its window): bounded by `queueWindowJobs`, whatever the backlog. */
  heldQueuedJobs(endpointId: string): number {
    return this.dispatch.window(endpointId)?.size ?? 0;
  }

  /** Running jobs per worker of an endpoint. */
  runningByWorker(endpointId?: string): Map<string, string[]> {
    return this.running.byWorker(endpointId);
  }

  /**
   * A worker asks for up to `max` jobs. Answered at once when jobs wait; otherwise held until one
   * arrives, `takeHoldMs` passes, or the worker hangs up.
   */
  async take(endpointId: string, workerId: string, max: number, signal: AbortSignal): Promise<JobRecord[]> {
    if (!this.hooks.mayTake(workerId)) {
      // Draining or paused: hold the poll anyway, so that a worker does not spin on instant answers; but
      // answer it as soon as the worker is stopped ({@link dropWaiters}), or its exit would wait for it.
      await this.takes.park(workerId, signal);
      return [];
    }
    return this.dispatch.take(endpointId, workerId, max, signal);
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
    this.running.extend(running, this.clock.now());
    await this.store.updateJob(jobId, ["IN_PROGRESS"], { output });
    this.waiters.produced(jobId);
    return true;
  }

  /** A streamed chunk: stored for `/stream`, and the lease is extended. */
  async appendChunk(endpointId: string, workerId: string, jobId: string, output: unknown): Promise<void> {
    const running = this.requireHeld(endpointId, workerId, jobId);
    this.running.extend(running, this.clock.now());
    await this.store.appendStreamChunk(jobId, output);
    this.waiters.produced(jobId);
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
    this.running.heartbeat(workerId, jobIds, this.clock.now());
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
    return this.waiters.listening(jobId, signal, async (listen) => {
      const woken = waitMs > 0 ? listen("output", waitMs) : undefined;
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
    for (const running of this.running.all()) {
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
    this.takes.parkWorker(workerId);
  }

  /**
   * Answers a worker's held job-takes with nothing (it is being paused or stopped). A stopped worker's
   * SDK (runpod's included) checks for its shutdown only between polls, so the control plane answers them
   * right after signalling it, rather than letting its exit wait for the hold to run out.
   */
  dropWaiters(workerId: string): void {
    this.takes.release(workerId);
  }

  /** Drops the in-memory state of a deleted endpoint (the store already deleted its jobs). */
  forgetEndpoint(endpointId: string): void {
    this.dispatch.forget(endpointId);
    this.counters.forget(endpointId);
    for (const running of this.running.all()) {
      if (running.endpointId === endpointId) {
        this.running.remove(running.id);
        this.waiters.ended(running.id);
      }
    }
    this.takes.forgetEndpoint(endpointId);
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
      this.dispatch.refillAll();
      const now = this.clock.now();
      for (const running of this.running.all()) {
        if (now >= running.timeoutAt) {
          const job = await this.store.getJob(running.id);
          if (job) {
            const limit = running.timeoutAt - running.startedAt;
            await this.end(job, "timeout", { completedAt: now, error: `execution timeout of ${limit} ms exceeded` });
          } else {
            this.running.remove(running.id);
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
          this.running.forgetLost(job.id);
          this.counters.remove(job.endpointId, job.status, job.retries > 0);
          this.waiters.ended(job.id);
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

  /**
   * Gives a re-queued job back to the worker that lost it, when that worker reports its result before
   * anyone else took the job: a compare-and-set on IN_QUEUE in the store decides, and memory follows only
   * once it is committed. Undefined when the job is not such a job, or was taken meanwhile.
   */
  private async reclaimLost(endpointId: string, workerId: string, jobId: string): Promise<RunningJob | undefined> {
    if (this.running.has(jobId) || this.running.lostTo(jobId) !== workerId) {
      return undefined;
    }
    const now = this.clock.now();
    const [job] = await this.store.takeJobs([jobId], workerId, now, JOB_TRANSITIONS.take);
    if (!job) {
      return undefined;
    }
    if (job.endpointId !== endpointId) {
      // Not this endpoint's job after all (a worker token is valid for one endpoint): put it back.
      await this.dispatch.unassign([job]);
      return undefined;
    }
    this.dispatch.withdraw(endpointId, jobId);
    this.dispatch.refill(endpointId);
    this.counters.move(endpointId, "IN_QUEUE", "IN_PROGRESS", job.lowPriority);
    const running = this.running.begin(job, workerId, now);
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
    this.running.forgetLost(job.id);
    this.counters.move(job.endpointId, job.status, to, job.lowPriority);
    if (job.status === "IN_QUEUE") {
      this.dispatch.withdraw(job.endpointId, job.id);
      this.dispatch.refill(job.endpointId);
    }
    const running = this.running.remove(job.id);
    if (running && (event === "cancel" || event === "timeout" || event === "expire")) {
      this.hooks.stopJob(running.workerId, job.id);
    }
    this.waiters.ended(job.id);
    this.hooks.jobEnded(ended);
    return ended;
  }

  /** A running job lost its worker: back to the queue in its old place, or FAILED after too many tries. */
  private async lose(running: RunningJob, reason: string): Promise<void> {
    // Taken out first so that a concurrent release does not lose it twice; put back if the store fails,
    // so that the sweeper tries again rather than leaving the job IN_PROGRESS with no lease.
    this.running.remove(running.id);
    try {
      await this.loseNow(running, reason);
    } catch (error) {
      this.running.restore(running);
      throw error;
    }
  }

  private async loseNow(running: RunningJob, reason: string): Promise<void> {
    const job = await this.store.getJob(running.id);
    if (job?.status !== "IN_PROGRESS") {
      return;
    }
    if (job.retries >= this.options.jobMaxRetries) {
      this.running.restore(running);
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
      this.running.markLost(job.id, running.workerId);
      this.dispatch.enqueue({ ...job, ...update } as JobRecord);
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
}

/** Statuses counted as failed in `/health`. */
export const FAILED_STATUSES: readonly JobStatusValue[] = ["FAILED", "TIMED_OUT"];
