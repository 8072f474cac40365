import type { EndpointRecord } from "../store/records.js";

/** A worker as the autoscaler sees it. */
export interface ObservedWorker {
  id: string;
  /**
   * `booting`: started, not yet asking for jobs; `idle`/`busy`: serving; `standby`: paused by FlashBoot;
   * `throttled`: waiting for GPUs; `stopping`: draining or being stopped; `unhealthy`: reported failing.
   */
  phase: "booting" | "idle" | "busy" | "standby" | "throttled" | "stopping" | "unhealthy";
  /** When it last finished a job or became ready, for the idle timeout. */
  idleSince: number | null;
  /** The endpoint version it runs (older ones roll over). */
  version: number;
  /** External workers count as capacity but are never started or stopped by the autoscaler. */
  managed: boolean;
  /** When it was launched, while it boots (for the init timeout); null otherwise. */
  bootingSince: number | null;
  /**
   * Since when its health check has been failing without a break (load-balancing workers' `/ping`);
   * null when it passes or nothing checks it.
   */
  unhealthySince: number | null;
}

/** What the autoscaler knows about an endpoint at one instant. */
export interface Observed {
  /** Queued jobs that may cause scaling (not low priority). */
  queuedNormal: number;
  /** Jobs being run. */
  inProgress: number;
  /** Submission instant of the oldest normal queued job. */
  oldestQueuedAt: number | undefined;
  workers: readonly ObservedWorker[];
  /** Until when starts are held back after crashes, and why. */
  backoff: { until: number; reason: string } | undefined;
  /** How long a launched worker may boot before it is given up on (RunPod's init timeout). */
  initTimeoutMs: number;
  /**
   * How long a worker's health check may keep failing before the worker is stopped and replaced;
   * undefined: never (nothing checks the endpoint's workers).
   */
  unhealthyTimeoutMs: number | undefined;
}

/** One thing to do. */
export type ScalingAction =
  | { kind: "start"; reason: string }
  | { kind: "resume"; workerId: string; reason: string }
  | { kind: "stop"; workerId: string; reason: string; replaced?: true }
  | { kind: "pause"; workerId: string; reason: string }
  | { kind: "drain"; workerId: string; reason: string }
  /** Stop a worker that did not become ready within the init timeout: a failed start, with back-off. */
  | { kind: "abandon"; workerId: string; reason: string }
  /**
   * Stop counting an external worker that never asked for a job within the init timeout of its
   * registration (it cannot be stopped from here): it shows as UNHEALTHY until it does ask.
   */
  | { kind: "disregard"; workerId: string; reason: string };

/** The decision for an endpoint: what to do, and the figures it was made from. */
export interface ScalingDecision {
  desired: number;
  actions: ScalingAction[];
  /** Why nothing more was done, when something held it back (backoff, workersMax). */
  held: string | undefined;
  inputs: Record<string, number | string | null>;
}

const CAPACITY_PHASES: ReadonlySet<ObservedWorker["phase"]> = new Set(["booting", "idle", "busy", "throttled"]);

/**
 * Decides how an endpoint's workers should change; pure, so every rule is a row in a table test.
 *
 * - `REQUEST_COUNT`: desired = ceil((queued + in progress) / scalerValue).
 * - `QUEUE_DELAY`: with jobs queued and no worker, one starts at once (scale from zero skips every delay);
 *   after that one more is added (one at a time) while the oldest job has waited longer than scalerValue s.
 * - Desired is clamped to [workersMin, workersMax]; booting and throttled workers count as capacity.
 * - Scale-down only stops (or, with FlashBoot, pauses) workers idle longer than `idleTimeout`, never a
 *   busy or booting one, and never below workersMin or below what the queue needs.
 * - Workers of an older endpoint version are replaced: idle ones at once, busy ones drain first.
 * - While a crash back-off runs, nothing starts.
 * - A managed worker still booting after the init timeout is abandoned (a failed start); nothing starts
 *   in that decision, so that the back-off the failure sets governs the next attempt.
 * - A managed worker whose health check has failed for `unhealthyTimeoutMs` is stopped; it no longer
 *   counts as capacity from its first failure, so its replacement may already be starting.
 * - An external worker registered longer than the init timeout ago that never asked for a job is
 *   disregarded: it no longer counts as capacity, so the autoscaler may start workers in its place (an
 *   external worker that never connects would otherwise hold scale-from-zero back forever).
 */
export function decide(endpoint: EndpointRecord, observed: Observed, now: number): ScalingDecision {
  const overdue = (w: ObservedWorker) =>
    w.phase === "booting" && w.bootingSince !== null && now - w.bootingSince >= observed.initTimeoutMs;
  const abandoned = observed.workers.filter((w) => w.managed && overdue(w));
  const disregarded = observed.workers.filter((w) => !w.managed && overdue(w));
  const capacity = observed.workers.filter(
    (w) => CAPACITY_PHASES.has(w.phase) && !abandoned.includes(w) && !disregarded.includes(w),
  );
  const current = capacity.length;
  let wanted: number;
  if (endpoint.scalerType === "REQUEST_COUNT") {
    wanted = Math.ceil((observed.queuedNormal + observed.inProgress) / endpoint.scalerValue);
  } else if (observed.queuedNormal > 0 && current === 0) {
    wanted = 1;
  } else if (
    observed.queuedNormal > 0 &&
    observed.oldestQueuedAt !== undefined &&
    now - observed.oldestQueuedAt > endpoint.scalerValue * 1000
  ) {
    // One more at a time: while one boots, the wait it will relieve is not yet visible.
    wanted = capacity.some((w) => w.phase === "booting") ? current : current + 1;
  } else {
    // Hold what runs; idle workers leave through the idle timeout below.
    wanted = Math.min(current, observed.queuedNormal + observed.inProgress);
  }
  const desired = Math.min(endpoint.workersMax, Math.max(endpoint.workersMin, wanted));
  const initTimeoutS = Math.round(observed.initTimeoutMs / 1000);
  const actions: ScalingAction[] = [
    ...abandoned.map(
      (w): ScalingAction => ({
        kind: "abandon",
        workerId: w.id,
        reason: `did not become ready within ${initTimeoutS} s of its start (init timeout)`,
      }),
    ),
    ...disregarded.map(
      (w): ScalingAction => ({
        kind: "disregard",
        workerId: w.id,
        reason: `external worker did not ask for a job within ${initTimeoutS} s of its registration (init timeout); not counted until it does`,
      }),
    ),
  ];
  if (observed.unhealthyTimeoutMs !== undefined) {
    const limit = observed.unhealthyTimeoutMs;
    for (const w of observed.workers) {
      if (w.managed && w.phase === "unhealthy" && w.unhealthySince !== null && now - w.unhealthySince >= limit) {
        actions.push({
          kind: "stop",
          workerId: w.id,
          reason: `failed its health check for ${Math.round((now - w.unhealthySince) / 1000)} s (limit ${Math.round(limit / 1000)} s); replaced`,
          replaced: true,
        });
      }
    }
  }
  let held: string | undefined;
  const inputs = {
    scalerType: endpoint.scalerType,
    scalerValue: endpoint.scalerValue,
    queued: observed.queuedNormal,
    inProgress: observed.inProgress,
    oldestWaitMs: observed.oldestQueuedAt === undefined ? null : now - observed.oldestQueuedAt,
    workers: current,
    desired,
  };

  // Roll workers of an older version over: idle ones stop now (and are replaced below), busy ones drain.
  const outdated = capacity.filter((w) => w.managed && w.version < endpoint.version);
  for (const worker of outdated) {
    if (worker.phase === "busy") {
      actions.push({
        kind: "drain",
        workerId: worker.id,
        reason: `runs version ${worker.version} < ${endpoint.version}; replaced after its job`,
      });
    } else {
      actions.push({
        kind: "stop",
        workerId: worker.id,
        reason: `runs version ${worker.version} < ${endpoint.version}; replaced now`,
      });
    }
  }
  const staying = capacity.filter((w) => !outdated.includes(w) || w.phase === "busy").length;
  for (const worker of observed.workers) {
    if (worker.managed && worker.phase === "standby" && worker.version < endpoint.version) {
      actions.push({ kind: "stop", workerId: worker.id, reason: "standby of an older version" });
    }
  }

  if (desired > staying) {
    let missing = desired - staying;
    const standbys = observed.workers.filter(
      (w) => w.managed && w.phase === "standby" && w.version >= endpoint.version,
    );
    for (const standby of standbys.slice(0, missing)) {
      actions.push({
        kind: "resume",
        workerId: standby.id,
        reason: `need ${desired} workers, have ${staying}; resuming a standby`,
      });
      missing--;
    }
    if (missing > 0 && observed.backoff && observed.backoff.until > now) {
      held = `backing off until ${new Date(observed.backoff.until).toISOString()}: ${observed.backoff.reason}`;
    } else if (missing > 0 && abandoned.length > 0) {
      held = "a worker did not become ready in time; the next start waits for the back-off";
    } else {
      for (let i = 0; i < missing; i++) {
        actions.push({
          kind: "start",
          reason:
            current === 0
              ? `${observed.queuedNormal} job(s) queued and no worker (scale from zero)`
              : `need ${desired} workers, have ${staying}`,
        });
      }
    }
  } else if (wanted > endpoint.workersMax && current >= endpoint.workersMax) {
    held = `at workersMax (${endpoint.workersMax})`;
  }

  // Scale down through the idle timeout, keeping max(workersMin, desired) and never touching busy ones.
  // Workers over workersMax (it was lowered) go at once, idle or not yet.
  let removable = staying - Math.max(endpoint.workersMin, desired);
  let overMax = staying - endpoint.workersMax;
  const idle = capacity
    .filter((w) => w.managed && w.phase === "idle" && !outdated.includes(w) && w.idleSince !== null)
    .sort((a, b) => (a.idleSince as number) - (b.idleSince as number));
  for (const worker of idle) {
    if (removable <= 0) {
      break;
    }
    const idleMs = now - (worker.idleSince as number);
    if (overMax > 0) {
      actions.push({ kind: "stop", workerId: worker.id, reason: `over workersMax (${endpoint.workersMax})` });
      overMax--;
      removable--;
    } else if (idleMs >= endpoint.idleTimeout * 1000) {
      const reason = `idle for ${Math.round(idleMs / 1000)} s (idleTimeout ${endpoint.idleTimeout} s)`;
      actions.push(
        endpoint.flashboot
          ? { kind: "pause", workerId: worker.id, reason: `${reason}; kept as a FlashBoot standby` }
          : { kind: "stop", workerId: worker.id, reason },
      );
      removable--;
    }
  }
  return { desired, actions, held, inputs };
}

/**
 * The init timeout of an endpoint's workers: `RUNPOD_INIT_TIMEOUT` (seconds) from their environment,
 * as RunPod reads it, else the control plane's default. A malformed value falls back to the default.
 */
export function initTimeoutOf(env: Record<string, string>, defaultMs: number): number {
  const seconds = Number(env.RUNPOD_INIT_TIMEOUT);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : defaultMs;
}
