import type { DriverWorker, WorkerDriver } from "../drivers/worker-driver.js";
import type { Logger } from "../logging/logger.js";
import type { Clock } from "../util/clock.js";
import { judgeOrphans, orphansOf } from "./orphan-sweep.js";

/** One orphan the sweep removed. */
export interface OrphanRemoval {
  driver: WorkerDriver["kind"];
  worker: DriverWorker;
  reason: string;
}

/** What the orphan sweeper works with. */
export interface OrphanSweeperDependencies {
  /** Every driver in use. */
  drivers: readonly WorkerDriver[];
  /** Whether a worker record claims the worker (the registry's records, this replica's view of the store). */
  claimed: (workerId: string) => boolean;
  /** Workers whose start is in progress (the autoscaler's). */
  starting: () => ReadonlySet<string>;
  clock: Clock;
  logger: Logger;
  /** Interval between sweeps; 0 turns the sweep off. */
  intervalMs: number;
  /** How long after its start an unclaimed worker is spared. */
  graceMs: number;
  /** Grace period of the stop before the orphan is killed. */
  stopGraceMs: number;
  /** Told of each removal, once the worker is stopped (a scaling event, a metric). */
  removed: (removal: OrphanRemoval) => Promise<void>;
}

/**
 * Removes orphans on a timer, while the control plane runs (start-up adoption removes those it finds
 * then; this catches the ones that appear later, see {@link judgeOrphans}). It lists each driver's workers
 * through `inventory()`, which changes nothing, looks at the records and starts in progress only after the
 * listing (a worker started meanwhile is claimed by then), and stops what is judged an orphan. One sweep at
 * a time: a slow API server delays the next rather than piling them up.
 */
export class OrphanSweeper {
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly deps: OrphanSweeperDependencies) {}

  /** Starts sweeping every `intervalMs` (no-op when it is 0). */
  start(): void {
    if (this.deps.intervalMs <= 0) {
      return;
    }
    this.timer = setInterval(() => {
      if (this.current === undefined) {
        this.current = this.sweep().then(
          () => {
            this.current = undefined;
          },
          () => {
            this.current = undefined;
          },
        );
      }
    }, this.deps.intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and waits for a sweep under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.current;
  }

  /** Sweeps every driver once; returns what it removed. Failures are logged, never thrown. */
  async sweep(): Promise<OrphanRemoval[]> {
    const removals: OrphanRemoval[] = [];
    for (const driver of this.deps.drivers) {
      if (this.stopped) {
        break;
      }
      let listed: DriverWorker[];
      try {
        listed = await driver.inventory();
      } catch (error) {
        this.deps.logger.warn({ err: error, driver: driver.kind }, "orphan sweep: listing the driver's workers failed");
        continue;
      }
      const orphans = orphansOf(
        judgeOrphans({
          listed,
          claimed: this.deps.claimed,
          starting: this.deps.starting(),
          now: this.deps.clock.now(),
          graceMs: this.deps.graceMs,
        }),
      );
      for (const { worker, reason } of orphans) {
        if (this.stopped) {
          break;
        }
        const fields = { driver: driver.kind, workerId: worker.workerId, endpointId: worker.endpointId };
        this.deps.logger.warn(fields, `removing an orphan worker: ${reason}`);
        try {
          await driver.stop(worker.workerId, this.deps.stopGraceMs);
          const removal = { driver: driver.kind, worker, reason };
          removals.push(removal);
          await this.deps.removed(removal);
        } catch (error) {
          this.deps.logger.error({ err: error, ...fields }, "orphan sweep: removing an orphan worker failed");
        }
      }
    }
    return removals;
  }
}
