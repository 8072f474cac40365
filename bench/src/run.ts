/**
 * `npm run bench`: measures the job path and worker start-up on this machine and writes the results, with
 * the targets they are checked against, to docs/benchmarks.md. Not a test: nothing here fails a build.
 *
 * Scenarios (sizes can be lowered with BENCH_SCALE=0.1 for a quick look):
 * - throughput: jobs/s end to end through HTTP with warm TypeScript workers and a no-op handler;
 * - runsync: round-trip latency with a warm worker (the control plane's overhead, the handler does nothing);
 * - enqueue: latency of `/run`;
 * - memory: control-plane RSS with 100,000 queued jobs;
 * - backlog: a 1,000,000-job backlog drains without errors (BENCH_BACKLOG sets another size);
 * - cold start: scale from zero to the first result through the process driver;
 * - FlashBoot: resume of a standby to the first result;
 * - reaction: time from the enqueue that needs a worker to the autoscaler's start decision;
 * - docker: cold start (container create + start + first result) and FlashBoot resume (unpause to first
 *   result) for the TS worker image; run when DOCKER_HOST names an engine (scripts/docker-engine.sh env)
 *   or when BENCH_ONLY lists it.
 *
 * BENCH_ONLY=throughput,latency,... runs only those; rows of the others are kept from the last report.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import {
  type BenchControlPlane,
  ECHO,
  ECHO_IMAGE,
  type EchoTemplate,
  echoEndpoint,
  killAll,
  percentile,
  pool,
  ROOT,
  rssOf,
  sleep,
  startControlPlane,
  startEchoWorkers,
} from "./harness.js";

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const n = (count: number) => Math.max(1, Math.round(count * SCALE));

interface Row {
  metric: string;
  value: string;
  target: string;
  met: boolean | undefined;
}
const rows: Row[] = [];
const notes: string[] = [];
const chart: { label: string; ms: number }[] = [];

function report(metric: string, value: number, unit: string, target?: { op: "<" | "<=" | ">="; value: number }): void {
  const text = `${unit === "jobs/s" ? Math.round(value) : value.toFixed(value < 10 ? 2 : 1)} ${unit}`;
  let met: boolean | undefined;
  if (target) {
    met = target.op === "<" ? value < target.value : target.op === "<=" ? value <= target.value : value >= target.value;
  }
  rows.push({ metric, value: text, target: target ? `${target.op} ${target.value} ${unit}` : "", met });
  process.stdout.write(
    `${metric}: ${text}${target ? ` (target ${target.op} ${target.value}, ${met ? "met" : "NOT met"})` : ""}\n`,
  );
}

async function waitCompleted(
  cp: BenchControlPlane,
  endpointId: string,
  total: number,
  timeoutMs: number,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const health = await cp.call<{ jobs: { completed: number; failed: number } }>("GET", `/v2/${endpointId}/health`);
    if (health.jobs.failed > 0) {
      throw new Error(`${health.jobs.failed} job(s) failed`);
    }
    if (health.jobs.completed >= total) {
      return Date.now();
    }
    if (Date.now() > deadline) {
      throw new Error(`only ${health.jobs.completed} of ${total} jobs completed in time`);
    }
    await sleep(20);
  }
}

async function throughput(): Promise<void> {
  const cp = await startControlPlane();
  try {
    const endpointId = await echoEndpoint(cp, { workersMax: 0 });
    const workers = 2;
    const concurrency = 64;
    await startEchoWorkers(cp, endpointId, workers, concurrency);
    const total = n(30_000);
    const started = Date.now();
    await pool(total, 64, async () => {
      await cp.call("POST", `/v2/${endpointId}/run`, { input: {} });
    });
    const submitted = Date.now();
    const done = await waitCompleted(cp, endpointId, total, 600_000);
    const rate = total / ((done - started) / 1000);
    report(
      `end-to-end throughput (${total} jobs, ${workers} workers × ${concurrency}, no-op handler)`,
      rate,
      "jobs/s",
      {
        op: ">=",
        value: 3000,
      },
    );
    notes.push(
      `Throughput: submitting took ${((submitted - started) / 1000).toFixed(1)} s, draining finished ${((done - submitted) / 1000).toFixed(1)} s later.`,
    );
  } finally {
    killAll();
    await cp.stop();
  }
}

async function latency(): Promise<void> {
  const cp = await startControlPlane();
  try {
    const endpointId = await echoEndpoint(cp, { workersMax: 0 });
    await startEchoWorkers(cp, endpointId, 1, 1);
    const rtts: number[] = [];
    for (let i = 0; i < n(2000); i++) {
      const t0 = performance.now();
      const result = await cp.call<{ status: string }>("POST", `/v2/${endpointId}/runsync`, { input: {} });
      rtts.push(performance.now() - t0);
      if (result.status !== "COMPLETED") {
        throw new Error(`runsync ended ${result.status}`);
      }
    }
    const warm = rtts.slice(Math.min(50, rtts.length - 1));
    report("runsync round trip p50 (warm worker, no-op handler)", percentile(warm, 0.5), "ms", { op: "<=", value: 3 });
    report("runsync round trip p99", percentile(warm, 0.99), "ms", { op: "<=", value: 15 });
    chart.push(
      { label: "runsync p50", ms: percentile(warm, 0.5) },
      { label: "runsync p99", ms: percentile(warm, 0.99) },
    );

    const enqueue: number[] = [];
    const idle = await echoEndpoint(cp, { workersMax: 0 });
    for (let i = 0; i < n(5000); i++) {
      const t0 = performance.now();
      await cp.call("POST", `/v2/${idle}/run`, { input: { i } });
      enqueue.push(performance.now() - t0);
    }
    report("enqueue (/run) p50", percentile(enqueue, 0.5), "ms");
    report("enqueue (/run) p99", percentile(enqueue, 0.99), "ms");
    chart.push(
      { label: "enqueue p50", ms: percentile(enqueue, 0.5) },
      { label: "enqueue p99", ms: percentile(enqueue, 0.99) },
    );
  } finally {
    killAll();
    await cp.stop();
  }
}

async function memoryAndBacklog(): Promise<void> {
  const cp = await startControlPlane();
  try {
    const endpointId = await echoEndpoint(cp, { workersMax: 0 });
    const queued = n(100_000);
    await pool(queued, 64, async (i) => {
      await cp.call("POST", `/v2/${endpointId}/run`, { input: { i, prompt: "a red fox jumping over a lazy dog" } });
    });
    await sleep(500);
    report(`control-plane RSS with ${queued} queued jobs`, rssOf(cp.pid) / 1024 / 1024, "MB", { op: "<", value: 300 });
    const backlog = Number(process.env.BENCH_BACKLOG ?? n(1_000_000));
    const t0 = Date.now();
    await pool(backlog - queued, 64, async (i) => {
      await cp.call("POST", `/v2/${endpointId}/run`, { input: { i } });
    });
    const filled = Date.now();
    notes.push(
      `Backlog: ${backlog} jobs queued in ${((filled - t0) / 1000 + 0).toFixed(0)} s; RSS then ${(rssOf(cp.pid) / 1024 / 1024).toFixed(0)} MB.`,
    );
    await startEchoWorkers(cp, endpointId, 2, 64);
    const drained = await waitCompleted(cp, endpointId, backlog, 3_600_000);
    const health = await cp.call<{ jobs: { failed: number; inQueue: number } }>("GET", `/v2/${endpointId}/health`);
    report(`${backlog}-job backlog drain rate`, backlog / ((drained - filled) / 1000), "jobs/s");
    rows.push({
      metric: `${backlog}-job backlog drains without errors`,
      value: `${health.jobs.failed} failed, ${health.jobs.inQueue} left`,
      target: "0 failed, 0 left",
      met: health.jobs.failed === 0 && health.jobs.inQueue === 0,
    });
  } finally {
    killAll();
    await cp.stop();
  }
}

/** How a start-up scenario runs the echo worker, and the names and targets of its figures. */
interface StartScenario {
  cp: BenchControlPlane;
  runs: EchoTemplate;
  /**
   * Names of the figures. They differ outside parentheses from every other scenario's, because an
   * earlier report's rows are matched on that part when a later run keeps them.
   */
  names: { coldP50: string; coldP90: string; resumeP50: string };
  /** Prefix of its labels in the chart ("" for the process driver, whose labels came first). */
  chartPrefix: string;
  coldTarget?: { op: "<"; value: number };
  resumeTarget?: { op: "<"; value: number };
}

/** Scale from zero to the first result, once per fresh endpoint; returns the reaction times too. */
async function measureColdStart(scenario: StartScenario, count: number): Promise<number[]> {
  const { cp } = scenario;
  const cold: number[] = [];
  const reaction: number[] = [];
  for (let i = 0; i < count; i++) {
    const endpointId = await echoEndpoint(cp, { idleTimeout: 1 }, scenario.runs);
    const t0 = performance.now();
    const submittedAt = Date.now();
    const result = await cp.call<{ status: string }>("POST", `/v2/${endpointId}/runsync`, { input: {} });
    cold.push(performance.now() - t0);
    if (result.status !== "COMPLETED") {
      throw new Error(`cold start job ended ${result.status}`);
    }
    const events = await cp.call<{ action: string; at: string }[]>("GET", `/v1/endpoints/${endpointId}/scaling-events`);
    const start = events.find((e) => e.action === "start_worker");
    if (start) {
      reaction.push(Date.parse(start.at) - submittedAt);
    }
    await cp.call("DELETE", `/v1/endpoints/${endpointId}`);
  }
  report(scenario.names.coldP50, percentile(cold, 0.5), "ms", scenario.coldTarget);
  report(scenario.names.coldP90, percentile(cold, 0.9), "ms");
  chart.push({ label: `${scenario.chartPrefix}cold start p50`, ms: percentile(cold, 0.5) });
  return reaction;
}

/** Resume of a FlashBoot standby to the first result, `count` times on one endpoint. */
async function measureResume(scenario: StartScenario, count: number): Promise<void> {
  const { cp } = scenario;
  const resume: number[] = [];
  const endpointId = await echoEndpoint(cp, { idleTimeout: 1, flashboot: true }, scenario.runs);
  await cp.call("POST", `/v2/${endpointId}/runsync`, { input: {} });
  for (let i = 0; i < count; i++) {
    for (let tries = 0; ; tries++) {
      const workers = await cp.call<{ status: string }[]>("GET", `/v1/endpoints/${endpointId}/workers`);
      if (workers[0]?.status === "STANDBY") {
        break;
      }
      if (tries > 200) {
        throw new Error("no standby");
      }
      await sleep(50);
    }
    const t0 = performance.now();
    await cp.call("POST", `/v2/${endpointId}/runsync`, { input: {} });
    resume.push(performance.now() - t0);
  }
  await cp.call("DELETE", `/v1/endpoints/${endpointId}`);
  report(scenario.names.resumeP50, percentile(resume, 0.5), "ms", scenario.resumeTarget);
  chart.push({ label: `${scenario.chartPrefix}FlashBoot resume p50`, ms: percentile(resume, 0.5) });
}

async function coldStarts(): Promise<void> {
  const cp = await startControlPlane(["--autoscaler-tick-ms", "100"]);
  try {
    const scenario: StartScenario = {
      cp,
      runs: { command: ECHO },
      names: {
        coldP50: "cold start, scale from zero to first result (TS worker, process driver) p50",
        coldP90: "cold start p90",
        resumeP50: "FlashBoot resume to first result p50",
      },
      chartPrefix: "",
      coldTarget: { op: "<", value: 500 },
      resumeTarget: { op: "<", value: 50 },
    };
    const reaction = await measureColdStart(scenario, n(20));
    report("reaction: enqueue to worker start decision, max", Math.max(...reaction), "ms", { op: "<=", value: 100 });
    await measureResume(scenario, n(15));
  } finally {
    killAll();
    await cp.stop();
  }
}

/**
 * The same start-up figures with the docker driver: cold start is container create + start + the
 * worker's first result; FlashBoot resume is unpause to the first result. Needs DOCKER_HOST and the
 * echo worker's image (scripts/worker-images.sh).
 */
async function dockerStarts(): Promise<void> {
  const cp = await startControlPlane(["--autoscaler-tick-ms", "100", "--driver", "docker"]);
  try {
    const scenario: StartScenario = {
      cp,
      runs: { imageName: ECHO_IMAGE },
      names: {
        coldP50: "docker cold start, container create + start + first result (TS worker image) p50",
        coldP90: "docker cold start p90",
        resumeP50: "docker FlashBoot resume, unpause to first result (TS worker image) p50",
      },
      chartPrefix: "docker ",
      resumeTarget: { op: "<", value: 50 },
    };
    await measureColdStart(scenario, n(20));
    await measureResume(scenario, n(15));
    notes.push(
      `Docker (${new Date().toISOString().slice(0, 10)}): containers on host networking with an init process, the image already on the engine (no pull); Debian's docker.io engine with overlay2.`,
    );
  } finally {
    await cp.stop();
  }
}

/** Rows of an earlier report for scenarios not run this time, so that running one scenario keeps the rest. */
function earlierRows(path: string): Row[] {
  if (!existsSync(path)) {
    return [];
  }
  // A metric is the same whatever its sizes: "300000-job backlog" is replaced by "1000000-job backlog".
  const scenario = (metric: string) =>
    metric
      .replace(/\(.*?\)/g, "")
      .replace(/\d+/g, "N")
      .trim();
  const rowsNow = new Set(rows.map((r) => scenario(r.metric)));
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.startsWith("| ") && !line.startsWith("| Metric") && !line.startsWith("|---"))
    .map((line) => {
      const [metric = "", value = "", target = "", met = ""] = line.slice(2, -2).split(" | ");
      return { metric, value, target, met: met === "" ? undefined : met === "yes" };
    })
    .filter((row) => !rowsNow.has(scenario(row.metric)));
}

/** Bars of an earlier report's chart for scenarios not run this time. */
function earlierChart(path: string): { label: string; ms: number }[] {
  if (!existsSync(path)) {
    return [];
  }
  const text = readFileSync(path, "utf8");
  const labels = /x-axis \[(.*)\]/.exec(text)?.[1];
  const bars = /\bbar \[(.*)\]/.exec(text)?.[1];
  if (!labels || !bars) {
    return [];
  }
  const values = bars.split(",").map(Number);
  const now = new Set(chart.map((c) => c.label));
  return [...labels.matchAll(/"([^"]*)"/g)]
    .map((match, i) => ({ label: match[1] ?? "", ms: values[i] ?? Number.NaN }))
    .filter((bar) => !now.has(bar.label) && Number.isFinite(bar.ms));
}

/** Context for the figures, written with every report. */
const READING = [
  "## Reading the figures",
  "",
  "Everything runs on the same 2 cores: the control plane, the load generator and the workers, so every",
  "figure includes the CPU the others take. A job end to end costs the control plane two HTTP requests",
  "('/run' and the worker's 'job-done'; takes are batched) plus one SQLite commit shared with the jobs",
  "accepted at the same moment (group commit). The figures depend on the host and on what else runs on it:",
  "the same code measured 853 jobs/s end to end and a runsync p50 of 3.4 ms on another 2-core host (AMD",
  "EPYC) while other work shared the machine. Run `npm run bench` on a quiet machine before comparing.",
  "",
];

function writeReport(): void {
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  const path = join(ROOT, "docs/benchmarks.md");
  rows.unshift(...earlierRows(path));
  chart.unshift(...earlierChart(path));
  if (existsSync(path)) {
    const kinds = new Set(notes.map((note) => note.split(":")[0]));
    const kept = readFileSync(path, "utf8")
      .split("\n")
      .filter((line) => line.startsWith("- ") && !kinds.has(line.slice(2).split(":")[0]))
      .map((line) => line.slice(2));
    notes.unshift(...kept);
  }
  const lines = [
    "# Benchmarks",
    "",
    `Measured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${cpus().length} cores (${cpu}), Node ${process.version},`,
    "the control plane as its own process with the embedded SQLite store (WAL), clients and workers on the same machine.",
    SCALE !== 1 ? `Sizes scaled by BENCH_SCALE=${SCALE}.` : "",
    SCENARIOS.some((scenario) => !selected.includes(scenario))
      ? `That run measured ${selected.join(", ")}; the other rows are kept from earlier runs.`
      : "",
    "",
    "| Metric | Result | Target | Met |",
    "|---|---|---|---|",
    ...rows.map(
      (r) => `| ${r.metric} | ${r.value} | ${r.target} | ${r.met === undefined ? "" : r.met ? "yes" : "**no**"} |`,
    ),
    "",
    ...notes.map((note) => `- ${note}`),
    "",
    ...(chart.length > 0
      ? [
          "## Latency (ms)",
          "",
          "```mermaid",
          "xychart-beta",
          '  title "Latency in ms (lower is better)"',
          `  x-axis [${chart.map((c) => `"${c.label}"`).join(", ")}]`,
          '  y-axis "ms"',
          `  bar [${chart.map((c) => c.ms.toFixed(1)).join(", ")}]`,
          "```",
          "",
        ]
      : []),
    ...READING,
    "How each figure is taken: see the comment at the top of `bench/src/run.ts`.",
    "",
  ];
  writeFileSync(path, lines.filter((l, i) => l !== "" || lines[i - 1] !== "").join("\n"));
}

/** Every scenario, in the order they run. */
const SCENARIOS = ["throughput", "latency", "coldstart", "memory", "docker"] as const;
const selected =
  process.env.BENCH_ONLY?.split(",") ?? SCENARIOS.filter((s) => s !== "docker" || process.env.DOCKER_HOST);
process.on("exit", killAll);
try {
  if (selected.includes("throughput")) {
    await throughput();
  }
  if (selected.includes("latency")) {
    await latency();
  }
  if (selected.includes("coldstart")) {
    await coldStarts();
  }
  if (selected.includes("memory")) {
    await memoryAndBacklog();
  }
  if (selected.includes("docker")) {
    await dockerStarts();
  }
} finally {
  writeReport();
}
