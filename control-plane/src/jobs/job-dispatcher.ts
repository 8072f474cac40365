import type { Logger } from "../logging/logger.js";
import type { QueueEntry } from "../queue/endpoint-queue.js";
import { QueueWindow } from "../queue/queue-window.js";
import type { JobRecord } from "../store/records.js";
import type { Store } from "../store/store.js";
import type { Clock } from "../util/clock.js";
import type { JobCounters } from "./job-counters.js";
import { JOB_TRANSITIONS } from "./job-transitions.js";
import type { RunningJobs } from "./running-jobs.js";
import type { TakeWaiters } from "./take-waiters.js";

/** What dispatch works with; the job service owns each part and shares it. */
export interface JobDispatcherParts {
  store: Store;
  clock: Clock;
  counters: JobCounters;
  running: RunningJobs;
  takes: TakeWaiters;
  logger: Logger;
  /** Most queued jobs of one endpoint held in memory (see `JobServiceOptions.queueWindowJobs`). */
  queueWindowJobs: number;
  /** Jobs were queued on an endpoint (the autoscaler reacts). */
  jobsQueued(endpointId: string): void;
}

/**
 * Handing queued jobs to workers. Each endpoint's queue lives in the store; dispatch holds its front in
 * a {@link QueueWindow}, refilled in dispatch order as it drains, and serves job-takes from it: at once
 * when jobs wait, or by answering held takes as jobs arrive. A take is recorded in the store (one
 * transaction for the jobs handed over together) before the worker gets the jobs.
 */
export class JobDispatcher {
  private readonly windows = new Map<string, QueueWindow>();
  private readonly pumpScheduled = new Set<string>();

  constructor(private readonly parts: JobDispatcherParts) {}

  /** Opens the window of an endpoint whose queue is in the store (start-up); `empty` when it has none. */
  open(endpointId: string, empty: boolean): void {
    this.windows.set(endpointId, new QueueWindow(this.parts.queueWindowJobs, empty));
  }

  /** The endpoint's window, if it has one. */
  window(endpointId: string): QueueWindow | undefined {
    return this.windows.get(endpointId);
  }

  /** Drops a deleted endpoint's window. */
  forget(endpointId: string): void {
    this.windows.delete(endpointId);
  }

  /** Indexes a queued job, hands it to a waiting worker if any, and tells the autoscaler. */
  enqueue(job: JobRecord): void {
    this.windowOf(job.endpointId).admit({
      id: job.id,
      queueOrder: job.queueOrder,
      createdAt: job.createdAt,
      lowPriority: job.lowPriority,
    });
    this.schedulePump(job.endpointId);
    if (!job.lowPriority) {
      this.parts.jobsQueued(job.endpointId);
    }
  }

  /** Takes a job that left the queue otherwise (ended, purged, reclaimed) out of the window. */
  withdraw(endpointId: string, jobId: string): void {
    this.windows.get(endpointId)?.remove(jobId);
  }

  /**
   * Reads the next jobs of the endpoint's queue from the store into its window when it runs low (in the
   * background: dispatch goes on with what the window holds), then serves held job-takes with them.
   */
  refill(endpointId: string): void {
    const window = this.windows.get(endpointId);
    const due = window?.beginRefill();
    if (!window || !due) {
      return;
    }
    const { after, limit } = due;
    this.parts.store.listQueuedJobs(endpointId, { ...(after !== undefined ? { after } : {}), limit }).then(
      (rows) => {
        if (this.windows.get(endpointId) !== window) {
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
        this.parts.logger.error({ err: error, endpointId }, "reading the queue from the store failed");
      },
    );
  }

  /** Refills every window that is due (the sweeper retries refills that failed). */
  refillAll(): void {
    for (const endpointId of this.windows.keys()) {
      this.refill(endpointId);
    }
  }

  /**
   * Hands up to `max` waiting jobs to the worker at once; when none wait, holds the take until jobs
   * arrive, its hold runs out or the worker hangs up.
   */
  async take(endpointId: string, workerId: string, max: number, signal: AbortSignal): Promise<JobRecord[]> {
    const window = this.windowOf(endpointId);
    // An empty window over a backlog (a refill failed, or jobs left during one) reads the store again now.
    this.refill(endpointId);
    if (window.size > 0) {
      const entries = window.shift(max);
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
    return this.parts.takes.hold(endpointId, workerId, max, signal);
  }

  /** Returns jobs that were assigned but never handed over to the worker, in their old places. */
  async unassign(jobs: readonly JobRecord[]): Promise<void> {
    for (const job of jobs) {
      // Until the store says it is queued again, it stays a running job whose lease will expire.
      const { from, to } = JOB_TRANSITIONS.unassign;
      const requeued = await this.parts.store.updateJob(job.id, from, { status: to, startedAt: null, workerId: null });
      this.parts.running.remove(job.id);
      if (requeued) {
        this.parts.counters.move(job.endpointId, job.status, to, job.lowPriority);
        this.enqueue({ ...job, status: to, startedAt: null, workerId: null });
      }
    }
  }

  /** The endpoint's window; one made now holds the whole queue (an endpoint created after start-up). */
  private windowOf(endpointId: string): QueueWindow {
    let window = this.windows.get(endpointId);
    if (!window) {
      window = new QueueWindow(this.parts.queueWindowJobs, true);
      this.windows.set(endpointId, window);
    }
    return window;
  }

  /** Serves held job-takes while jobs wait. */
  private async pump(endpointId: string): Promise<void> {
    const window = this.windows.get(endpointId);
    while (window && window.size > 0) {
      const waiter = this.parts.takes.claimNext(endpointId);
      if (!waiter) {
        return;
      }
      try {
        const entries = window.shift(waiter.max);
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
        this.parts.logger.error({ err: error, endpointId }, "dispatch failed");
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

  /**
   * Marks jobs taken by a worker (one transaction) and starts their leases. The entries were already
   * shifted off the queue; if the store cannot record the take, they go back in their places.
   */
  private async assign(endpointId: string, workerId: string, entries: QueueEntry[]): Promise<JobRecord[]> {
    if (entries.length === 0) {
      return [];
    }
    const now = this.parts.clock.now();
    let taken: JobRecord[];
    try {
      taken = await this.parts.store.takeJobs(
        entries.map((entry) => entry.id),
        workerId,
        now,
        JOB_TRANSITIONS.take,
      );
    } catch (error) {
      const window = this.windowOf(endpointId);
      for (const entry of entries) {
        window.admit(entry);
      }
      throw error;
    }
    for (const job of taken) {
      // A take moves queued jobs only; `job` is as the take left it.
      this.parts.counters.move(endpointId, "IN_QUEUE", job.status, job.lowPriority);
      this.parts.running.begin(job, workerId, now);
    }
    return taken;
  }
}
