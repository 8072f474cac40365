import type { JobRecord } from "../store/records.js";

/** A worker's job-take held until jobs arrive, as dispatch sees it once it has chosen it. */
export interface HeldTake {
  workerId: string;
  /** Most jobs the worker asked for. */
  max: number;
  signal: AbortSignal;
  /** Answers the take. */
  resolve: (jobs: JobRecord[]) => void;
}

interface Waiter extends HeldTake {
  /** Set once dispatch chose this waiter: its timeout no longer answers it. */
  claimed: boolean;
}

/**
 * The job-take long polls of workers: held per endpoint in arrival order until dispatch hands them jobs,
 * their hold runs out or the worker hangs up; and parked per worker while it may not take jobs (draining,
 * about to stop), answered with nothing once it has been signalled.
 */
export class TakeWaiters {
  private readonly waiting = new Map<string, Waiter[]>();
  private readonly parked = new Map<string, Set<() => void>>();

  /** @param holdMs longest hold of a job-take, in ms */
  constructor(private readonly holdMs: number) {}

  /**
   * Holds a take until dispatch answers it (see {@link claimNext}), the hold runs out or the worker hangs
   * up; the last two answer it with no jobs.
   */
  hold(endpointId: string, workerId: string, max: number, signal: AbortSignal): Promise<JobRecord[]> {
    return new Promise<JobRecord[]>((resolve) => {
      const waiters = this.waiting.get(endpointId) ?? [];
      this.waiting.set(endpointId, waiters);
      const finish = (jobs: JobRecord[]) => {
        clearTimeout(timer);
        signal.removeEventListener("abort", leave);
        resolve(jobs);
      };
      const waiter: Waiter = { workerId, max, signal, claimed: false, resolve: finish };
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
      const timer = setTimeout(leave, this.holdMs);
      signal.addEventListener("abort", leave, { once: true });
      waiters.push(waiter);
    });
  }

  /**
   * Holds the take of a worker that may not take jobs now, so that it does not spin on instant answers;
   * resolves after the hold, when the worker hangs up, or when {@link release} answers it.
   */
  park(workerId: string, signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      const parked = this.parkedOf(workerId);
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        parked.delete(done);
        if (parked.size === 0 && this.parked.get(workerId) === parked) {
          this.parked.delete(workerId);
        }
        resolve();
      };
      const timer = setTimeout(done, this.holdMs);
      signal.addEventListener("abort", done, { once: true });
      parked.add(done);
    });
  }

  /**
   * The endpoint's oldest take whose worker is still there, taken out of the line: dispatch answers it,
   * and its timeout no longer does. Undefined when none waits.
   */
  claimNext(endpointId: string): HeldTake | undefined {
    const waiters = this.waiting.get(endpointId);
    while (waiters && waiters.length > 0) {
      const waiter = waiters.shift() as Waiter;
      if (!waiter.signal.aborted) {
        waiter.claimed = true;
        return waiter;
      }
    }
    return undefined;
  }

  /**
   * Moves a worker's waiting takes out of dispatch's reach without answering them: the worker is about to
   * be stopped, and {@link release} answers them once it has been signalled.
   */
  parkWorker(workerId: string): void {
    for (const waiters of this.waiting.values()) {
      for (const waiter of waiters.filter((w) => w.workerId === workerId)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        const parked = this.parkedOf(workerId);
        const done = () => {
          parked.delete(done);
          waiter.resolve([]);
        };
        parked.add(done);
      }
    }
  }

  /** Answers every take of the worker, parked or waiting, with no jobs. */
  release(workerId: string): void {
    for (const done of [...(this.parked.get(workerId) ?? [])]) {
      done();
    }
    this.parked.delete(workerId);
    for (const waiters of this.waiting.values()) {
      for (const waiter of waiters.filter((w) => w.workerId === workerId)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve([]);
      }
    }
  }

  /** Answers the takes held on a deleted endpoint with no jobs. */
  forgetEndpoint(endpointId: string): void {
    for (const waiter of this.waiting.get(endpointId) ?? []) {
      waiter.resolve([]);
    }
    this.waiting.delete(endpointId);
  }

  /** Answers every take with no jobs (the control plane stops). */
  releaseAll(): void {
    for (const waiters of this.waiting.values()) {
      for (const waiter of waiters) {
        waiter.resolve([]);
      }
    }
    this.waiting.clear();
    for (const parked of [...this.parked.values()]) {
      for (const done of [...parked]) {
        done();
      }
    }
  }

  private parkedOf(workerId: string): Set<() => void> {
    const parked = this.parked.get(workerId) ?? new Set<() => void>();
    this.parked.set(workerId, parked);
    return parked;
  }
}
