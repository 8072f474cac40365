import type { JobStatusValue } from "../store/records.js";
import type { JobCounts } from "../store/store.js";

/**
 * Counts of each endpoint's retained jobs by status, kept in memory and moved with every transition, so
 * that `/health` costs nothing however many jobs are retained. Seeded from the store at start-up.
 */
export class JobCounters {
  private readonly counts = new Map<string, JobCounts>();
  /** Queued low-priority jobs per endpoint (they wait without causing scaling). */
  private readonly queuedLow = new Map<string, number>();

  /** Replaces an endpoint's counts (start-up), with how many of its queued jobs are low priority. */
  seed(endpointId: string, counts: JobCounts, queuedLowPriority = 0): void {
    this.counts.set(endpointId, { ...counts });
    this.queuedLow.set(endpointId, queuedLowPriority);
  }

  /** How many of the endpoint's queued jobs are low priority. */
  queuedLowPriority(endpointId: string): number {
    return this.queuedLow.get(endpointId) ?? 0;
  }

  /** The counts of an endpoint. */
  get(endpointId: string): JobCounts {
    return { ...this.of(endpointId) };
  }

  /** A job appeared in `status`. */
  add(endpointId: string, status: JobStatusValue, lowPriority: boolean): void {
    this.of(endpointId)[status]++;
    if (status === "IN_QUEUE" && lowPriority) {
      this.queuedLow.set(endpointId, this.queuedLowPriority(endpointId) + 1);
    }
  }

  /** A job moved from one status to another. */
  move(endpointId: string, from: JobStatusValue, to: JobStatusValue, lowPriority: boolean): void {
    const counts = this.of(endpointId);
    counts[from] = Math.max(0, counts[from] - 1);
    counts[to]++;
    if (lowPriority && from !== to && (from === "IN_QUEUE" || to === "IN_QUEUE")) {
      const delta = to === "IN_QUEUE" ? 1 : -1;
      this.queuedLow.set(endpointId, Math.max(0, this.queuedLowPriority(endpointId) + delta));
    }
  }

  /** A job was deleted (TTL, retention). */
  remove(endpointId: string, status: JobStatusValue, retried: boolean): void {
    const counts = this.of(endpointId);
    counts[status] = Math.max(0, counts[status] - 1);
    if (retried) {
      counts.retried = Math.max(0, counts.retried - 1);
    }
  }

  /** A job was re-queued for the first time. */
  retriedOnce(endpointId: string): void {
    this.of(endpointId).retried++;
  }

  /** Forgets a deleted endpoint. */
  forget(endpointId: string): void {
    this.counts.delete(endpointId);
    this.queuedLow.delete(endpointId);
  }

  private of(endpointId: string): JobCounts {
    let counts = this.counts.get(endpointId);
    if (!counts) {
      counts = { IN_QUEUE: 0, IN_PROGRESS: 0, COMPLETED: 0, FAILED: 0, CANCELLED: 0, TIMED_OUT: 0, retried: 0 };
      this.counts.set(endpointId, counts);
    }
    return counts;
  }
}
