import type { JobRecord } from "../store/records.js";

/** A job a worker runs now, with its lease and its execution deadline. */
export interface RunningJob {
  id: string;
  endpointId: string;
  workerId: string;
  startedAt: number;
  /** Until when the job is the worker's without a heartbeat or report; past it, the job is lost. */
  leaseUntil: number;
  /** When the job's execution timeout ends it. */
  timeoutAt: number;
  /**
   * The job as it was taken, so that reports on it need no read from the store (a read would also force
   * the pending group commit). Undefined for jobs found running at start-up.
   */
  job: JobRecord | undefined;
}

/**
 * The jobs running now, by id, with their leases; and the workers that lost a job to a lease re-queue.
 *
 * Memory only: the store holds who runs what (`IN_PROGRESS`, `workerId`), and after a restart every running
 * job is resumed with a fresh lease, since its worker may still be alive and report.
 */
export class RunningJobs {
  private readonly jobs = new Map<string, RunningJob>();
  /**
   * Jobs re-queued because their lease ran out, with the worker that held them: until someone else takes
   * the job, that worker's late result is still accepted rather than running the job again (a worker cut
   * off from the control plane for longer than the lease finishes its jobs and keeps trying to report).
   */
  private readonly lostBy = new Map<string, string>();

  /** @param leaseMs lease of a running job without a heartbeat, in ms */
  constructor(private readonly leaseMs: number) {}

  /** Starts the lease of a job a worker has just taken (it is no longer anyone's lost job). */
  begin(job: JobRecord, workerId: string, now: number): RunningJob {
    const running: RunningJob = {
      id: job.id,
      endpointId: job.endpointId,
      workerId,
      startedAt: now,
      leaseUntil: now + this.leaseMs,
      timeoutAt: now + job.executionTimeoutMs,
      job,
    };
    this.lostBy.delete(job.id);
    this.jobs.set(job.id, running);
    return running;
  }

  /** Resumes a job found running in the store at start-up, with a fresh lease. */
  resume(
    job: Pick<JobRecord, "id" | "endpointId" | "workerId" | "startedAt" | "executionTimeoutMs">,
    now: number,
  ): void {
    const startedAt = job.startedAt ?? now;
    this.jobs.set(job.id, {
      id: job.id,
      endpointId: job.endpointId,
      workerId: job.workerId ?? "",
      startedAt,
      leaseUntil: now + this.leaseMs,
      timeoutAt: startedAt + job.executionTimeoutMs,
      job: undefined,
    });
  }

  /** Puts back an entry taken out by {@link remove} (the store refused what was to follow). */
  restore(running: RunningJob): void {
    if (!this.jobs.has(running.id)) {
      this.jobs.set(running.id, running);
    }
  }

  /** The running job with this id. */
  get(jobId: string): RunningJob | undefined {
    return this.jobs.get(jobId);
  }

  /** Whether a job with this id runs. */
  has(jobId: string): boolean {
    return this.jobs.has(jobId);
  }

  /** Takes a job out (it ended, went back to the queue, or its endpoint is gone); returns it if it ran. */
  remove(jobId: string): RunningJob | undefined {
    const running = this.jobs.get(jobId);
    this.jobs.delete(jobId);
    return running;
  }

  /** Every running job, as a snapshot that may be iterated while entries are removed. */
  all(): RunningJob[] {
    return [...this.jobs.values()];
  }

  /** Extends a job's lease from now (a report or chunk from its worker). */
  extend(running: RunningJob, now: number): void {
    running.leaseUntil = now + this.leaseMs;
  }

  /** A worker's heartbeat: extends the leases of the jobs it names that it does run. */
  heartbeat(workerId: string, jobIds: readonly string[], now: number): void {
    for (const id of jobIds) {
      const running = this.jobs.get(id);
      if (running && running.workerId === workerId) {
        running.leaseUntil = now + this.leaseMs;
      }
    }
  }

  /** Running job ids per worker, of one endpoint or of all. */
  byWorker(endpointId?: string): Map<string, string[]> {
    const byWorker = new Map<string, string[]>();
    for (const job of this.jobs.values()) {
      if (endpointId !== undefined && job.endpointId !== endpointId) {
        continue;
      }
      const list = byWorker.get(job.workerId) ?? [];
      list.push(job.id);
      byWorker.set(job.workerId, list);
    }
    return byWorker;
  }

  /** Records that `workerId` lost this job to a lease re-queue (see {@link lostBy}). */
  markLost(jobId: string, workerId: string): void {
    this.lostBy.set(jobId, workerId);
  }

  /** The worker that lost this re-queued job, while nobody else has taken it. */
  lostTo(jobId: string): string | undefined {
    return this.lostBy.get(jobId);
  }

  /** Forgets who lost a job (it ended, or was deleted). */
  forgetLost(jobId: string): void {
    this.lostBy.delete(jobId);
  }
}
