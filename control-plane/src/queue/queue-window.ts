import type { QueuedJob, QueuedJobKey } from "../store/store.js";
import { EndpointQueue, type QueueEntry } from "./endpoint-queue.js";

/** Orders two queued jobs as the dispatcher serves them: the normal lane first, then by queue order. */
export function compareQueueKeys(a: QueuedJobKey, b: QueuedJobKey): number {
  if (a.lowPriority !== b.lowPriority) {
    return a.lowPriority ? 1 : -1;
  }
  return a.queueOrder - b.queueOrder;
}

/** What the window knows of itself when it decides what to do with a job or whether to refill. */
export interface WindowBounds {
  /** Most jobs the window holds. */
  capacity: number;
  /** Jobs it holds now. */
  size: number;
  /** The last place in dispatch order it has read up to, or undefined when it has read nothing yet. */
  tail: QueuedJobKey | undefined;
  /** True when the store holds no queued job after `tail` that the window has not got. */
  complete: boolean;
  /** True while a refill from the store is under way. */
  refilling: boolean;
}

/**
 * What to do with a job that (re-)enters the queue:
 * - `insert`: it belongs in the window (its place is within what the window covers, or the window holds
 *   the whole queue);
 * - `beyond`: it lies past the window's tail, and a later refill will read it from the store;
 * - `defer`: a refill is reading past the tail now and may or may not have seen the job; decide again once
 *   it is done (it is committed in the store, so it cannot be lost either way).
 */
export type Admission = "insert" | "beyond" | "defer";

/** Where a job with this key goes (see {@link Admission}). */
export function admission(key: QueuedJobKey, bounds: WindowBounds): Admission {
  const withinTail = bounds.tail !== undefined && compareQueueKeys(key, bounds.tail) <= 0;
  if (withinTail) {
    return "insert";
  }
  if (bounds.refilling) {
    return "defer";
  }
  return bounds.complete ? "insert" : "beyond";
}

/**
 * How many jobs to read from the store now: none while the window holds the whole queue, while a refill
 * is under way, or while it is at least half full; otherwise enough to fill it. Refilling at half keeps
 * the next batch in memory before dispatch needs it, in reads of at least half the window.
 */
export function refillSize(bounds: WindowBounds): number {
  if (bounds.complete || bounds.refilling || bounds.size * 2 >= bounds.capacity) {
    return 0;
  }
  return bounds.capacity - bounds.size;
}

/**
 * The front of one endpoint's queue, held in memory for dispatch: at most `capacity` jobs (plus those put
 * back while a refill runs), always a prefix of the queue in dispatch order, so that the next job handed
 * out is the store's next queued job. The store holds the queue itself; this class only decides, and does
 * no I/O: the job service reads the store when {@link beginRefill} asks it to.
 *
 * Invariant: every queued job of the endpoint up to `tail` is in the window or being handed out by this
 * process; every queued job after `tail` is only in the store (none when `complete`).
 */
export class QueueWindow {
  private readonly queue = new EndpointQueue();
  private tail: QueuedJobKey | undefined;
  private complete: boolean;
  private refilling = false;
  /** Jobs that entered the queue during a refill, past the tail: decided once it ends. */
  private deferred: QueuedJob[] = [];
  /** Jobs that left the queue during a refill: the refill may have read them before they left. */
  private readonly leftDuringRefill = new Set<string>();

  /**
   * @param capacity most jobs held (at least 1).
   * @param complete true when the store is known to hold no queued job of the endpoint (a new endpoint).
   */
  constructor(
    readonly capacity: number,
    complete: boolean,
  ) {
    this.complete = complete;
  }

  /** Jobs held in memory. */
  get size(): number {
    return this.queue.size;
  }

  /** The window's state, as its decisions see it. */
  bounds(): WindowBounds {
    return {
      capacity: this.capacity,
      size: this.queue.size,
      tail: this.tail,
      complete: this.complete,
      refilling: this.refilling,
    };
  }

  /** A job entered the queue (new, re-queued or put back): held if its place is within the window. */
  admit(job: QueuedJob): Admission {
    const decision = admission(job, this.bounds());
    if (decision === "insert") {
      this.queue.push(job);
      if (this.tail === undefined || compareQueueKeys(job, this.tail) > 0) {
        this.tail = { lowPriority: job.lowPriority, queueOrder: job.queueOrder };
      }
      this.evictOverCapacity();
    } else if (decision === "defer") {
      this.deferred.push({
        id: job.id,
        queueOrder: job.queueOrder,
        createdAt: job.createdAt,
        lowPriority: job.lowPriority,
      });
    }
    return decision;
  }

  /** A job left the queue (taken, cancelled, expired). */
  remove(id: string): void {
    this.queue.remove(id);
    if (this.refilling) {
      this.leftDuringRefill.add(id);
    }
  }

  /** Takes up to `count` jobs off the front for a worker. */
  shift(count: number): QueueEntry[] {
    return this.queue.shift(count);
  }

  /** True if the job is held here. */
  has(id: string): boolean {
    return this.queue.has(id);
  }

  /**
   * 1-based position of a held job among the queued ones (exact: the window is the queue's front), or
   * undefined when the job is not held here (the store can count it).
   */
  position(id: string): number | undefined {
    return this.queue.position(id);
  }

  /** Submission instant of the first job of the normal lane, or undefined when the window holds none. */
  oldestNormalCreatedAt(): number | undefined {
    return this.queue.oldestNormalCreatedAt();
  }

  /**
   * Starts a refill when one is due: returns where the store read starts and how many jobs to read, and
   * marks the refill under way until {@link endRefill} or {@link failRefill}. Undefined when none is due.
   */
  beginRefill(): { after: QueuedJobKey | undefined; limit: number } | undefined {
    const limit = refillSize(this.bounds());
    if (limit === 0) {
      return undefined;
    }
    this.refilling = true;
    return { after: this.tail, limit };
  }

  /** Applies a refill's rows (the store's queued jobs after the tail, in order, at most `limit`). */
  endRefill(rows: readonly QueuedJob[], limit: number): void {
    this.refilling = false;
    for (const row of rows) {
      if (!this.leftDuringRefill.has(row.id)) {
        this.queue.push(row);
      }
    }
    const last = rows.at(-1);
    if (last) {
      this.tail = { lowPriority: last.lowPriority, queueOrder: last.queueOrder };
    }
    this.complete = rows.length < limit;
    this.settle();
  }

  /** A refill failed: nothing changed, and a later one tries again. */
  failRefill(): void {
    this.refilling = false;
    this.settle();
  }

  /** Every held job's id, in dispatch order. */
  ids(): string[] {
    return this.queue.ids();
  }

  private settle(): void {
    this.leftDuringRefill.clear();
    const deferred = this.deferred;
    this.deferred = [];
    for (const job of deferred) {
      this.admit(job);
    }
    this.evictOverCapacity();
  }

  /** Gives back the last jobs over capacity: they stay queued in the store, and the tail moves before them. */
  private evictOverCapacity(): void {
    if (this.refilling || this.queue.size <= this.capacity) {
      // During a refill the tail must stay where the read started; the excess goes once it ends.
      return;
    }
    while (this.queue.size > this.capacity) {
      this.queue.pop();
    }
    this.complete = false;
    const last = this.queue.last();
    if (last) {
      this.tail = { lowPriority: last.lowPriority, queueOrder: last.queueOrder };
    }
  }
}
