import { readdirSync } from "node:fs";
import { join } from "node:path";
import { isAlive, isGroupAlive, type ProcessIdentity, readIdentity, signalGroup } from "./process-identity.js";

/**
 * The orphan watchdog of the process driver: a small process, started next to the first process worker of
 * a data directory and independent of the control plane (its own session), that ends the workers of a
 * control plane that died and never came back.
 *
 * Why a process of its own: a worker that is not built on `@runfleet/sdk/worker` (an unmodified RunPod
 * Python worker) has no orphan timeout, and would poll a dead address forever, and the control plane can
 * do nothing once it is SIGKILLed. Why it watches a file rather than being the workers' parent: workers
 * must outlive a crash to be adopted by the next start, and the next start must be able to claim them;
 * it writes its own identity into the owner file, and the watchdog sees its owner alive again.
 *
 * Files (in the process driver's `process-workers/` directory):
 * - {@link OWNER_FILE}: the control plane that owns the workers now (pid and kernel start time); removed
 *   by a graceful close, so a control plane that stopped without stopping its workers counts as gone too;
 * - {@link WATCHDOG_FILE}: the watchdog itself, so that there is one per directory;
 * - `<workerId>.json`: one per worker (the driver's state files), read for their pids.
 */
export const OWNER_FILE = "control-plane.pid";
/** The watchdog's own identity file, next to {@link OWNER_FILE}. */
export const WATCHDOG_FILE = "orphan-watchdog.pid";

/** What the watchdog saw at one check. */
export interface WatchdogObservation {
  now: number;
  /** Whether the owner file names a live process. */
  ownerAlive: boolean;
  /** Worker processes of this directory still running. */
  liveWorkers: number;
}

/** What to do after a check. */
export type WatchdogVerdict =
  /** Keep watching. */
  | { kind: "watch" }
  /** The owner has been gone past the orphan timeout ({@link orphanDeadlineMs}): stop every worker, then exit. */
  | { kind: "stop-workers"; ownerGoneMs: number }
  /** Nothing left to guard (no owner, no workers): exit. */
  | { kind: "exit" };

/**
 * How long the owner must have been gone before the watchdog stops the workers: the orphan timeout, plus a
 * margin (a tenth of it, at least 5 s) so that workers that keep the timeout themselves end on their own
 * first, abandoning their jobs cleanly: `@runfleet/sdk/worker` counts it from the last answer it got, checks
 * it every second, and its last answer may come later than this watchdog's last sighting (checked every
 * second too). The watchdog is the backstop for the others.
 */
export function orphanDeadlineMs(orphanTimeoutMs: number): number {
  return orphanTimeoutMs + Math.max(5000, Math.floor(orphanTimeoutMs / 10));
}

/**
 * Decides on one check. Pure: `ownerSeenAt` is when the owner was last seen alive (the watchdog's start
 * counts as a sighting), and the answer says when it was seen now.
 */
export function judgeOrphans(
  observation: WatchdogObservation,
  ownerSeenAt: number,
  orphanTimeoutMs: number,
): { verdict: WatchdogVerdict; ownerSeenAt: number } {
  if (observation.ownerAlive) {
    return { verdict: { kind: "watch" }, ownerSeenAt: observation.now };
  }
  if (observation.liveWorkers === 0) {
    return { verdict: { kind: "exit" }, ownerSeenAt };
  }
  const ownerGoneMs = observation.now - ownerSeenAt;
  if (ownerGoneMs >= orphanDeadlineMs(orphanTimeoutMs)) {
    return { verdict: { kind: "stop-workers", ownerGoneMs }, ownerSeenAt };
  }
  return { verdict: { kind: "watch" }, ownerSeenAt };
}

/** How often the watchdog checks: a quarter of the timeout, between 50 ms and 1 s. */
export function watchdogCheckMs(orphanTimeoutMs: number): number {
  return Math.min(1000, Math.max(50, Math.floor(orphanTimeoutMs / 4)));
}

/** Options of {@link runOrphanWatchdog}. */
export interface OrphanWatchdogOptions {
  /** The process driver's `process-workers/` directory. */
  workerDir: string;
  /** How long the owner may be gone before its workers are stopped, ms (> 0). */
  orphanTimeoutMs: number;
  /** Time each worker gets between SIGTERM and SIGKILL, ms. */
  stopGraceMs: number;
  /** Where progress is reported (a line each). */
  log: (line: string) => void;
}

/** Runs the watchdog until it has nothing left to guard; resolves when it is done. */
export async function runOrphanWatchdog(options: OrphanWatchdogOptions): Promise<void> {
  const { workerDir, orphanTimeoutMs, stopGraceMs, log } = options;
  const checkMs = watchdogCheckMs(orphanTimeoutMs);
  let ownerSeenAt = Date.now();
  for (;;) {
    const owner = readIdentity(join(workerDir, OWNER_FILE));
    const workers = liveWorkers(workerDir);
    const judged = judgeOrphans(
      { now: Date.now(), ownerAlive: owner !== undefined && isAlive(owner), liveWorkers: workers.length },
      ownerSeenAt,
      orphanTimeoutMs,
    );
    ownerSeenAt = judged.ownerSeenAt;
    const { verdict } = judged;
    if (verdict.kind === "exit") {
      return;
    }
    if (verdict.kind === "stop-workers") {
      log(
        `the control plane has been gone for ${verdict.ownerGoneMs} ms (orphan timeout ${orphanTimeoutMs} ms): ` +
          `stopping ${workers.length} worker(s): ${workers.map((w) => `${w.workerId} (pid ${w.pid})`).join(", ")}`,
      );
      await stopGroups(workers, stopGraceMs);
      log("stopped; exiting");
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, checkMs));
  }
}

interface WorkerProcess extends ProcessIdentity {
  workerId: string;
}

/** The workers of the state files whose processes (or what they forked) still run. */
function liveWorkers(workerDir: string): WorkerProcess[] {
  let files: string[];
  try {
    files = readdirSync(workerDir);
  } catch {
    return [];
  }
  const live: WorkerProcess[] = [];
  for (const file of files) {
    if (!file.endsWith(".json")) {
      continue;
    }
    const identity = readIdentity(join(workerDir, file));
    if (identity && isGroupAlive(identity)) {
      live.push({ ...identity, workerId: file.slice(0, -".json".length) });
    }
  }
  return live;
}

/**
 * Stops worker process groups as the driver does: SIGCONT (a paused standby cannot act on a signal),
 * SIGTERM, then SIGKILL to whatever is left of each group once its leader exited or the grace ran out
 * (helpers a worker forked, such as the runpod SDK's heartbeat process, would otherwise outlive it).
 */
async function stopGroups(workers: readonly WorkerProcess[], graceMs: number): Promise<void> {
  for (const worker of workers) {
    signalGroup(worker.pid, "SIGCONT");
    signalGroup(worker.pid, "SIGTERM");
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && workers.some((worker) => isAlive(worker))) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  for (const worker of workers) {
    signalGroup(worker.pid, "SIGKILL");
  }
}
