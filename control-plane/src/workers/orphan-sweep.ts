import type { DriverWorker } from "../drivers/worker-driver.js";

/**
 * Which of a driver's workers are orphans: pods, containers or processes that carry this control plane's
 * instance label but that no worker record claims. They come from starts the control plane lost track of:
 * a pod whose create reached the API server as the previous active replica died (the new one listed the
 * pods before it existed and forgot the record), a container started by a start that then failed. Nothing
 * else would ever stop them: the autoscaler only stops workers it has records of.
 *
 * Pure: what the driver lists, which ids are claimed, which starts are in progress and the time are given.
 * A start in progress is never an orphan: its record is saved before its driver starts it, but the sweep's
 * listing and its look at the records are not one atomic read, and another replica's clock may be late,
 * so a worker must also have been started at least `graceMs` ago.
 */

/** What one sweep looks at. */
export interface OrphanSweepInput {
  /** The driver's workers, as its side-effect-free `inventory()` lists them. */
  listed: readonly DriverWorker[];
  /** Whether a worker record claims the worker with this id. */
  claimed: (workerId: string) => boolean;
  /** Workers whose start is in progress (registered or launching). */
  starting: ReadonlySet<string>;
  /** Now, in ms since the epoch. */
  now: number;
  /** How long after its start an unclaimed worker is still spared (a start may not have been recorded yet). */
  graceMs: number;
}

/** Why a listed worker is left alone. */
export type SparedBecause = "claimed" | "starting" | "within-grace";

/** The sweep's verdict on one listed worker. */
export type OrphanVerdict =
  | { kind: "spare"; worker: DriverWorker; because: SparedBecause }
  | { kind: "remove"; worker: DriverWorker; reason: string };

/** Judges every listed worker: spared (and why) or to be removed (and why). */
export function judgeOrphans(input: OrphanSweepInput): OrphanVerdict[] {
  return input.listed.map((worker): OrphanVerdict => {
    if (input.claimed(worker.workerId)) {
      return { kind: "spare", worker, because: "claimed" };
    }
    if (input.starting.has(worker.workerId)) {
      return { kind: "spare", worker, because: "starting" };
    }
    const ageMs = input.now - worker.startedAt;
    if (ageMs < input.graceMs) {
      return { kind: "spare", worker, because: "within-grace" };
    }
    const age = `${Math.round(ageMs / 1000)} s after it started`;
    const reason =
      worker.state === "exited"
        ? `orphan: ended (${worker.exit ?? "unknown exit"}) and no worker record claims it, ${age}`
        : `orphan: ${worker.state} and no worker record claims it, ${age}`;
    return { kind: "remove", worker, reason };
  });
}

/** The workers of a sweep's verdicts that are to be removed, with their reasons. */
export function orphansOf(verdicts: readonly OrphanVerdict[]): { worker: DriverWorker; reason: string }[] {
  return verdicts.flatMap((verdict) =>
    verdict.kind === "remove" ? [{ worker: verdict.worker, reason: verdict.reason }] : [],
  );
}
