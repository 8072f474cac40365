/**
 * `npm run docs:autoscaling`: regenerates the example traces (examples/traces/*.csv, from seeded specs)
 * and the figures of docs/autoscaling.md: RunPod's three example configurations simulated on each trace,
 * and a sweep per trace with its Pareto frontier (tables in the page, charts as SVG under docs/autoscaling/).
 * Deterministic: the same code writes the same files.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  type CompiledEndpointSettings,
  ENDPOINT_DEFAULTS,
  formatCsvTrace,
  frontierOf,
  generateTrace,
  markdownTable,
  type SimulationOptions,
  type SimulationResult,
  simulate,
  sweepChartSvg,
  sweepConfigurations,
  type TraceSpec,
  type WorkerModel,
} from "@runfleet/control-plane";
import { ROOT } from "./harness.js";

/** The shipped traces: what each one is, and the spec it is generated from. */
const TRACES: { name: string; about: string; spec: TraceSpec }[] = [
  {
    name: "steady",
    about: "1 h of steady traffic, 0.5 jobs/s (Poisson), 3 s median execution",
    spec: { shape: { kind: "steady", jobsPerSecond: 0.5 }, durationSeconds: 3600, executionMedianMs: 3000, seed: 11 },
  },
  {
    name: "bursty",
    about: "1 h of bursts: 3 jobs/s for 60 s every 15 min over a trickle of one job every 20 s, 2 s median execution",
    spec: {
      shape: { kind: "bursty", baseJobsPerSecond: 0.05, burstJobsPerSecond: 3, burstSeconds: 60, periodSeconds: 900 },
      durationSeconds: 3600,
      executionMedianMs: 2000,
      seed: 12,
    },
  },
  {
    name: "diurnal",
    about: "24 h following the day: from nothing at night to 0.2 jobs/s at the peak, 3 s median execution",
    spec: {
      shape: { kind: "diurnal", troughJobsPerSecond: 0, peakJobsPerSecond: 0.2, periodSeconds: 86_400 },
      durationSeconds: 86_400,
      executionMedianMs: 3000,
      seed: 13,
    },
  },
];

/** RunPod's three example profiles, as Runfleet settings. */
const PROFILES: { name: string; settings: Partial<CompiledEndpointSettings> }[] = [
  {
    name: "low cost",
    settings: {
      workersMin: 0,
      workersMax: 3,
      idleTimeout: 30,
      scalerType: "QUEUE_DELAY",
      scalerValue: 10,
      flashboot: false,
    },
  },
  {
    name: "balanced",
    settings: {
      workersMin: 0,
      workersMax: 5,
      idleTimeout: 60,
      scalerType: "QUEUE_DELAY",
      scalerValue: 4,
      flashboot: true,
    },
  },
  {
    name: "high performance",
    settings: {
      workersMin: 1,
      workersMax: 10,
      idleTimeout: 300,
      scalerType: "REQUEST_COUNT",
      scalerValue: 1,
      flashboot: true,
    },
  },
];

/** The worker model of every figure: a GPU worker that loads a model. */
const MODEL: WorkerModel = { coldStartMs: 10_000, initMs: 20_000, resumeMs: 500 };
const GPU = "NVIDIA L4";
/** An illustrative price (USD per GPU-second), not a quote: give yours with --price. */
const PRICE = 0.0002;
const OPTIONS: SimulationOptions = { prices: { [GPU]: PRICE } };
const BASE: CompiledEndpointSettings = { ...ENDPOINT_DEFAULTS, gpuTypeIds: [GPU], gpuCount: 1 };

const DOC = join(ROOT, "docs/autoscaling.md");
const BEGIN = "<!-- figures:begin (written by npm run docs:autoscaling) -->";
const END = "<!-- figures:end -->";

function figures(): string {
  const parts: string[] = [];
  for (const { name, about, spec } of TRACES) {
    const trace = generateTrace(spec);
    writeFileSync(join(ROOT, `examples/traces/${name}.csv`), formatCsvTrace(trace));
    const profiles = PROFILES.map((profile) => simulate({ ...BASE, ...profile.settings }, trace, MODEL, OPTIONS));
    const sweep = sweepConfigurations(BASE, {
      workersMin: [0, 1],
      workersMax: [1, 2, 3, 4, 6, 8, 10],
      idleTimeout: [5, 30, 60, 300],
      flashboot: [false, true],
    }).map((settings) => simulate(settings, trace, MODEL, OPTIONS));
    const frontier = frontierOf(sweep);
    writeFileSync(
      join(ROOT, `docs/autoscaling/${name}.svg`),
      sweepChartSvg(sweep, `${name}: cost (USD) against p95 queue delay, ${sweep.length} configurations`),
    );
    parts.push(
      `### ${name[0]?.toUpperCase()}${name.slice(1)} (\`examples/traces/${name}.csv\`)`,
      "",
      `${about}: ${trace.length} jobs.`,
      "",
      "The three profiles:",
      "",
      labelled(
        profiles,
        PROFILES.map((p) => p.name),
      ),
      `The frontier of ${sweep.length} configurations (workersMin 0–1, workersMax 1–10, idleTimeout 5–300 s, FlashBoot off/on): nothing else is both cheaper and faster.`,
      "",
      markdownTable(frontier),
      `![${name}: cost against p95 queue delay](autoscaling/${name}.svg)`,
      "",
    );
  }
  return parts.join("\n");
}

function labelled(results: SimulationResult[], names: string[]): string {
  const table = markdownTable(results).split("\n");
  // Name each row after its profile.
  return `${table
    .map((line, i) => {
      if (i === 0) {
        return line.replace("| CONFIGURATION |", "| PROFILE | CONFIGURATION |");
      }
      if (i === 1) {
        return `|---${line}`;
      }
      return line === "" ? line : `| ${names[i - 2] ?? ""} ${line}`;
    })
    .join("\n")}`;
}

const page = readFileSync(DOC, "utf8");
const begin = page.indexOf(BEGIN);
const end = page.indexOf(END);
if (begin < 0 || end < begin) {
  throw new Error(`${DOC} lacks the ${BEGIN} … ${END} markers`);
}
writeFileSync(DOC, `${page.slice(0, begin + BEGIN.length)}\n\n${figures()}\n${page.slice(end)}`);
process.stdout.write(`wrote ${DOC}, docs/autoscaling/*.svg and examples/traces/*.csv\n`);
