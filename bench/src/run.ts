/**
 * `npm run bench`: measures the job path and worker start-up on this machine and writes the results, with
 * the targets they are checked against, to docs/benchmarks.md. Not a test: nothing here fails a build.
 *
 * Scenarios (sizes can be lowered with BENCH_SCALE=0.1 for a quick look):
 * - throughput: jobs/s end to end through HTTP with warm TypeScript workers and a no-op handler;
 * - runsync: round-trip latency with a warm worker (the control plane's overhead, the handler does nothing);
 * - enqueue: latency of `/run`;
 * - memory: control-plane RSS with 100,000 and with 1,000,000 queued jobs (SQLite), then the
 *   1,000,000-job backlog drains without errors (BENCH_BACKLOG sets another size);
 * - pgmemory: control-plane RSS with 100,000 and with 1,000,000 queued jobs on PostgreSQL (a fresh schema,
 *   dropped afterwards); run when RUNFLEET_TEST_DATABASE_URL names a server or when BENCH_ONLY lists it.
 *   RSS is read from /proc (VmRSS) half a second after the last acknowledged `/run`;
 * - cold start: scale from zero to the first result through the process driver;
 * - FlashBoot: resume of a standby to the first result;
 * - reaction: time from the enqueue that needs a worker to the autoscaler's start decision;
 * - metric history: 7 days of metric history for 20 endpoints is seeded into the store (every tier within its
 *   retention, as the recorder leaves it), then each endpoint's 7-day window is asked for over HTTP;
 * - docker: cold start (container create + start + first result) and FlashBoot resume (unpause to first
 *   result) for the TS worker image; run when DOCKER_HOST names an engine (scripts/docker-engine.sh env)
 *   or when BENCH_ONLY lists it;
 * - kubernetes: cold start (pod create to first result) for the TS worker image on the test cluster; run
 *   when scripts/kubernetes-cluster.sh has brought it up, or when BENCH_ONLY lists it;
 * - kwok: the Kubernetes scale run of issue 14 on the test cluster: 100 fake kwok nodes × 8 GPUs beside the
 *   real node, one GPU endpoint scaled by 500 queued jobs to 500 pods and back to 0 (bench/src/kwok.ts):
 *   time to 500 pods scheduled and Running, time back to 0, control-plane peak RSS and CPU time, Kubernetes
 *   API requests by verb; run when the cluster is up and kwok is built (scripts/kwok-build.sh), or when
 *   BENCH_ONLY lists it (then kwok is built if missing);
 * - simulate: `runfleet simulate`'s core replays 24 h of a steady 50 jobs/s trace (4.3 million jobs, 1 s
 *   median execution) against one configuration; CPU time of the simulation (the trace is generated
 *   first, outside the measurement), with the wall time and the load average in the notes;
 * - pystop: how long an idle RunPod Python worker (`runpod` from PyPI, process driver) takes to exit after
 *   SIGTERM, measured as the API's removal of the worker, which returns once its process is gone; with
 *   the production hold of job-take and job-stop polls (60 s) and grace period (10 s);
 * - refresh: the `refresh_worker` cycle of a RunPod Python worker with workersMax 1: from one job's end
 *   to the next job's start on a fresh worker (the old worker's exit plus a Python cold start).
 *   Both need the Python venv with runpod (.venv, made by .ci/run).
 *
 * - loadbalancer: the router of load-balancing endpoints against calling the worker directly, for a small
 *   JSON route of the Hono example worker (one warm worker): added latency p50/p99 (sequential requests,
 *   direct and routed interleaved) and requests/s at 32 concurrent clients, routed vs direct.
 *
 * - postgres: end-to-end throughput and runsync p50/p99 as above, with the control plane on PostgreSQL
 *   (`--database-url`, a fresh schema) instead of SQLite; run when RUNFLEET_TEST_DATABASE_URL names a
 *   server (`scripts/postgres-cluster.sh up && eval "$(scripts/postgres-cluster.sh env)"`) or when
 *   BENCH_ONLY lists it. Then a second replica joins as a follower (docs/cluster.md: it relays every
 *   request to the leader) and the same figures are taken with the clients split over both (throughput)
 *   or on the follower alone (runsync): what a replica in front of the leader costs.
 *
 * BENCH_ONLY=throughput,latency,... runs only those; rows of the others are kept from the last report.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { ENDPOINT_DEFAULTS, generateTrace, simulate } from "@runfleet/control-plane";
import pg from "pg";
import {
  type BenchControlPlane,
  type CpuParts,
  childPidsOf,
  commandEndpoint,
  cpuMsOf,
  cpuPartsPer,
  ECHO,
  ECHO_IMAGE,
  type EchoTemplate,
  echoEndpoint,
  freePort,
  KEY,
  killAll,
  PYTHON,
  percentile,
  pool,
  ROOT,
  readCpuParts,
  rssOf,
  sleep,
  startControlPlane,
  startEchoWorkers,
} from "./harness.js";
import {
  buildKwok,
  clusterClient,
  ensureNamespace,
  KWOK_NAMESPACE,
  kwokBuilt,
  scaleRun,
  startFakeNodes,
} from "./kwok.js";
import { seedMetricHistory } from "./metric-history-bench.js";

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const n = (count: number) => Math.max(1, Math.round(count * SCALE));

interface Row {
  metric: string;
  value: string;
  target: string;
  met: boolean | undefined;
  /** When the run that took it started, and the host's load average then ("" for rows of older reports). */
  measured: string;
}

/**
 * This run's stamp on its rows: the time it started (UTC), the host's 1-minute load average just before
 * it, and BENCH_SCALE when it is not 1. Rows of scenarios not run this time keep their own stamp, so a report mixing runs says which
 * figure came from which, and whether the host was busy.
 */
const RUN_STAMP = `${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC, load ${loadavg()[0]?.toFixed(1) ?? "?"}${
  SCALE !== 1 ? `, sizes × ${SCALE}` : ""
}`;
const rows: Row[] = [];
const notes: string[] = [];
const chart: { label: string; ms: number }[] = [];

function report(metric: string, value: number, unit: string, target?: { op: "<" | "<=" | ">="; value: number }): void {
  const text = `${unit === "jobs/s" ? Math.round(value) : value.toFixed(value < 10 ? 2 : 1)} ${unit}`;
  let met: boolean | undefined;
  if (target) {
    met = target.op === "<" ? value < target.value : target.op === "<=" ? value <= target.value : value >= target.value;
  }
  rows.push({
    metric,
    value: text,
    target: target ? `${target.op} ${target.value} ${unit}` : "",
    met,
    measured: RUN_STAMP,
  });
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

/**
 * Writes where the CPU of a throughput run went per job (control plane, database server, workers, load
 * generator), and the rate this host's cores allow at that cost whatever the design: the jobs/s of a run
 * that kept every core busy is that ceiling.
 */
function noteCpuPerJob(label: string, before: CpuParts, after: CpuParts, jobs: number): void {
  const per = cpuPartsPer(before, after, jobs);
  const cores = cpus().length;
  const ms = (value: number) => `${value.toFixed(3)} ms`;
  notes.push(
    `${label}, CPU per job: control plane ${ms(per.controlPlane)}, ` +
      `${per.database > 0 ? `PostgreSQL server ${ms(per.database)}, ` : ""}workers ${ms(per.workers)}, ` +
      `load generator ${ms(per.client)}; in all ${ms(per.total)}, so ${cores} cores allow at most ` +
      `${Math.round((cores * 1000) / per.total).toLocaleString("en-US")} jobs/s at this cost.`,
  );
}

/** The PostgreSQL server's postmaster, whose process tree holds every backend (for its CPU time). */
async function postmasterPid(url: string): Promise<number | undefined> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query<{ pid: number }>(
      "SELECT pid FROM pg_stat_activity WHERE backend_type = 'checkpointer'",
    );
    const checkpointer = result.rows[0]?.pid;
    if (checkpointer === undefined) {
      return undefined;
    }
    const stat = readFileSync(`/proc/${checkpointer}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    // Another host's server, or /proc unreadable: the split is then left out.
    return undefined;
  } finally {
    await client.end();
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
    // CPU time is steadier than jobs/s on a shared host: it does not count the time spent waiting for a core.
    const cpuBefore = cpuMsOf(cp.pid);
    const partsBefore = readCpuParts([cp.pid]);
    const started = Date.now();
    await pool(total, 64, async () => {
      await cp.call("POST", `/v2/${endpointId}/run`, { input: {} });
    });
    const submitted = Date.now();
    const done = await waitCompleted(cp, endpointId, total, 600_000);
    const cpuPerJob = (cpuMsOf(cp.pid) - cpuBefore) / total;
    noteCpuPerJob("SQLite throughput", partsBefore, readCpuParts([cp.pid]), total);
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
    report("control-plane CPU per job end to end (throughput scenario)", cpuPerJob, "ms");
    notes.push(
      `Throughput: submitting took ${((submitted - started) / 1000).toFixed(1)} s, draining finished ${((done - submitted) / 1000).toFixed(1)} s later.`,
    );
  } finally {
    killAll();
    await cp.stop();
  }
}

/** Throughput and runsync latency with the control plane on PostgreSQL, in a schema of its own. */
async function postgres(): Promise<void> {
  const url = process.env.RUNFLEET_TEST_DATABASE_URL;
  if (!url) {
    throw new Error("the postgres scenario needs RUNFLEET_TEST_DATABASE_URL (scripts/postgres-cluster.sh env)");
  }
  const schema = `bench_${Date.now().toString(36)}`;
  const cp = await startControlPlane([
    "--database-url",
    url,
    "--database-schema",
    schema,
    "--secret-key",
    "bench-secret-key-0123456789abcdefghijkl",
  ]);
  try {
    const endpointId = await echoEndpoint(cp, { workersMax: 0 });
    const workers = 2;
    const concurrency = 64;
    await startEchoWorkers(cp, endpointId, workers, concurrency);
    const total = n(10_000);
    const database = await postmasterPid(url);
    const partsBefore = readCpuParts([cp.pid], database);
    const started = Date.now();
    await pool(total, 64, async () => {
      await cp.call("POST", `/v2/${endpointId}/run`, { input: {} });
    });
    const submitted = Date.now();
    const done = await waitCompleted(cp, endpointId, total, 600_000);
    noteCpuPerJob("PostgreSQL throughput, one replica", partsBefore, readCpuParts([cp.pid], database), total);
    notes.push(
      `PostgreSQL throughput: submitting took ${((submitted - started) / 1000).toFixed(1)} s, draining finished ${((done - submitted) / 1000).toFixed(1)} s later.`,
    );
    report(
      `PostgreSQL: end-to-end throughput (${total} jobs, ${workers} workers × ${concurrency}, no-op handler)`,
      total / ((done - started) / 1000),
      "jobs/s",
    );
    const syncEndpoint = await echoEndpoint(cp, { workersMax: 0 });
    await startEchoWorkers(cp, syncEndpoint, 1, 1);
    const rtts: number[] = [];
    for (let i = 0; i < n(1000); i++) {
      const t0 = performance.now();
      const result = await cp.call<{ status: string }>("POST", `/v2/${syncEndpoint}/runsync`, { input: {} });
      rtts.push(performance.now() - t0);
      if (result.status !== "COMPLETED") {
        throw new Error(`runsync ended ${result.status}`);
      }
    }
    const warm = rtts.slice(Math.min(50, rtts.length - 1));
    report("PostgreSQL: runsync round trip p50 (warm worker, no-op handler)", percentile(warm, 0.5), "ms");
    report("PostgreSQL: runsync round trip p99", percentile(warm, 0.99), "ms");

    // A second replica on the same database: a follower that relays to the leader.
    const follower = await startControlPlane(
      ["--database-url", url, "--database-schema", schema, "--secret-key", "bench-secret-key-0123456789abcdefghijkl"],
      { follower: true },
    );
    try {
      const splitEndpoint = await echoEndpoint(cp, { workersMax: 0 });
      await startEchoWorkers(cp, splitEndpoint, workers, concurrency);
      let turn = 0;
      const splitBefore = readCpuParts([cp.pid, follower.pid], database);
      const splitStarted = Date.now();
      await pool(total, 64, async () => {
        turn += 1;
        await (turn % 2 === 0 ? follower : cp).call("POST", `/v2/${splitEndpoint}/run`, { input: {} });
      });
      const splitDone = await waitCompleted(cp, splitEndpoint, total, 600_000);
      noteCpuPerJob(
        "PostgreSQL throughput, two replicas",
        splitBefore,
        readCpuParts([cp.pid, follower.pid], database),
        total,
      );
      report(
        `PostgreSQL, two replicas (leader and a relaying follower, clients split evenly): end-to-end throughput (${total} jobs)`,
        total / ((splitDone - splitStarted) / 1000),
        "jobs/s",
      );
      const relayed: number[] = [];
      for (let i = 0; i < n(1000); i++) {
        const t0 = performance.now();
        const result = await follower.call<{ status: string }>("POST", `/v2/${syncEndpoint}/runsync`, { input: {} });
        relayed.push(performance.now() - t0);
        if (result.status !== "COMPLETED") {
          throw new Error(`runsync through the follower ended ${result.status}`);
        }
      }
      const warmRelayed = relayed.slice(Math.min(50, relayed.length - 1));
      report("PostgreSQL, two replicas: runsync through the follower p50", percentile(warmRelayed, 0.5), "ms");
      report("PostgreSQL, two replicas: runsync through the follower p99", percentile(warmRelayed, 0.99), "ms");
      notes.push(
        "PostgreSQL two replicas: the second replica is a follower that relays every request it gets to the leader " +
          "(docs/cluster.md), so the leader still does all the work; the split throughput and the runsync through " +
          "the follower measure what the relay costs, not a second replica's capacity.",
      );
    } finally {
      await follower.stop();
    }
    notes.push(
      "PostgreSQL: the server is the throwaway cluster of scripts/postgres-cluster.sh on the same machine " +
        "(fsync off), sharing its 2 cores with the control plane, the workers and the client.",
    );
  } finally {
    killAll();
    await cp.stop();
  }
}

async function postgresMemory(): Promise<void> {
  const url = process.env.RUNFLEET_TEST_DATABASE_URL;
  if (!url) {
    throw new Error("the pgmemory scenario needs RUNFLEET_TEST_DATABASE_URL (scripts/postgres-cluster.sh env)");
  }
  const schema = `bench_memory_${Date.now().toString(36)}`;
  const cp = await startControlPlane([
    "--database-url",
    url,
    "--database-schema",
    schema,
    "--secret-key",
    "bench-secret-key-0123456789abcdefghijkl",
  ]);
  try {
    const endpointId = await echoEndpoint(cp, { workersMax: 0 });
    await queuedMemory(cp, endpointId, Number(process.env.BENCH_BACKLOG ?? n(1_000_000)), "PostgreSQL: ");
  } finally {
    killAll();
    await cp.stop();
    // A million rows are not worth keeping on the throwaway server.
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    } finally {
      await client.end();
    }
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

/**
 * Queues 100,000 jobs, then up to `backlog`, on an endpoint without workers and reports the control
 * plane's RSS at each size (the target holds at both: the queue lives in the store, a bounded window of it
 * in memory). `prefix` names the store in the figures. Returns when the backlog is queued.
 */
/** The control plane's JavaScript heap as its /metrics gives it, in MB: used (live and garbage) and total. */
async function heapOf(cp: BenchControlPlane): Promise<{ used: number; total: number }> {
  const text = await (await fetch(`${cp.url}/metrics`, { headers: { authorization: `Bearer ${KEY}` } })).text();
  const mb = (kind: string) =>
    Number(new RegExp(`^runfleet_process_heap_bytes\\{kind="${kind}"\\} (\\S+)$`, "m").exec(text)?.[1]) / 1024 / 1024;
  return { used: mb("used"), total: mb("total") };
}

async function queuedMemory(
  cp: BenchControlPlane,
  endpointId: string,
  backlog: number,
  prefix: string,
): Promise<number> {
  const queued = Math.min(n(100_000), backlog);
  const t0 = Date.now();
  await pool(queued, 64, async (i) => {
    await cp.call("POST", `/v2/${endpointId}/run`, { input: { i, prompt: "a red fox jumping over a lazy dog" } });
  });
  await sleep(500);
  report(`${prefix}control-plane RSS with ${queued} queued jobs`, rssOf(cp.pid) / 1024 / 1024, "MB", {
    op: "<",
    value: 300,
  });
  const heapAtFirst = await heapOf(cp);
  await pool(backlog - queued, 64, async (i) => {
    await cp.call("POST", `/v2/${endpointId}/run`, { input: { i } });
  });
  const filled = Date.now();
  await sleep(500);
  const health = await cp.call<{ jobs: { inQueue: number } }>("GET", `/v2/${endpointId}/health`);
  report(`${prefix}control-plane RSS with ${backlog} queued jobs`, rssOf(cp.pid) / 1024 / 1024, "MB", {
    op: "<",
    value: 300,
  });
  const heap = await heapOf(cp);
  notes.push(
    `Backlog on ${prefix === "" ? "SQLite" : "PostgreSQL"}: ${backlog} jobs queued in ${((filled - t0) / 1000).toFixed(0)} s (${health.jobs.inQueue} in queue by /health). ` +
      `JavaScript heap used / held (live objects and garbage not yet collected): ${heapAtFirst.used.toFixed(0)} / ${heapAtFirst.total.toFixed(0)} MB ` +
      `at ${queued} queued, ${heap.used.toFixed(0)} / ${heap.total.toFixed(0)} MB at ${backlog}.`,
  );
  return filled;
}

async function memoryAndBacklog(): Promise<void> {
  const cp = await startControlPlane();
  try {
    const endpointId = await echoEndpoint(cp, { workersMax: 0 });
    const backlog = Number(process.env.BENCH_BACKLOG ?? n(1_000_000));
    const filled = await queuedMemory(cp, endpointId, backlog, "");
    await startEchoWorkers(cp, endpointId, 2, 64);
    const drained = await waitCompleted(cp, endpointId, backlog, 3_600_000);
    const health = await cp.call<{ jobs: { failed: number; inQueue: number } }>("GET", `/v2/${endpointId}/health`);
    report(`${backlog}-job backlog drain rate`, backlog / ((drained - filled) / 1000), "jobs/s");
    rows.push({
      metric: `${backlog}-job backlog drains without errors`,
      value: `${health.jobs.failed} failed, ${health.jobs.inQueue} left`,
      target: "0 failed, 0 left",
      met: health.jobs.failed === 0 && health.jobs.inQueue === 0,
      measured: RUN_STAMP,
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

/** The kubeconfig of the test cluster (scripts/kubernetes-cluster.sh up). */
const KUBECONFIG_FILE = `${process.env.RUNFLEET_KUBERNETES_DIR ?? "/var/lib/runfleet/kubernetes"}/admin.kubeconfig`;

/**
 * Cold start with the kubernetes driver: pod create (its Secret first) + schedule + container start + the
 * worker's first result, the image already on the node. Kubernetes has no pause, so there is no resume
 * figure. Needs the test cluster with the echo worker's image.
 */
async function kubernetesStarts(): Promise<void> {
  const cp = await startControlPlane([
    ...["--autoscaler-tick-ms", "100", "--driver", "kubernetes"],
    ...["--kubeconfig", KUBECONFIG_FILE, "--kubernetes-namespace", "default"],
  ]);
  try {
    const scenario: StartScenario = {
      cp,
      runs: { imageName: ECHO_IMAGE },
      names: {
        coldP50: "kubernetes cold start, pod create to first result (TS worker image) p50",
        coldP90: "kubernetes cold start p90",
        resumeP50: "kubernetes has no FlashBoot resume",
      },
      chartPrefix: "kubernetes ",
    };
    await measureColdStart(scenario, n(10));
    notes.push(
      `Kubernetes (${new Date().toISOString().slice(0, 10)}): the single-node test cluster of scripts/kubernetes-cluster.sh (v1.34.4, containerd 1.6 from Debian), pods on host networking, the image already on the node.`,
    );
  } finally {
    await cp.stop();
  }
}

/**
 * The Kubernetes scale run at full size (issue 14): 100 fake kwok nodes with 8 GPUs each beside the test
 * cluster's real node, one GPU endpoint scaled by 500 queued jobs to 500 worker pods, which the run plays
 * (bench/src/kwok.ts), and back to 0. Figures: time to 500 pods scheduled and Running, time back to 0, the
 * control plane's peak RSS and CPU time during each half, and its Kubernetes API requests by verb.
 */
async function kwokScale(): Promise<void> {
  const nodes = n(100);
  const pods = n(500);
  buildKwok();
  const { core } = clusterClient(KUBECONFIG_FILE);
  await ensureNamespace(core, KWOK_NAMESPACE);
  const fake = await startFakeNodes({
    kubeconfig: KUBECONFIG_FILE,
    count: nodes,
    gpus: 8,
    logFile: join(tmpdir(), `runfleet-bench-kwok-${process.pid}.log`),
    timeoutMs: 180_000,
  });
  let cp: BenchControlPlane | undefined;
  try {
    cp = await startControlPlane([
      ...["--driver", "kubernetes", "--kubeconfig", KUBECONFIG_FILE, "--kubernetes-namespace", KWOK_NAMESPACE],
      ...["--kubernetes-tolerations", fake.workerSettings.kubernetesTolerations],
      ...["--kubernetes-node-selector", fake.workerSettings.kubernetesNodeSelector],
    ]);
    const pid = cp.pid;
    const instanceId = readFileSync(join(cp.dataDir, "instance-id"), "utf8").trim();
    let peakRss = rssOf(pid);
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, rssOf(pid));
    }, 200);
    const cpuAt: Partial<Record<string, number>> = {};
    const rssBefore = rssOf(pid);
    const result = await scaleRun({
      url: cp.url,
      adminKey: KEY,
      kubeconfig: KUBECONFIG_FILE,
      namespace: KWOK_NAMESPACE,
      instanceId,
      pods,
      runId: fake.runId,
      timeoutMs: 300_000,
      onPhase: (phase) => {
        cpuAt[phase] = cpuMsOf(pid);
      },
    }).finally(() => clearInterval(sampler));
    const cpuOut = ((cpuAt.scheduled ?? 0) - (cpuAt.submit ?? 0)) / 1000;
    const cpuIn = ((cpuAt.zero ?? 0) - (cpuAt.done ?? 0)) / 1000;
    const label = `${nodes} fake nodes × 8 GPUs`;
    report(`kwok: time from ${pods} queued jobs to ${pods} pods scheduled (${label})`, result.scheduledMs / 1000, "s");
    report(`kwok: time to ${pods} pods Running (kwok reports them)`, result.runningMs / 1000, "s");
    report(`kwok: back to 0 pods after the last job (idleTimeout 1 s)`, result.toZeroMs / 1000, "s");
    report(`kwok: control-plane peak RSS during the scale run`, peakRss / 1024 / 1024, "MB");
    report(`kwok: control-plane CPU time, scale out to ${pods} pods scheduled`, cpuOut, "s");
    report(`kwok: control-plane CPU time, back to 0`, cpuIn, "s");
    const requests = Object.entries(result.apiRequests)
      .filter(([, count]) => count > 0)
      .sort(([a], [b]) => a.localeCompare(b));
    const total = requests.reduce((sum, [, count]) => sum + count, 0);
    report(`kwok: Kubernetes API requests per worker pod (all verbs)`, total / pods, "requests");
    notes.push(
      `Kubernetes scale (kwok): ${new Date().toISOString().slice(0, 10)}, kwok v0.8.0 with ${nodes} fake nodes (8 nvidia.com/gpu each) beside the real node of the test cluster, ${pods} pods of one GPU endpoint (1 GPU each, REQUEST_COUNT 1); the run plays the workers from their Secrets once every pod is Running (${(result.jobsDoneMs / 1000).toFixed(1)} s to finish the ${pods} jobs). Control-plane RSS ${(rssBefore / 1024 / 1024).toFixed(0)} MB before, peak ${(peakRss / 1024 / 1024).toFixed(0)} MB. Kubernetes API requests of the driver (runfleet_kubernetes_api_requests_total) during the run: ${requests.map(([key, count]) => `${key} ${count}`).join(", ")}. The pod watch opened at start-up held through the run (${result.apiRequests["watch pods"] ?? 0} new watches) and the pod lists are the orphan sweep's, one per 30 s: nothing is polled; the requests per pod are its start (Secret, pod, owner patch) and stop (pod delete, log read, Secret delete; the pod is deleted once by the stop and once more, with no grace, when its end is recorded, which forces out a pod still terminating and is answered 404 otherwise). Load average ${loadavg()[0]?.toFixed(1)} on ${cpus().length} cores.`,
    );
  } finally {
    await cp?.stop();
    await fake.remove();
  }
}

/** One keep-alive POST of a small JSON body; resolves with the status once the whole answer is read. */
function postJson(agent: Agent, url: URL, path: string, body: string, auth: boolean): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path,
        method: "POST",
        agent,
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          ...(auth ? { authorization: `Bearer ${KEY}` } : {}),
        },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

async function loadBalancer(): Promise<void> {
  // One port in the range: the only worker gets it, so it can also be called directly.
  const port = await freePort();
  const cp = await startControlPlane(["--lb-port-range", `${port}-${port}`, "--lb-health-interval-ms", "200"]);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  try {
    const template = await cp.call<{ id: string }>("POST", "/v1/templates", {
      name: "bench-lb",
      command: [process.execPath, "examples/lb-hono-worker/dist/server.js"],
      env: { MODEL_LOAD_MS: "0" },
    });
    const endpoint = await cp.call<{ id: string }>("POST", "/v1/endpoints", {
      name: "bench-lb",
      templateId: template.id,
      type: "LOAD_BALANCER",
      computeType: "CPU",
      workersMin: 1,
      workersMax: 1,
      idleTimeout: 3600,
      scalerType: "REQUEST_COUNT",
      scalerValue: 1000,
    });
    for (let i = 0; ; i++) {
      const workers = await cp.call<{ status: string }[]>("GET", `/v1/endpoints/${endpoint.id}/workers`);
      if (workers[0]?.status === "IDLE") {
        break;
      }
      if (i > 200) {
        throw new Error("the load-balancing worker did not become ready");
      }
      await sleep(100);
    }
    const direct = new URL(`http://127.0.0.1:${port}`);
    const routed = new URL(cp.url);
    const body = JSON.stringify({ prompt: "hello" });
    const call = async (via: "direct" | "routed") => {
      const status =
        via === "direct"
          ? await postJson(agent, direct, "/v1/generate", body, false)
          : await postJson(agent, routed, `/lb/${endpoint.id}/v1/generate`, body, true);
      if (status !== 200) {
        throw new Error(`${via} call answered ${status}`);
      }
    };
    const times = { direct: [] as number[], routed: [] as number[] };
    for (let i = 0; i < n(3000); i++) {
      for (const via of ["direct", "routed"] as const) {
        const t0 = performance.now();
        await call(via);
        times[via].push(performance.now() - t0);
      }
    }
    const warm = (values: number[]) => values.slice(Math.min(100, values.length - 1));
    const added = (q: number) => percentile(warm(times.routed), q) - percentile(warm(times.direct), q);
    report("load-balancer router added latency p50 (small JSON route, vs direct)", added(0.5), "ms", {
      op: "<=",
      value: 0.5,
    });
    report("load-balancer router added latency p99", added(0.99), "ms", { op: "<=", value: 3 });
    chart.push(
      { label: "LB direct p50", ms: percentile(warm(times.direct), 0.5) },
      { label: "LB routed p50", ms: percentile(warm(times.routed), 0.5) },
    );
    const rate = async (via: "direct" | "routed") => {
      const count = n(20_000);
      const t0 = performance.now();
      await pool(count, 32, () => call(via));
      return count / ((performance.now() - t0) / 1000);
    };
    // CPU per request of each process taking part (this load generator, the worker, the control plane):
    // unlike rates and latencies, it hardly depends on what else shares the machine.
    const worker = childPidsOf(cp.pid)[0];
    const cpu = () => ({
      client: process.cpuUsage(),
      worker: worker === undefined ? 0 : cpuMsOf(worker),
      controlPlane: cpuMsOf(cp.pid),
    });
    const measured = async (via: "direct" | "routed") => {
      const before = cpu();
      const requestsPerSecond = await rate(via);
      const after = cpu();
      const count = n(20_000);
      const clientUsage = process.cpuUsage(before.client);
      return {
        requestsPerSecond,
        clientMs: (clientUsage.user + clientUsage.system) / 1000 / count,
        workerMs: (after.worker - before.worker) / count,
        controlPlaneMs: (after.controlPlane - before.controlPlane) / count,
      };
    };
    await rate("routed");
    const directRun = await measured("direct");
    const routedRun = await measured("routed");
    report("load-balancer requests/s direct (32 concurrent)", directRun.requestsPerSecond, "req/s");
    report("load-balancer requests/s routed (32 concurrent)", routedRun.requestsPerSecond, "req/s");
    report(
      "load-balancer routed/direct requests/s",
      (100 * routedRun.requestsPerSecond) / directRun.requestsPerSecond,
      "%",
      {
        op: ">=",
        value: 70,
      },
    );
    report("load-balancer control-plane CPU per routed request", routedRun.controlPlaneMs, "ms");
    report("load-balancer worker CPU per request (direct)", directRun.workerMs, "ms");
    report("load-balancer load-generator CPU per request (direct)", directRun.clientMs, "ms");
    // On a machine whose cores the load generator, the worker and the router share, the rate is bound by
    // the CPU all three spend per request: this is the ratio that CPU alone allows, whatever else runs.
    const cpuBound =
      (100 * (directRun.clientMs + directRun.workerMs)) /
      (routedRun.clientMs + routedRun.workerMs + routedRun.controlPlaneMs);
    notes.push(
      `Load balancer CPU per request: direct ${directRun.clientMs.toFixed(3)} ms load generator + ${directRun.workerMs.toFixed(3)} ms worker; ` +
        `routed ${routedRun.clientMs.toFixed(3)} + ${routedRun.workerMs.toFixed(3)} + ${routedRun.controlPlaneMs.toFixed(3)} ms control plane; ` +
        `on shared cores that bounds routed/direct requests/s at ${cpuBound.toFixed(1)} %.`,
    );
    notes.push(
      `Load balancer: measured with the machine's load average at ${loadavg()[0]?.toFixed(1)} on ${cpus().length} cores (other work shared it).`,
    );
  } finally {
    agent.destroy();
    await cp.stop();
  }
}

async function metricHistory(): Promise<void> {
  const cp = await startControlPlane();
  try {
    const template = await cp.call<{ id: string }>("POST", "/v1/templates", { name: "history", command: ECHO });
    const endpointIds: string[] = [];
    for (let i = 0; i < 20; i++) {
      const endpoint = await cp.call<{ id: string }>("POST", "/v1/endpoints", {
        name: `history-${i}`,
        templateId: template.id,
        computeType: "CPU",
        workersMin: 0,
      });
      endpointIds.push(endpoint.id);
    }
    const seeding = performance.now();
    const buckets = await seedMetricHistory(cp.dataDir, endpointIds, 7);
    const seededMs = performance.now() - seeding;
    const timings: number[] = [];
    let points = 0;
    // Warm the control plane's JIT and SQLite's page cache first, as a console left open would have.
    await cp.call("GET", `/v1/endpoints/${endpointIds[0]}/metrics?windowSeconds=604800`);
    const cpuBefore = cpuMsOf(cp.pid);
    for (let round = 0; round < 3; round++) {
      for (const id of endpointIds) {
        const started = performance.now();
        const answer = await cp.call<{ points: unknown[] }>("GET", `/v1/endpoints/${id}/metrics?windowSeconds=604800`);
        timings.push(performance.now() - started);
        points = answer.points.length;
      }
    }
    const cpuPerQuery = (cpuMsOf(cp.pid) - cpuBefore) / timings.length;
    timings.sort((a, b) => a - b);
    report("metric history: 7-day window, 20 endpoints with 7 days of samples p50", percentile(timings, 0.5), "ms");
    report("metric history: control-plane CPU per 7-day query", cpuPerQuery, "ms");
    report("metric history: 7-day window, 20 endpoints with 7 days of samples max", timings.at(-1) ?? 0, "ms", {
      op: "<",
      value: 300,
    });
    notes.push(
      `Metric history (${new Date().toISOString().slice(0, 10)}): ${buckets} buckets seeded in ${Math.round(seededMs)} ms (about ${Math.round(buckets / 20)} per endpoint, the tiers' bound for 7 days); a 7-day query reads 1,008 ten-minute buckets and answers ${points} points of 30 min over HTTP, with percentiles from merged histograms. Load average during the run: ${loadavg()[0]?.toFixed(1)} (wall times include waiting for a core; the CPU figure does not).`,
    );
  } finally {
    await cp.stop();
  }
}

/** RunPod's Python worker SDK on the process driver: every worker skips the SDK's network check. */
const RUNPOD_WORKER = [PYTHON, "test/fixtures/runpod_behaviours.py"];
const RUNPOD_ENV = { RUNPOD_SKIP_AUTO_SYSTEM_CHECKS: "true" };

/** Waits until the endpoint has an idle worker; returns its id. */
async function idleWorker(cp: BenchControlPlane, endpointId: string, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const workers = await cp.call<{ id: string; status: string }[]>("GET", `/v1/endpoints/${endpointId}/workers`);
    const idle = workers.find((w) => w.status === "IDLE");
    if (idle) {
      return idle.id;
    }
    if (Date.now() > deadline) {
      throw new Error("no idle worker");
    }
    await sleep(50);
  }
}

/**
 * SIGTERM to exit of an idle RunPod Python worker: the worker is removed through the API, which stops
 * it and answers once its process is gone. With workersMin 1 the autoscaler boots the next one.
 */
async function pythonStop(): Promise<void> {
  const cp = await startControlPlane(["--autoscaler-tick-ms", "100"]);
  try {
    const endpointId = await commandEndpoint(cp, RUNPOD_WORKER, { workersMin: 1, workersMax: 1, env: RUNPOD_ENV });
    const stops: number[] = [];
    const loopsEnded: number[] = [];
    for (let i = 0; i < n(10); i++) {
      const workerId = await idleWorker(cp, endpointId);
      // Its job-take and job-stop polls are held by now.
      await sleep(300);
      const t0 = performance.now();
      const signalledAt = Date.now();
      await cp.call("DELETE", `/v1/endpoints/${endpointId}/workers/${workerId}`);
      stops.push(performance.now() - t0);
      // The worker logs (at DEBUG, runpod's default) as its loops end: its last line's instant says when.
      const lastOutput = lastLogLineAt(cp, workerId);
      if (lastOutput !== undefined) {
        loopsEnded.push(lastOutput - signalledAt);
      }
    }
    await cp.call("DELETE", `/v1/endpoints/${endpointId}`);
    const exits: number[] = [];
    for (let i = 0; i < n(10); i++) {
      exits.push(await pythonExitTime());
    }
    notes.push(
      `Python worker stop: once a worker's loops have ended, the rest of a stop is the Python process's own exit; CPython alone, finalizing the runpod module graph after its last atexit hook (no Runfleet involved), took ${percentile(exits, 0.5).toFixed(0)} ms p50 on the same machine at the same time (${new Date().toISOString().slice(0, 10)}, load average ${loadavg()[0]?.toFixed(0)} on ${cpus().length} cores from other work).`,
    );
    report(
      "RunPod Python worker stop, SIGTERM to exit (idle, runpod 1.12, process driver) p50",
      percentile(stops, 0.5),
      "ms",
      {
        op: "<",
        value: 1000,
      },
    );
    report("RunPod Python worker stop p90", percentile(stops, 0.9), "ms");
    report(
      "RunPod Python worker stop, of which SIGTERM to its last log line (its loops ended) p50",
      percentile(loopsEnded, 0.5),
      "ms",
    );
    chart.push({ label: "Python worker stop p50", ms: percentile(stops, 0.5) });
  } finally {
    killAll();
    await cp.stop();
  }
}

/** When a process worker wrote its last stdout line, from the log's growth records (epoch ms). */
function lastLogLineAt(cp: BenchControlPlane, workerId: string): number | undefined {
  try {
    const records = readFileSync(join(cp.dataDir, "logs", `${workerId}.stdout.log.times`), "utf8")
      .trim()
      .split("\n");
    const at = Number(records.at(-1)?.split(" ")[1]);
    return Number.isFinite(at) ? at : undefined;
  } catch {
    return undefined;
  }
}

/**
 * How long a Python process that imported the runpod SDK takes to exit once its code is done (the last
 * atexit hook ran): the part of a worker's stop that is the interpreter's, whatever the control plane does.
 */
async function pythonExitTime(): Promise<number> {
  const script = [
    "import atexit, os, time, runpod, runpod.serverless",
    'atexit.register(lambda: os.write(1, (str(time.time() * 1000) + "\\n").encode()))',
  ].join("\n");
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, ["-c", script], { cwd: ROOT, stdio: ["ignore", "pipe", "ignore"] });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.once("error", reject);
    child.once("exit", () => {
      const done = Number(out.trim());
      if (Number.isFinite(done) && done > 0) {
        resolve(Date.now() - done);
      } else {
        reject(new Error(`python printed ${JSON.stringify(out)}`));
      }
    });
  });
}

/** From a job's end to the next job's start on a fresh worker, with refresh_worker and workersMax 1. */
async function refreshCycle(): Promise<void> {
  const cp = await startControlPlane(["--autoscaler-tick-ms", "100"]);
  try {
    const endpointId = await commandEndpoint(cp, RUNPOD_WORKER, {
      workersMax: 1,
      env: { ...RUNPOD_ENV, WORKER_MODE: "refresh" },
    });
    const count = n(10) + 1;
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      ids.push((await cp.call<{ id: string }>("POST", `/v2/${endpointId}/run`, { input: { i } })).id);
    }
    await waitCompleted(cp, endpointId, count, count * 60_000);
    const jobs = await cp.call<{ id: string; startedAt: string; completedAt: string; workerId: string }[]>(
      "GET",
      `/v1/endpoints/${endpointId}/jobs?limit=${count}`,
    );
    const byId = new Map(jobs.map((job) => [job.id, job]));
    const events = await cp.call<{ action: string; at: string }[]>("GET", `/v1/endpoints/${endpointId}/scaling-events`);
    const starts = events
      .filter((e) => e.action === "start_worker")
      .map((e) => Date.parse(e.at))
      .sort((a, b) => a - b);
    const cycles: number[] = [];
    const exits: number[] = [];
    for (let i = 1; i < count; i++) {
      const ended = Date.parse(byId.get(ids[i - 1] as string)?.completedAt ?? "");
      const next = Date.parse(byId.get(ids[i] as string)?.startedAt ?? "");
      cycles.push(next - ended);
      // The replacement is started once the old worker has exited.
      const replaced = starts.find((at) => at >= ended);
      if (replaced !== undefined && replaced <= next) {
        exits.push(replaced - ended);
      }
    }
    if (new Set(jobs.map((job) => job.workerId)).size !== count) {
      throw new Error("refresh_worker jobs did not each run on a fresh worker");
    }
    await cp.call("DELETE", `/v1/endpoints/${endpointId}`);
    notes.push(
      `refresh_worker cycle: the replacement starts as soon as the job ends, while the old worker exits; the rest of the cycle is a Python worker's cold start (mostly importing runpod), measured ${new Date().toISOString().slice(0, 10)} with a load average of ${loadavg()[0]?.toFixed(0)} on ${cpus().length} cores from other work.`,
    );
    report(
      "refresh_worker cycle, job end to next job started on a fresh worker (runpod 1.12, workersMax 1) p50",
      percentile(cycles, 0.5),
      "ms",
    );
    report("refresh_worker cycle p90", percentile(cycles, 0.9), "ms");
    report(
      "refresh_worker cycle, of which job end to the replacement worker's start (the rest is its cold start) p50",
      percentile(exits, 0.5),
      "ms",
    );
    chart.push({ label: "refresh_worker cycle p50", ms: percentile(cycles, 0.5) });
  } finally {
    killAll();
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
      const [metric = "", value = "", target = "", met = "", measured = ""] = line.slice(2, -2).split(" | ");
      return { metric, value, target, met: met === "" ? undefined : met === "yes", measured };
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

async function simulation(): Promise<void> {
  const hours = 24 * SCALE;
  const trace = generateTrace({
    shape: { kind: "steady", jobsPerSecond: 50 },
    durationSeconds: hours * 3600,
    executionMedianMs: 1000,
    seed: 42,
  });
  const wallStart = performance.now();
  const cpuStart = process.cpuUsage();
  const result = simulate(
    { ...ENDPOINT_DEFAULTS, workersMax: 80, idleTimeout: 60, gpuTypeIds: ["NVIDIA L4"] },
    trace,
    { coldStartMs: 5000, initMs: 2000, resumeMs: 50 },
    { prices: { "NVIDIA L4": 0.0002 } },
  );
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const wallSeconds = (performance.now() - wallStart) / 1000;
  report(
    `simulate ${hours} h of a steady 50 jobs/s trace (${trace.length} jobs) through decide(), CPU time`,
    cpuSeconds,
    "s",
    { op: "<", value: 30 * SCALE },
  );
  notes.push(
    `Simulate: ${wallSeconds.toFixed(1)} s wall for ${cpuSeconds.toFixed(1)} s of CPU (load average ${loadavg()[0]?.toFixed(1)} on ${cpus().length} cores), ${result.evaluations} evaluations of decide(), peak ${result.peakWorkers} workers, p95 queue delay ${((result.queueDelayMs.p95 ?? 0) / 1000).toFixed(2)} s.`,
  );
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
    "",
    "A run measures the scenarios BENCH_ONLY names (all by default) and keeps the other rows of the last report;",
    "each row says when its run started and the host's 1-minute load average just before it.",
    "",
    "| Metric | Result | Target | Met | Measured |",
    "|---|---|---|---|---|",
    ...rows.map(
      (r) =>
        `| ${r.metric} | ${r.value} | ${r.target} | ${r.met === undefined ? "" : r.met ? "yes" : "**no**"} | ${r.measured} |`,
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
const SCENARIOS = [
  "throughput",
  "latency",
  "coldstart",
  "memory",
  "loadbalancer",
  "metrics",
  "docker",
  "kubernetes",
  "kwok",
  "simulate",
  "pystop",
  "refresh",
  "postgres",
  "pgmemory",
] as const;
const selected =
  process.env.BENCH_ONLY?.split(",") ??
  SCENARIOS.filter(
    (s) =>
      (s !== "docker" || process.env.DOCKER_HOST) &&
      (s !== "kubernetes" || existsSync(KUBECONFIG_FILE)) &&
      (s !== "kwok" || (existsSync(KUBECONFIG_FILE) && kwokBuilt())) &&
      ((s !== "pystop" && s !== "refresh") || existsSync(PYTHON)) &&
      ((s !== "postgres" && s !== "pgmemory") || process.env.RUNFLEET_TEST_DATABASE_URL),
  );
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
  if (selected.includes("loadbalancer")) {
    await loadBalancer();
  }
  if (selected.includes("metrics")) {
    await metricHistory();
  }
  if (selected.includes("docker")) {
    await dockerStarts();
  }
  if (selected.includes("kubernetes")) {
    await kubernetesStarts();
  }
  if (selected.includes("kwok")) {
    await kwokScale();
  }
  if (selected.includes("simulate")) {
    await simulation();
  }
  if (selected.includes("pystop")) {
    await pythonStop();
  }
  if (selected.includes("refresh")) {
    await refreshCycle();
  }
  if (selected.includes("postgres")) {
    await postgres();
  }
  if (selected.includes("pgmemory")) {
    await postgresMemory();
  }
} finally {
  writeReport();
}
