import type { CompiledEndpointSettings } from "../domain/endpoint-settings.js";
import { type ChartPoint, paretoChartSvg } from "./pareto-chart.js";
import type { SimulationResult } from "./simulator.js";
import { paretoFrontier } from "./sweep.js";

/** A configuration in a few words: `min 0 max 3 idle 5s QD:4 fb`. */
export function configurationLabel(settings: CompiledEndpointSettings): string {
  const scaler = settings.scalerType === "QUEUE_DELAY" ? "QD" : "RC";
  return `min ${settings.workersMin} max ${settings.workersMax} idle ${settings.idleTimeout}s ${scaler}:${settings.scalerValue}${settings.flashboot ? " fb" : ""}`;
}

/** What a sweep is ranked by: cost when every result has a price, else billed GPU- (or worker-) seconds. */
export function costObjective(results: readonly SimulationResult[]): {
  label: string;
  of: (result: SimulationResult) => number;
} {
  const priced = results.length > 0 && results.every((r) => r.cost.cost !== null);
  const gpu = results.every((r) => r.settings.computeType === "GPU");
  return priced
    ? { label: "cost", of: (r) => r.cost.cost as number }
    : { label: gpu ? "billed GPU-seconds" : "billed worker-seconds", of: (r) => r.cost.billedSeconds };
}

/** p95 queue delay in ms; a configuration that left jobs unserved ranks last. */
export function delayObjective(result: SimulationResult): number {
  return result.jobs.unserved > 0 ? Number.POSITIVE_INFINITY : (result.queueDelayMs.p95 ?? 0);
}

/** The configurations no other one beats on both cost and p95 delay, cheapest-delay first. */
export function frontierOf(results: readonly SimulationResult[]): SimulationResult[] {
  const cost = costObjective(results);
  return paretoFrontier(results, delayObjective, cost.of);
}

function seconds(ms: number | null): string {
  return ms === null ? "-" : (ms / 1000).toFixed(ms < 10_000 ? 2 : 1);
}

function amount(value: number): string {
  return value >= 100 ? value.toFixed(0) : value >= 1 ? value.toFixed(2) : value.toPrecision(3);
}

/**
 * Column headers of {@link resultRow}: queue delay percentiles (s), cold starts, FlashBoot resumes, share of
 * time at workersMax, worker-seconds active (initializing + running) and idle, GPU-seconds held (standby
 * included), seconds billed (GPU-seconds, or worker-seconds on CPU), cost, jobs never served.
 */
export const RESULT_HEADER = [
  "CONFIGURATION",
  "P50 S",
  "P95 S",
  "P99 S",
  "COLD",
  "RESUMES",
  "AT MAX",
  "ACTIVE W-S",
  "IDLE W-S",
  "GPU-S",
  "BILLED S",
  "COST",
  "UNSERVED",
];

/** One configuration's figures as table cells (seconds, worker-seconds, GPU-seconds, cost). */
export function resultRow(result: SimulationResult): string[] {
  const w = result.workerSeconds;
  const atMax = result.durationMs > 0 ? (100 * result.timeAtWorkersMaxMs) / result.durationMs : 0;
  return [
    configurationLabel(result.settings),
    seconds(result.queueDelayMs.p50),
    seconds(result.queueDelayMs.p95),
    seconds(result.queueDelayMs.p99),
    String(result.coldStarts),
    String(result.resumes),
    `${atMax.toFixed(1)}%`,
    amount(w.running + w.initializing),
    amount(w.idle),
    amount(result.cost.gpuSeconds),
    amount(result.cost.billedSeconds),
    result.cost.cost === null ? "-" : amount(result.cost.cost),
    String(result.jobs.unserved),
  ];
}

/** A Markdown table of results (for docs/autoscaling.md). */
export function markdownTable(results: readonly SimulationResult[]): string {
  const lines = [
    `| ${RESULT_HEADER.join(" | ")} |`,
    `|${RESULT_HEADER.map(() => "---").join("|")}|`,
    ...results.map((r) => `| ${resultRow(r).join(" | ")} |`),
  ];
  return `${lines.join("\n")}\n`;
}

/** The cost/p95-delay chart of a sweep, frontier highlighted. */
export function sweepChartSvg(results: readonly SimulationResult[], title: string): string {
  const cost = costObjective(results);
  const frontier = new Set(frontierOf(results));
  const points: ChartPoint[] = results
    .filter((r) => r.jobs.unserved === 0)
    .map((r) => ({
      label: configurationLabel(r.settings),
      delaySeconds: (r.queueDelayMs.p95 ?? 0) / 1000,
      cost: cost.of(r),
      frontier: frontier.has(r),
    }));
  return paretoChartSvg(points, { title, costLabel: cost.label });
}
