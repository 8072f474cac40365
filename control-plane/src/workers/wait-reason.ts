import type { WorkerStatus } from "./worker-registry.js";

/** What is known about an endpoint when a queued job asks why it waits. */
export interface WaitSituation {
  workersMax: number;
  /** Status of each of the endpoint's workers. */
  workers: readonly WorkerStatus[];
  /** The reason given by an unhealthy worker, if any. */
  unhealthyReason?: string | undefined;
  /** A reason the autoscaler or a driver gives for the whole endpoint (no capacity, image pull...). */
  endpointReason?: string | undefined;
  lowPriority: boolean;
  /** 1-based place in the queue. */
  position: number | undefined;
}

/**
 * Explains, in one sentence, why a queued job has not started: the first question users of queue-based
 * GPU platforms ask ("why is my job stuck?"). Pure, so that each rule is a table row in its test.
 */
export function waitReason(situation: WaitSituation): string {
  const place = situation.position !== undefined ? ` (position ${situation.position} in the queue)` : "";
  if (situation.endpointReason) {
    return `${situation.endpointReason}${place}`;
  }
  const count = (status: WorkerStatus) => situation.workers.filter((s) => s === status).length;
  const healthy = situation.workers.length - count("UNHEALTHY") - count("STOPPING");
  if (situation.workersMax === 0 && situation.workers.length === 0) {
    return `the endpoint allows no workers (workersMax is 0)${place}`;
  }
  if (count("UNHEALTHY") > 0 && healthy === 0) {
    const why = situation.unhealthyReason ? `: ${situation.unhealthyReason}` : "";
    return `the endpoint's workers are unhealthy${why}${place}`;
  }
  if (count("THROTTLED") > 0 && healthy === count("THROTTLED")) {
    return `no capacity: waiting for free GPUs${place}`;
  }
  if (count("INITIALIZING") > 0 && count("IDLE") === 0) {
    return `waiting for ${count("INITIALIZING")} worker(s) to start${place}`;
  }
  if (count("STANDBY") > 0 && count("IDLE") === 0 && count("RUNNING") === 0) {
    return `resuming a standby worker${place}`;
  }
  if (healthy === 0) {
    return situation.lowPriority
      ? `low-priority job: it waits for a worker and does not start one${place}`
      : `no worker is running yet; one is being requested${place}`;
  }
  if (count("IDLE") === 0) {
    return `all ${healthy} worker(s) are busy${place}`;
  }
  return `being handed to an idle worker${place}`;
}
