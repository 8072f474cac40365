/**
 * What a long poll on one job waits for: `end` its final status (`/status` with a wait, `/runsync`);
 * `output` a streamed chunk, a progress update or the end (`/stream`).
 */
export type JobWait = "end" | "output";

/** Starts waiting for a wake-up of the job; resolves on it, after `waitMs`, or when the work is done. */
export type Listen = (wait: JobWait, waitMs: number) => Promise<void>;

type WakeSets = Map<string, Set<() => void>>;

/**
 * The long polls held on single jobs, and their wake-ups. Waking is in memory: every request on a job is
 * served by the replica that leads (followers relay theirs to it), so the waiter and the change it waits
 * for meet in one process.
 */
export class JobWaiters {
  private readonly onEnd: WakeSets = new Map();
  private readonly onOutput: WakeSets = new Map();

  /**
   * Runs `work` with `listen`, which starts waiting for a wake-up of job `jobId` at once. Waiting starts
   * before `work` reads the job: with a store whose reads take a round trip (PostgreSQL), the job could
   * otherwise end between the read and the wait, and its wake-up be lost (the caller would hold until its
   * timeout). The wait ends with `work` or with `signal`.
   */
  async listening<T>(jobId: string, signal: AbortSignal, work: (listen: Listen) => Promise<T>): Promise<T> {
    const done = new AbortController();
    const abort = () => done.abort();
    signal.addEventListener("abort", abort, { once: true });
    try {
      return await work((wait, waitMs) =>
        this.waitOn(wait === "end" ? [this.onEnd] : [this.onOutput, this.onEnd], jobId, waitMs, done.signal),
      );
    } finally {
      done.abort();
      signal.removeEventListener("abort", abort);
    }
  }

  /** The job reached a final status, or is gone: wakes every wait on it. */
  ended(jobId: string): void {
    wake(this.onEnd, jobId);
    wake(this.onOutput, jobId);
  }

  /** The job left the queue without a worker (purged): wakes the waits for its end. */
  dequeued(jobId: string): void {
    wake(this.onEnd, jobId);
  }

  /** The job produced output (a chunk or a progress update): wakes the streams on it. */
  produced(jobId: string): void {
    wake(this.onOutput, jobId);
  }

  /** Answers every wait (the control plane stops). */
  wakeAll(): void {
    for (const set of [...this.onEnd.values(), ...this.onOutput.values()]) {
      for (const done of [...set]) {
        done();
      }
    }
  }

  private waitOn(maps: readonly WakeSets[], jobId: string, waitMs: number, signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      const sets = maps.map((map) => {
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
}

function wake(waiters: WakeSets, jobId: string): void {
  const set = waiters.get(jobId);
  if (set) {
    for (const done of [...set]) {
      done();
    }
  }
}
