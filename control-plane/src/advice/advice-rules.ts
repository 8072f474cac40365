import type { CompiledEndpointSettings } from "../domain/endpoint-settings.js";
import type { StateSeconds } from "../simulation/cost-model.js";
import type { ScalingEventRecord } from "../store/records.js";

/**
 * The autoscaling pitfalls RunPod's guide warns about, as pure rules over an endpoint's recorded history.
 * Each rule that fires names its evidence and, where a setting would help, the settings to simulate.
 */

/** Which pitfall. */
export type AdvisoryRule =
  | "max_workers_reached"
  | "idle_timeout_too_short"
  | "min_workers_idle"
  | "init_time_above_idle_timeout"
  | "gpu_type_unavailable";

/** What the rules look at. */
export interface EndpointHistory {
  settings: CompiledEndpointSettings;
  /** Span of the history, ms. */
  windowMs: number;
  /** Queue delays of the jobs of the window that were taken, ms. */
  queueDelaysMs: readonly number[];
  /** The autoscaler's decisions in the window, oldest first. */
  scalingEvents: readonly ScalingEventRecord[];
  /** Worker-seconds by state over the window. */
  usage: StateSeconds;
  /** Median time from a worker's launch to its first job request, ms (null when none was measured). */
  coldStartMs: number | null;
  /** GPUs the control plane has of the endpoint's types (any type when it names none). */
  gpusOfType: number;
}

/** A rule's finding: severity, figures, and the settings worth simulating instead (null when none helps). */
export interface Finding {
  rule: AdvisoryRule;
  severity: "info" | "warning";
  evidence: Record<string, number | string | null>;
  proposal: Partial<CompiledEndpointSettings> | null;
}

/** Nearest-rank percentile of unsorted values (null when none). */
export function percentileOf(values: readonly number[], q: number): number | null {
  if (values.length === 0) {
    return null;
  }
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
}

/** A queue delay worth a finding: more than 1 s, and more than the QUEUE_DELAY scaler's own target. */
function delayTargetMs(settings: CompiledEndpointSettings): number {
  return Math.max(1000, settings.scalerType === "QUEUE_DELAY" ? settings.scalerValue * 1000 : 0);
}

/**
 * "Max Workers too low: queue buildup". Fires when the autoscaler was held at workersMax while jobs
 * waited, and the p95 queue delay exceeds the delay target. Proposes half as many workers again (at least 1).
 */
export function maxWorkersReached(history: EndpointHistory): Finding | undefined {
  const holds = history.scalingEvents.filter((e) => e.action === "hold" && e.reason.startsWith("at workersMax"));
  const p95 = percentileOf(history.queueDelaysMs, 0.95);
  if (holds.length === 0 || p95 === null || p95 <= delayTargetMs(history.settings)) {
    return undefined;
  }
  const max = history.settings.workersMax;
  return {
    rule: "max_workers_reached",
    severity: "warning",
    evidence: { workersMax: max, timesHeldAtMax: holds.length, p95QueueDelaySeconds: p95 / 1000 },
    proposal: { workersMax: max + Math.max(1, Math.ceil(max / 2)) },
  };
}

/** A start this soon after an idle scale-down is a cold start the idle timeout caused. */
export const THRASH_WINDOW_FACTOR = 4;

/**
 * "Idle Timeout too low: thrashing". Counts starts that came within max(60 s, 4 × idleTimeout) of a
 * scale-down for idleness; fires from 3 of them. Proposes the idle timeout that would have covered
 * three in four of those gaps.
 */
export function idleTimeoutTooShort(history: EndpointHistory): Finding | undefined {
  const windowMs = Math.max(60_000, THRASH_WINDOW_FACTOR * history.settings.idleTimeout * 1000);
  const gaps: number[] = [];
  let lastScaleDown: number | undefined;
  for (const event of history.scalingEvents) {
    if ((event.action === "stop_worker" || event.action === "pause_worker") && event.reason.startsWith("idle for")) {
      lastScaleDown = event.at;
    } else if (event.action === "start_worker" && lastScaleDown !== undefined) {
      if (event.at - lastScaleDown <= windowMs) {
        gaps.push(event.at - lastScaleDown);
      }
      lastScaleDown = undefined;
    }
  }
  if (gaps.length < 3) {
    return undefined;
  }
  const cover = percentileOf(gaps, 0.75) as number;
  const proposed = Math.min(3600, Math.max(history.settings.idleTimeout + 1, Math.ceil(cover / 1000) + 1));
  return {
    rule: "idle_timeout_too_short",
    severity: "warning",
    evidence: {
      idleTimeout: history.settings.idleTimeout,
      coldStartsAfterScaleDown: gaps.length,
      withinSeconds: windowMs / 1000,
      medianGapSeconds: (percentileOf(gaps, 0.5) as number) / 1000,
    },
    proposal: { idleTimeout: proposed },
  };
}

/** Share of ready worker time spent idle above which kept-warm workers are mostly waste. */
export const IDLE_SHARE_LIMIT = 0.7;

/**
 * "workersMin idle most of the time". With workersMin above 0, fires when at least 70 % of the ready
 * worker time (idle + running) was idle. Proposes one kept-warm worker fewer.
 */
export function minWorkersIdle(history: EndpointHistory): Finding | undefined {
  const { idle, running } = history.usage;
  const ready = idle + running;
  if (history.settings.workersMin === 0 || ready <= 0 || idle / ready < IDLE_SHARE_LIMIT) {
    return undefined;
  }
  return {
    rule: "min_workers_idle",
    severity: "info",
    evidence: {
      workersMin: history.settings.workersMin,
      idleShare: Math.round((idle / ready) * 1000) / 1000,
      idleWorkerSeconds: Math.round(idle),
      runningWorkerSeconds: Math.round(running),
    },
    proposal: { workersMin: history.settings.workersMin - 1 },
  };
}

/**
 * "Not accounting for initialization time". Fires when workers take longer to boot than the idle
 * timeout keeps them: each scale-down then costs more than it saves. Proposes FlashBoot when it is off
 * (a resume skips the boot), else an idle timeout as long as the boot.
 */
export function initTimeAboveIdleTimeout(history: EndpointHistory): Finding | undefined {
  const coldStart = history.coldStartMs;
  if (coldStart === null || coldStart <= history.settings.idleTimeout * 1000) {
    return undefined;
  }
  return {
    rule: "init_time_above_idle_timeout",
    severity: "warning",
    evidence: { coldStartSeconds: coldStart / 1000, idleTimeout: history.settings.idleTimeout },
    proposal: history.settings.flashboot ? { idleTimeout: Math.ceil(coldStart / 1000) } : { flashboot: true },
  };
}

/**
 * "GPU type never available". For a GPU endpoint, fires when the control plane has no GPU of its types,
 * or when its workers waited for GPUs (THROTTLED) and never ran. No setting of the autoscaler helps.
 */
export function gpuTypeUnavailable(history: EndpointHistory): Finding | undefined {
  if (history.settings.computeType !== "GPU") {
    return undefined;
  }
  const neverRan = history.usage.throttled > 0 && history.usage.running === 0 && history.usage.idle === 0;
  if (history.gpusOfType > 0 && !neverRan) {
    return undefined;
  }
  return {
    rule: "gpu_type_unavailable",
    severity: "warning",
    evidence: {
      gpuTypeIds: history.settings.gpuTypeIds.length > 0 ? history.settings.gpuTypeIds.join(", ") : "any",
      gpuCount: history.settings.gpuCount,
      gpusOfTypeOnThisControlPlane: history.gpusOfType,
      throttledWorkerSeconds: Math.round(history.usage.throttled),
    },
    proposal: null,
  };
}

/** Every rule, in the order advisories are listed. */
export const ADVISORY_RULES: readonly ((history: EndpointHistory) => Finding | undefined)[] = [
  maxWorkersReached,
  idleTimeoutTooShort,
  minWorkersIdle,
  initTimeAboveIdleTimeout,
  gpuTypeUnavailable,
];

/** What a simulation of the history predicts, as an advisory shows it. */
export interface SimulatedOutcome {
  settings: Partial<CompiledEndpointSettings>;
  p95QueueDelaySeconds: number | null;
  coldStarts: number;
  workerSeconds: number;
  gpuSeconds: number;
}

function seconds(value: number | null): string {
  return value === null ? "-" : `${value.toFixed(1)} s`;
}

function change(settings: Partial<CompiledEndpointSettings>): string {
  return Object.entries(settings)
    .map(([key, value]) => `${key} ${value}`)
    .join(", ");
}

/** The cost difference, in percent of billed seconds, with its sign. */
function costChange(current: SimulatedOutcome, alternative: SimulatedOutcome): string {
  const base = current.gpuSeconds > 0 ? current.gpuSeconds : current.workerSeconds;
  const next = current.gpuSeconds > 0 ? alternative.gpuSeconds : alternative.workerSeconds;
  if (base <= 0) {
    return "cost n/a";
  }
  const percent = Math.round(((next - base) / base) * 100);
  return `cost ${percent >= 0 ? "+" : ""}${percent} %`;
}

/** The finding in one sentence, with the simulated alternative when there is one. */
export function describeFinding(
  finding: Finding,
  current: SimulatedOutcome | null,
  alternative: SimulatedOutcome | null,
): string {
  const e = finding.evidence;
  const tail =
    current && alternative
      ? `; with ${change(alternative.settings)}: p95 ${seconds(alternative.p95QueueDelaySeconds)}, ${alternative.coldStarts} cold starts (now simulated ${seconds(current.p95QueueDelaySeconds)}, ${current.coldStarts}), ${costChange(current, alternative)}`
      : "";
  switch (finding.rule) {
    case "max_workers_reached":
      return `workersMax (${e.workersMax}) was reached ${e.timesHeldAtMax} time(s) while the queue grew: p95 queue delay ${seconds(e.p95QueueDelaySeconds as number)}${tail}`;
    case "idle_timeout_too_short":
      return `idle timeout ${e.idleTimeout} s is shorter than the gaps between bursts: ${e.coldStartsAfterScaleDown} cold starts within ${e.withinSeconds} s of a scale-down (median gap ${seconds(e.medianGapSeconds as number)})${tail}`;
    case "min_workers_idle":
      return `workersMin ${e.workersMin} keeps workers idle ${Math.round((e.idleShare as number) * 100)} % of their ready time (${e.idleWorkerSeconds} idle worker-seconds)${tail}`;
    case "init_time_above_idle_timeout":
      return `workers take ${seconds(e.coldStartSeconds as number)} to boot, longer than the idle timeout (${e.idleTimeout} s): each scale-down costs a boot${tail}`;
    case "gpu_type_unavailable":
      return `no worker got a GPU of type ${e.gpuTypeIds} (${e.gpusOfTypeOnThisControlPlane} on this control plane, ${e.throttledWorkerSeconds} worker-seconds THROTTLED): declare or add such GPUs, or allow other types`;
  }
}
