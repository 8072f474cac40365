import type { EndpointRecord, WorkerRecord } from "../store/records.js";
import { type WorkerStatus, workerStatus } from "../workers/worker-registry.js";
import type { Observed, ObservedWorker } from "./decide.js";

/** The phase {@link decide} sees for each worker status of the contract. */
export const PHASE_OF_STATUS: Record<WorkerStatus, ObservedWorker["phase"]> = {
  INITIALIZING: "booting",
  IDLE: "idle",
  RUNNING: "busy",
  THROTTLED: "throttled",
  UNHEALTHY: "unhealthy",
  STANDBY: "standby",
  STOPPING: "stopping",
};

/** What an observation is assembled from: the facts the autoscaler (or the simulator) holds at `now`. */
export interface ObservationInput {
  endpoint: EndpointRecord;
  /** The endpoint's worker records. */
  workers: readonly WorkerRecord[];
  /** Number of jobs each worker runs now (absent: none). */
  runningJobs: (workerId: string) => number;
  /** Jobs the endpoint's workers run now, all together. */
  inProgress: number;
  /** Queued jobs that may cause scaling, and the submission instant of the oldest of them. */
  queue: { queuedNormal: number; oldestQueuedAt: number | undefined };
  /**
   * Since when each worker has been seen idle. Updated in place: an idle worker seen for the first time
   * is idle from `now`; a worker no longer idle is forgotten. This is the autoscaler's one piece of
   * memory between evaluations, so the idle timeout counts from the first evaluation that saw it idle.
   */
  idleSince: Map<string, number>;
  /** When each worker was launched (for the init timeout); a worker not found counts from its registration. */
  launchedAt: (workerId: string) => number | undefined;
  /** The crash back-off in force, if any. */
  backoff: { until: number; reason: string } | undefined;
  initTimeoutMs: number;
  /** Since when each worker's health check has been failing, if it is (load-balancing workers' `/ping`). */
  unhealthySince?: (workerId: string) => number | undefined;
  /** How long a health check may keep failing before the worker is replaced; absent: never. */
  unhealthyTimeoutMs?: number;
  now: number;
}

/**
 * Assembles what {@link decide} is given from worker records, running jobs and the queue: the same
 * assembly for the live autoscaler and for the simulator, so that both decide from the same view.
 */
export function observeEndpoint(input: ObservationInput): Observed {
  const { idleSince, now } = input;
  const workers: ObservedWorker[] = input.workers.map((worker) => {
    const phase = PHASE_OF_STATUS[workerStatus(worker, input.runningJobs(worker.id))];
    if (phase === "idle") {
      if (!idleSince.has(worker.id)) {
        idleSince.set(worker.id, now);
      }
    } else {
      idleSince.delete(worker.id);
    }
    return {
      id: worker.id,
      phase,
      idleSince: idleSince.get(worker.id) ?? null,
      version: worker.endpointVersion,
      managed: worker.driver !== "external",
      // Adopted after a restart, a worker counts from its registration.
      bootingSince: phase === "booting" ? (input.launchedAt(worker.id) ?? worker.createdAt) : null,
      unhealthySince: phase === "unhealthy" ? (input.unhealthySince?.(worker.id) ?? null) : null,
    };
  });
  return {
    queuedNormal: input.queue.queuedNormal,
    inProgress: input.inProgress,
    oldestQueuedAt: input.queue.oldestQueuedAt,
    workers,
    backoff: input.backoff !== undefined && input.backoff.until > now ? input.backoff : undefined,
    initTimeoutMs: input.initTimeoutMs,
    unhealthyTimeoutMs: input.unhealthyTimeoutMs,
  };
}
