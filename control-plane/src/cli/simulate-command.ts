import { readFileSync, writeFileSync } from "node:fs";
import type { components } from "@runfleet/sdk";
import {
  type CompiledEndpointSettings,
  checkEndpointSettings,
  ENDPOINT_DEFAULTS,
} from "../domain/endpoint-settings.js";
import type { PriceTable } from "../simulation/cost-model.js";
import { costObjective, frontierOf, RESULT_HEADER, resultRow, sweepChartSvg } from "../simulation/simulation-report.js";
import { type SimulationOptions, type SimulationResult, simulate, type WorkerModel } from "../simulation/simulator.js";
import { parseSweepAxis, type SweepAxes, SweepSyntaxError, sweepConfigurations } from "../simulation/sweep.js";
import { parseTrace, type Trace, TraceFormatError, traceFormatOf, traceOf } from "../simulation/trace.js";
import { assignDefined, booleanFlag, durationFlag, integerFlag, specFile } from "./cli-arguments.js";
import { COMMON_USAGE, type CommandContext, parseCommand } from "./cli-context.js";
import { usageError } from "./cli-errors.js";
import { type CliOutput, json, table } from "./cli-output.js";

type Schemas = components["schemas"];

/** Usage of `runfleet simulate`. */
export const SIMULATE_USAGE = `Usage:
  runfleet simulate --trace FILE [settings] [worker model] [--sweep FIELD=VALUES ...] [--chart FILE.svg]
  runfleet simulate --from-endpoint ID [--window 24h] [settings] ...

Replays job arrivals against an endpoint configuration through the autoscaler's own decide() on a
virtual clock, and prints queue delay p50/p95/p99, cold starts, time at workersMax, worker-seconds,
GPU-seconds and cost. With --sweep, every combination is simulated and the Pareto frontier (cost
against p95 queue delay) is printed, and drawn with --chart.

Traffic (one of):
  --trace FILE           CSV (header arrivalMs,executionMs[,lowPriority]) or NDJSON (.ndjson/.jsonl)
  --from-endpoint ID     the endpoint's retained jobs (created/started/completed; the newest 1000, kept
                         for the server's resultRetentionMs), its settings as the base configuration and
                         its measured cold start (median boot of its workers, from usage) as the model
  --window DURATION      how far back --from-endpoint reads: 30m, 6h, 24h        [24h]

Settings (flags win over --file; defaults are the server's endpoint defaults):
  --file spec.yaml       --workers-min N    --workers-max N     --idle-timeout SECONDS
  --scaler-type QUEUE_DELAY|REQUEST_COUNT   --scaler-value N    --flashboot true|false
  --compute-type GPU|CPU --gpu-count N      --gpu-type ID       --execution-timeout-ms MS

Worker model (ms):
  --cold-start-ms MS     start decision to process running (pull, spawn)        [from history, else 2000]
  --init-ms MS           process running to first job request (model load)      [0]
  --resume-ms MS         FlashBoot resume to serving                            [50]
  --init-timeout-ms MS   a worker not ready by then is abandoned                [420000]
  --dispatch-ms MS       job end to the worker's next take                      [0]
  --tick-ms MS           the autoscaler's periodic evaluation                   [500]
  --gpus N               GPUs free for the endpoint (fewer leave workers THROTTLED) [unlimited]

Cost (none built in):
  --price TYPE=PER_SECOND  price per GPU-second of a GPU type, or CPU=per worker-second (repeatable)
  --prices FILE            a JSON object of the same
  --standby-billed         bill FlashBoot standby seconds too (by default reported, not billed)

Sweep:
  --sweep FIELD=VALUES   FIELD: workersMin workersMax idleTimeout flashboot scalerType scalerValue;
                         VALUES: a,b,c | from..to | from..to:step (repeatable: one flag per field)
  --chart FILE.svg       write the cost / p95-delay chart with the frontier

${COMMON_USAGE}`;

const OPTIONS = {
  trace: { type: "string" },
  "from-endpoint": { type: "string" },
  window: { type: "string" },
  file: { type: "string", short: "f" },
  "workers-min": { type: "string" },
  "workers-max": { type: "string" },
  "idle-timeout": { type: "string" },
  "scaler-type": { type: "string" },
  "scaler-value": { type: "string" },
  flashboot: { type: "string" },
  "compute-type": { type: "string" },
  "gpu-count": { type: "string" },
  "gpu-type": { type: "string", multiple: true },
  "execution-timeout-ms": { type: "string" },
  "cold-start-ms": { type: "string" },
  "init-ms": { type: "string" },
  "resume-ms": { type: "string" },
  "init-timeout-ms": { type: "string" },
  "dispatch-ms": { type: "string" },
  "tick-ms": { type: "string" },
  gpus: { type: "string" },
  price: { type: "string", multiple: true },
  prices: { type: "string" },
  "standby-billed": { type: "boolean" },
  sweep: { type: "string", multiple: true },
  chart: { type: "string" },
} as const;

type Values = {
  [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K] extends { multiple: true }
    ? string[]
    : (typeof OPTIONS)[K] extends { type: "boolean" }
      ? boolean
      : string;
};

/** Default worker model when neither flags nor history say otherwise. */
const DEFAULT_COLD_START_MS = 2000;
const DEFAULT_RESUME_MS = 50;

/** `TYPE=PRICE` flags and a prices file, as one table (flags win). */
export function priceTable(flags: string[] | undefined, file: string | undefined): PriceTable {
  const prices: Record<string, number> = {};
  if (file !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, "utf8"));
    } catch (error) {
      throw usageError(`--prices: cannot read ${file} as JSON: ${(error as Error).message}`);
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw usageError(`--prices: ${file} must hold an object of GPU type → price per second`);
    }
    for (const [type, price] of Object.entries(parsed)) {
      if (typeof price !== "number" || !(price >= 0)) {
        throw usageError(`--prices: the price of "${type}" must be a number ≥ 0`);
      }
      prices[type] = price;
    }
  }
  for (const pair of flags ?? []) {
    const at = pair.lastIndexOf("=");
    const price = Number(pair.slice(at + 1));
    if (at <= 0 || pair.slice(at + 1).trim() === "" || !(price >= 0)) {
      throw usageError(`--price must be TYPE=PRICE_PER_SECOND with a number ≥ 0, got "${pair}"`);
    }
    prices[pair.slice(0, at)] = price;
  }
  return prices;
}

/** Non-negative ms flag. */
function msFlag(flag: string, value: string | undefined): number | undefined {
  const parsed = integerFlag(flag, value);
  if (parsed !== undefined && parsed < 0) {
    throw usageError(`${flag} must be ≥ 0, got ${parsed}`);
  }
  return parsed;
}

/** The base configuration: the endpoint's (with --from-endpoint) or the defaults, then --file, then flags. */
function settingsFrom(v: Values, base: CompiledEndpointSettings): CompiledEndpointSettings {
  const file = v.file ? (specFile("--file", v.file) as Partial<CompiledEndpointSettings>) : {};
  const settings: CompiledEndpointSettings = { ...base };
  for (const key of Object.keys(ENDPOINT_DEFAULTS) as (keyof CompiledEndpointSettings)[]) {
    if (file[key] !== undefined) {
      (settings as Record<string, unknown>)[key] = file[key];
    }
  }
  const scalerType = v["scaler-type"];
  if (scalerType !== undefined && scalerType !== "QUEUE_DELAY" && scalerType !== "REQUEST_COUNT") {
    throw usageError(`--scaler-type must be QUEUE_DELAY or REQUEST_COUNT, got "${scalerType}"`);
  }
  const computeType = v["compute-type"];
  if (computeType !== undefined && computeType !== "GPU" && computeType !== "CPU") {
    throw usageError(`--compute-type must be GPU or CPU, got "${computeType}"`);
  }
  assignDefined(settings, {
    workersMin: integerFlag("--workers-min", v["workers-min"]),
    workersMax: integerFlag("--workers-max", v["workers-max"]),
    idleTimeout: integerFlag("--idle-timeout", v["idle-timeout"]),
    scalerType,
    scalerValue: integerFlag("--scaler-value", v["scaler-value"]),
    flashboot: booleanFlag("--flashboot", v.flashboot),
    computeType,
    gpuCount: integerFlag("--gpu-count", v["gpu-count"]),
    gpuTypeIds: v["gpu-type"],
    executionTimeoutMs: integerFlag("--execution-timeout-ms", v["execution-timeout-ms"]),
  });
  const problems = checkEndpointSettings(settings);
  if (problems.length > 0) {
    throw usageError(problems.map((p) => `${p.field}: ${p.message}`).join("; "), SIMULATE_USAGE);
  }
  return settings;
}

/** The endpoint's retained jobs within the window as a trace (arrival = createdAt, execution = completed − started). */
export function traceFromJobs(jobs: readonly Schemas["JobRecord"][], fromMs: number): Trace {
  return traceOf(
    jobs
      .filter((job) => job.startedAt && job.completedAt && Date.parse(job.createdAt) >= fromMs)
      .map((job) => ({
        arrivalMs: Date.parse(job.createdAt) - fromMs,
        executionMs: Math.max(0, Date.parse(job.completedAt as string) - Date.parse(job.startedAt as string)),
        lowPriority: job.lowPriority,
      })),
  );
}

interface Loaded {
  trace: Trace;
  base: CompiledEndpointSettings;
  coldStartMs: number | undefined;
  /** Simulate until the end of the window, so idle time after the last job counts as it did live. */
  untilMs: number | undefined;
  source: string;
}

async function loadTraffic(context: CommandContext<Values>, v: Values): Promise<Loaded> {
  if (v.trace !== undefined && v["from-endpoint"] !== undefined) {
    throw usageError("give either --trace or --from-endpoint, not both", SIMULATE_USAGE);
  }
  if (v.trace !== undefined) {
    let text: string;
    try {
      text = readFileSync(v.trace === "-" ? 0 : v.trace, "utf8");
    } catch (error) {
      throw usageError(`--trace: cannot read ${v.trace}: ${(error as Error).message}`);
    }
    try {
      const trace = parseTrace(text, traceFormatOf(v.trace));
      return { trace, base: ENDPOINT_DEFAULTS, coldStartMs: undefined, untilMs: undefined, source: v.trace };
    } catch (error) {
      if (error instanceof TraceFormatError) {
        throw usageError(`--trace ${v.trace}: ${error.message}`);
      }
      throw error;
    }
  }
  const endpointId = v["from-endpoint"];
  if (endpointId === undefined) {
    throw usageError("give the traffic: --trace FILE or --from-endpoint ID", SIMULATE_USAGE);
  }
  const windowMs = durationFlag("--window", v.window ?? "24h");
  const runfleet = context.client();
  const now = Date.now();
  const fromMs = now - windowMs;
  const [endpoint, jobs, usage] = await Promise.all([
    runfleet.endpoints.get(endpointId),
    runfleet.endpoints.jobs(endpointId, { limit: 1000 }),
    runfleet.endpoints.usage(endpointId, { from: new Date(fromMs), to: new Date(now) }),
  ]);
  // The measured cold start: the median boot (initializing time) of the workers that became ready.
  const boots = usage.workers
    .filter((w) => w.seconds.initializing > 0 && w.seconds.running + w.seconds.idle > 0)
    .map((w) => w.seconds.initializing * 1000)
    .sort((a, b) => a - b);
  const coldStartMs = boots.length > 0 ? boots[Math.ceil(boots.length / 2) - 1] : undefined;
  const { id: _id, name: _name, templateId: _t, version: _v, createdAt: _c, updatedAt: _u, ...settings } = endpoint;
  const base = { ...ENDPOINT_DEFAULTS, ...settings } as CompiledEndpointSettings;
  const trace = traceFromJobs(jobs, fromMs);
  if (jobs.length === 1000) {
    context.output.err(
      "note: the 1000 newest retained jobs were read; older ones in the window are not part of the trace\n",
    );
  }
  return {
    trace,
    base,
    coldStartMs: coldStartMs === undefined ? undefined : Math.round(coldStartMs),
    untilMs: windowMs,
    source: `endpoint ${endpointId}, last ${v.window ?? "24h"} (${trace.length} jobs)`,
  };
}

/** `runfleet simulate`. */
export async function simulateCommand(args: string[], env: NodeJS.ProcessEnv, output: CliOutput): Promise<void> {
  const context = parseCommand(args, OPTIONS, SIMULATE_USAGE, env, output) as CommandContext<Values> | undefined;
  if (context === undefined) {
    return;
  }
  const v = context.values;
  if (context.positionals.length > 0) {
    throw usageError(`unexpected argument "${context.positionals[0]}"`, SIMULATE_USAGE);
  }
  const loaded = await loadTraffic(context, v);
  const base = settingsFrom(v, loaded.base);
  const model: WorkerModel = {
    coldStartMs: msFlag("--cold-start-ms", v["cold-start-ms"]) ?? loaded.coldStartMs ?? DEFAULT_COLD_START_MS,
    initMs: msFlag("--init-ms", v["init-ms"]) ?? 0,
    resumeMs: msFlag("--resume-ms", v["resume-ms"]) ?? DEFAULT_RESUME_MS,
    initTimeoutMs: msFlag("--init-timeout-ms", v["init-timeout-ms"]) ?? 420_000,
    dispatchMs: msFlag("--dispatch-ms", v["dispatch-ms"]) ?? 0,
  };
  const tickMs = msFlag("--tick-ms", v["tick-ms"]) ?? 500;
  if (tickMs < 10) {
    throw usageError("--tick-ms must be at least 10");
  }
  const options: SimulationOptions = {
    tickMs,
    gpusAvailable: integerFlag("--gpus", v.gpus),
    prices: priceTable(v.price, v.prices),
    standbyBilled: v["standby-billed"] === true,
    untilMs: loaded.untilMs,
  };
  let axes: SweepAxes = {};
  try {
    for (const axis of v.sweep ?? []) {
      axes = { ...axes, ...parseSweepAxis(axis) };
    }
  } catch (error) {
    if (error instanceof SweepSyntaxError) {
      throw usageError(error.message, SIMULATE_USAGE);
    }
    throw error;
  }
  const configurations = v.sweep === undefined ? [base] : sweepConfigurations(base, axes);
  if (configurations.length === 0) {
    throw usageError("the sweep leaves no valid configuration (is workersMin above workersMax everywhere?)");
  }
  const results: SimulationResult[] = configurations.map((settings) =>
    simulate(settings, loaded.trace, model, options),
  );
  const frontier = frontierOf(results);
  if (v.chart !== undefined) {
    writeFileSync(v.chart, sweepChartSvg(results, `Cost against p95 queue delay: ${loaded.source}`));
  }
  if (context.json) {
    output.out(
      json({
        source: loaded.source,
        jobs: loaded.trace.length,
        model,
        options: { ...options, gpusAvailable: options.gpusAvailable ?? null },
        results,
        frontier: frontier.map((r) => results.indexOf(r)),
      }),
    );
    return;
  }
  output.out(
    `${loaded.source}: ${loaded.trace.length} jobs; cold start ${model.coldStartMs} ms + init ${model.initMs} ms, resume ${model.resumeMs} ms\n\n`,
  );
  const onFrontier = new Set(frontier);
  output.out(
    table(
      results.length > 1 ? ["", ...RESULT_HEADER] : RESULT_HEADER,
      results.map((r) => (results.length > 1 ? [onFrontier.has(r) ? "*" : "", ...resultRow(r)] : resultRow(r))),
    ),
  );
  if (results.length > 1) {
    const cost = costObjective(results);
    output.out(
      `\n* Pareto frontier (${cost.label} against p95 queue delay), ${frontier.length} of ${results.length} configurations:\n`,
    );
    output.out(table(RESULT_HEADER, frontier.map(resultRow)));
  }
  if (results.every((r) => r.cost.cost === null)) {
    output.err(
      `no price for ${base.computeType === "CPU" ? "CPU" : (base.gpuTypeIds[0] ?? "the GPU type")}: give --price TYPE=PER_SECOND for costs\n`,
    );
  }
  if (v.chart !== undefined) {
    output.err(`chart written to ${v.chart}\n`);
  }
}
