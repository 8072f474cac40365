import type { JobStatusValue } from "../store/records.js";
import type { JobCounts } from "../store/store.js";

/**
 * Counts of each endpoint's retained jobs by status, kept in memory and moved with every transition, so
 * that `/health` costs nothing however many jobs are retained. Seeded from the store at start-up.
 */
export class JobCounters {
  private readonly counts = new Map<string, JobCounts>();

  /** Replaces an endpoint's counts (start-up). */
  seed(endpointId: string, counts: JobCounts): void {
    this.counts.set(endpointId, { ...counts });
  }

  /** The counts of an endpoint. */
  get(endpointId: string): JobCounts {
    return { ...this.of(endpointId) };
  }

  /** A job appeared in `status`. */
  add(endpointId: string, status: JobStatusValue): void {
    this.of(endpointId)[status]++;
  }

  /** A job moved from one status to another. */
  move(endpointId: string, from: JobStatusValue, to: JobStatusValue): void {
    const counts = this.of(endpointId);
    counts[from] = Math.max(0, counts[from] - 1);
    counts[to]++;
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
