import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRunfleet } from "@runfleet/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createCommandEndpoint,
  startTestControlPlane,
  TEST_ADMIN_KEY,
  type TestControlPlane,
} from "../support/control-plane-process.js";
import { runfleetCli } from "../support/control-plane-subprocess.js";
import { eventually, NODE } from "../support/workers.js";

const ECHO = [NODE, "examples/echo-worker/dist/worker.js"];

describe("usage accounting, advisories and runfleet simulate against a real control plane", () => {
  let cp: TestControlPlane;
  let dir: string;
  let endpointId: string;
  const runfleet = (args: string[]) =>
    runfleetCli(args, { RUNFLEET_BASE_URL: cp.url, RUNFLEET_API_KEY: TEST_ADMIN_KEY });
  const sdk = () => createRunfleet({ baseUrl: cp.url, apiKey: TEST_ADMIN_KEY });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "runfleet-usage-"));
    cp = await startTestControlPlane({ autoscalerTickMs: 100, usageSampleMs: 50, usageFlushMs: 200 });
    // One worker at most for six 1.5 s jobs sent at once: the queue grows behind workersMax.
    endpointId = await createCommandEndpoint(cp, ECHO, {
      workersMax: 1,
      idleTimeout: 1,
      scalerType: "REQUEST_COUNT",
      scalerValue: 1,
    });
    const ids = await Promise.all(
      Array.from({ length: 6 }, async () => {
        const { body } = await cp.call<{ id: string }>("POST", `/v2/${endpointId}/run`, { input: { sleepMs: 1500 } });
        return body.id;
      }),
    );
    await eventually(
      async () => {
        const statuses = await Promise.all(
          ids.map(
            async (id) => (await cp.call<{ status: string }>("GET", `/v2/${endpointId}/status/${id}`)).body.status,
          ),
        );
        return statuses.every((s) => s === "COMPLETED") ? true : undefined;
      },
      60_000,
      "the jobs to complete",
    );
    await eventually(
      async () =>
        (await cp.call<unknown[]>("GET", `/v1/endpoints/${endpointId}/workers`)).body.length === 0 ? true : undefined,
      30_000,
      "scale to zero",
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
  }, 120_000);

  afterAll(async () => {
    await cp?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it("accounts worker-seconds by state and per worker, in the API, the SDK and Prometheus", async () => {
    const usage = await sdk().endpoints.usage(endpointId, { from: new Date(Date.now() - 600_000) });
    // Six jobs of 1.5 s ran one after the other on one worker.
    expect(usage.seconds.running).toBeGreaterThan(8);
    expect(usage.seconds.running).toBeLessThan(14);
    expect(usage.seconds.initializing).toBeGreaterThan(0);
    expect(usage.seconds.idle).toBeGreaterThan(0);
    expect(usage.gpuSeconds).toBe(0);
    expect(usage.workers).toHaveLength(1);
    expect(usage.workers[0]?.seconds.running).toBeCloseTo(usage.seconds.running, 3);
    expect(usage.bucketSeconds).toBe(60);
    const metrics = await (await fetch(`${cp.url}/metrics`)).text();
    expect(metrics).toMatch(
      new RegExp(`runfleet_worker_seconds_total\\{endpoint="${endpointId}",state="running"\\} \\d`),
    );
  });

  it("refuses a range that ends before it starts, naming the field", async () => {
    const from = new Date().toISOString();
    const to = new Date(Date.now() - 60_000).toISOString();
    const answer = await cp.call<{ code: string; errors: { field: string }[] }>(
      "GET",
      `/v1/endpoints/${endpointId}/usage?from=${from}&to=${to}`,
    );
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe("validation_failed");
    expect(answer.body.errors[0]?.field).toBe("from");
  });

  it("advises a larger workersMax, with the history simulated both ways", async () => {
    const advice = await sdk().endpoints.advice(endpointId, { windowSeconds: 600 });
    expect(advice.jobs).toBe(6);
    expect(advice.coldStartMs).toBeGreaterThan(0);
    const finding = advice.advisories.find((a) => a.rule === "max_workers_reached");
    expect(finding, JSON.stringify(advice)).toBeDefined();
    expect(finding?.alternative?.settings).toEqual({ workersMax: 2 });
    expect(finding?.alternative?.p95QueueDelaySeconds).toBeLessThan(finding?.current?.p95QueueDelaySeconds as number);
    expect(finding?.message).toMatch(
      /^workersMax \(1\) was reached \d+ time\(s\) while the queue grew: p95 queue delay/,
    );
    const cli = await runfleet(["endpoints", "advice", endpointId, "--window", "10m"]);
    expect(cli.status).toBe(0);
    expect(cli.stdout).toContain("[warning] max_workers_reached: workersMax (1) was reached");
  });

  it("runfleet endpoints usage prints the table and JSON", async () => {
    const table = await runfleet(["endpoints", "usage", endpointId, "--window", "10m", "--per-worker"]);
    expect(table.status).toBe(0);
    expect(table.stdout).toMatch(/^WORKER\s+INITIALIZING\s+RUNNING\s+IDLE/m);
    expect(table.stdout).toMatch(/^\(endpoint\)\s/m);
    const asJson = await runfleet(["endpoints", "usage", endpointId, "--json"]);
    expect(JSON.parse(asJson.stdout)).toMatchObject({ endpointId, bucketSeconds: 60 });
  });

  it("runfleet simulate sweeps a trace, prints the frontier as JSON and writes the chart", async () => {
    const trace = join(dir, "trace.csv");
    writeFileSync(trace, "arrivalMs,executionMs\n0,1000\n100,1000\n200,1000\n5000,500\n");
    const chart = join(dir, "chart.svg");
    const result = await runfleet([
      "simulate",
      "--trace",
      trace,
      "--compute-type",
      "CPU",
      "--scaler-type",
      "REQUEST_COUNT",
      "--scaler-value",
      "1",
      "--cold-start-ms",
      "500",
      "--price",
      "CPU=0.01",
      "--sweep",
      "workersMax=1..3",
      "--chart",
      chart,
      "--json",
    ]);
    expect(result.status, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as {
      jobs: number;
      results: { settings: { workersMax: number }; queueDelayMs: { p95: number }; cost: { cost: number } }[];
      frontier: number[];
    };
    expect(report.jobs).toBe(4);
    expect(report.results.map((r) => r.settings.workersMax)).toEqual([1, 2, 3]);
    expect(report.results[2]?.queueDelayMs.p95).toBeLessThan(report.results[0]?.queueDelayMs.p95 as number);
    expect(report.frontier.length).toBeGreaterThan(0);
    expect(readFileSync(chart, "utf8")).toMatch(/^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  });

  it("runfleet simulate names the line and field of a malformed trace (exit 2)", async () => {
    const trace = join(dir, "bad.csv");
    writeFileSync(trace, "arrivalMs,executionMs\n0,100\n10,fast\n");
    const result = await runfleet(["simulate", "--trace", trace]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`--trace ${trace}: line 3, executionMs: must be a number ≥ 0, got "fast"`);
  });

  it("runfleet simulate --from-endpoint replays the endpoint's retained jobs with its settings", async () => {
    const result = await runfleet(["simulate", "--from-endpoint", endpointId, "--window", "10m", "--json"]);
    expect(result.status, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as {
      jobs: number;
      results: { settings: { workersMax: number }; jobs: { completed: number } }[];
    };
    expect(report.jobs).toBe(6);
    expect(report.results[0]?.settings.workersMax).toBe(1);
    expect(report.results[0]?.jobs.completed).toBe(6);
  });
});
