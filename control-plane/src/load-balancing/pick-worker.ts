/** A worker as the router balances over it. */
export interface RoutableWorker {
  workerId: string;
  /** Requests sent to it that have not finished yet. */
  inFlight: number;
  /** Sequence number of the last request it was given (0: never), to spread ties. */
  lastPicked: number;
}

/**
 * Least outstanding requests: the worker with the fewest requests in flight; among equals, the one that
 * was given a request least recently, so that an idle pool is used round-robin. `exclude` holds workers
 * already tried for this request; only workers `eligible` accepts are considered (all by default). Pure.
 */
export function pickWorker<W extends RoutableWorker>(
  workers: Iterable<W>,
  exclude: ReadonlySet<string> = EMPTY,
  eligible: (worker: W) => boolean = ANY,
): W | undefined {
  let best: W | undefined;
  for (const worker of workers) {
    if (exclude.has(worker.workerId) || !eligible(worker)) {
      continue;
    }
    if (
      best === undefined ||
      worker.inFlight < best.inFlight ||
      (worker.inFlight === best.inFlight && worker.lastPicked < best.lastPicked)
    ) {
      best = worker;
    }
  }
  return best;
}

const EMPTY: ReadonlySet<string> = new Set();
const ANY = () => true;
