import type { components } from "@runfleet/sdk/generated";
import { type CompiledEndpointSettings, ENDPOINT_DEFAULTS } from "../domain/endpoint-settings.js";
import type { GpuInventory } from "../gpus/gpu-inventory.js";
import { type SimulationResult, simulate } from "../simulation/simulator.js";
import { type Trace, traceOf } from "../simulation/trace.js";
import type { EndpointRecord, JobHistoryRecord } from "../store/records.js";
import type { Store } from "../store/store.js";
import { summarizeUsage } from "../usage/usage-summary.js";
import { toIso } from "../util/clock.js";
import {
  ADVISORY_RULES,
  describeFinding,
  type EndpointHistory,
  percentileOf,
  type SimulatedOutcome,
} from "./advice-rules.js";

type Schemas = components["schemas"];

/** The autoscaling settings of an endpoint record. */
export function settingsOf(endpoint: EndpointRecord): CompiledEndpointSettings {
  const settings = { ...ENDPOINT_DEFAULTS };
  for (const key of Object.keys(ENDPOINT_DEFAULTS) as (keyof CompiledEndpointSettings)[]) {
    (settings as Record<string, unknown>)[key] = endpoint[key];
  }
  return settings;
}

/**
 * The trace of an endpoint's recorded jobs: arrival from submission, execution from take to end. A job
 * not yet finished (or never taken) runs for the median execution of the others.
 */
export function traceOfHistory(jobs: readonly JobHistoryRecord[], from: number): Trace {
  const executions = jobs
    .filter((job) => job.startedAt !== null && job.completedAt !== null)
    .map((job) => (job.completedAt as number) - (job.startedAt as number));
  const median = percentileOf(executions, 0.5) ?? 0;
  return traceOf(
    jobs.map((job) => ({
      arrivalMs: Math.max(0, job.createdAt - from),
      executionMs:
        job.startedAt !== null && job.completedAt !== null ? Math.max(0, job.completedAt - job.startedAt) : median,
      lowPriority: job.lowPriority,
    })),
  );
}

function outcome(result: SimulationResult, settings: Partial<CompiledEndpointSettings>): SimulatedOutcome {
  const w = result.workerSeconds;
  return {
    settings,
    p95QueueDelaySeconds: result.queueDelayMs.p95 === null ? null : result.queueDelayMs.p95 / 1000,
    coldStarts: result.coldStarts,
    workerSeconds: Math.round((w.initializing + w.running + w.idle + w.stopping + w.unhealthy) * 1000) / 1000,
    gpuSeconds: Math.round(result.cost.billedSeconds * (result.settings.computeType === "GPU" ? 1 : 0) * 1000) / 1000,
  };
}

/**
 * Reads an endpoint's recent history (retained jobs, usage, scaling events), runs every advisory rule,
 * and simulates the history with the current settings and with each finding's proposal.
 */
export async function adviseEndpoint(
  deps: { store: Store; gpus: GpuInventory; now: number },
  endpoint: EndpointRecord,
  windowMs: number,
): Promise<Schemas["EndpointAdvice"]> {
  const { store, now } = deps;
  const from = now - windowMs;
  const settings = settingsOf(endpoint);
  const [jobs, events, usage] = await Promise.all([
    store.listJobHistory(endpoint.id, from, now),
    store.listScalingEvents(endpoint.id, 10_000),
    store.listWorkerUsage(endpoint.id, from, now),
  ]);
  const summary = summarizeUsage(usage);
  // A worker's boot: its initializing time, for workers seen to become ready within the window.
  const boots = summary.workers
    .filter((w) => w.seconds.initializing > 0 && w.seconds.running + w.seconds.idle > 0)
    .map((w) => w.seconds.initializing * 1000);
  const history: EndpointHistory = {
    settings,
    windowMs,
    queueDelaysMs: jobs.filter((job) => job.startedAt !== null).map((job) => (job.startedAt as number) - job.createdAt),
    scalingEvents: events.filter((event) => event.at >= from).reverse(),
    usage: summary.total.seconds,
    coldStartMs: percentileOf(boots, 0.5),
    gpusOfType: deps.gpus
      .list()
      .filter((gpu) => settings.gpuTypeIds.length === 0 || settings.gpuTypeIds.includes(gpu.type)).length,
  };
  const findings = ADVISORY_RULES.map((rule) => rule(history)).filter((finding) => finding !== undefined);
  const trace = traceOfHistory(jobs, from);
  const model = { coldStartMs: history.coldStartMs ?? 0, initMs: 0, resumeMs: 50 };
  let current: SimulatedOutcome | null = null;
  const advisories = findings.map((finding) => {
    let alternative: SimulatedOutcome | null = null;
    if (finding.proposal !== null && trace.length > 0) {
      current ??= outcome(simulate(settings, trace, model, { untilMs: windowMs }), {});
      alternative = outcome(
        simulate({ ...settings, ...finding.proposal }, trace, model, { untilMs: windowMs }),
        finding.proposal,
      );
    }
    const shown = alternative === null ? null : current;
    return {
      rule: finding.rule,
      severity: finding.severity,
      message: describeFinding(finding, shown, alternative),
      evidence: finding.evidence,
      current: shown,
      alternative,
    };
  });
  return {
    endpointId: endpoint.id,
    from: toIso(from),
    to: toIso(now),
    jobs: trace.length,
    coldStartMs: history.coldStartMs,
    advisories,
  };
}
