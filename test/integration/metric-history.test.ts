import { createRunfleet } from "@runfleet/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  startTestControlPlane,
  TEST_ADMIN_KEY,
  type TestControlPlane,
  warmEchoEndpoint,
} from "../support/control-plane-process.js";
import { eventually } from "../support/workers.js";

interface MetricBucket {
  at: string;
  samples: number;
  queueDepth: number;
  workers: Record<string, number>;
  jobsCompleted: number;
  jobsFailed: number;
  executionTime: { p50: number | null; p95: number | null; count: number };
  coldStarts: number;
  utilization: number | null;
}
interface EndpointMetrics {
  endpointId: string;
  windowSeconds: number;
  from: string;
  to: string;
  stepSeconds: number;
  points: MetricBucket[];
  executionTime: { p50: number | null; count: number };
  coldStarts: { count: number };
}

const completed = (metrics: EndpointMetrics) => metrics.points.reduce((sum, p) => sum + p.jobsCompleted, 0);
const failed = (metrics: EndpointMetrics) => metrics.points.reduce((sum, p) => sum + p.jobsFailed, 0);

describe("metric history", () => {
  let cp: TestControlPlane;
  let endpointId: string;

  beforeAll(async () => {
    cp = await startTestControlPlane({ metricsIntervalMs: 200 });
    ({ endpointId } = await warmEchoEndpoint(cp));
  });

  afterAll(async () => {
    await cp?.dispose();
  });

  it("records jobs, workers and cold starts, answers range queries, and survives a restart", async () => {
    for (let i = 0; i < 4; i++) {
      const run = await cp.call<{ status: string }>("POST", `/v2/${endpointId}/runsync`, {
        input: { message: i, sleepMs: 50 },
      });
      expect(run.body.status).toBe("COMPLETED");
    }
    const failure = await cp.call<{ status: string }>("POST", `/v2/${endpointId}/runsync`, { input: { fail: "boom" } });
    expect(failure.body.status).toBe("FAILED");

    const before = await eventually(
      async () => {
        const { body } = await cp.call<EndpointMetrics>("GET", `/v1/endpoints/${endpointId}/metrics?windowSeconds=900`);
        return completed(body) >= 4 && failed(body) >= 1 && body.coldStarts.count >= 1 ? body : undefined;
      },
      15_000,
      "four completed and one failed job in the history",
    );
    expect(before).toMatchObject({ endpointId, windowSeconds: 900, stepSeconds: 10 });
    expect(completed(before)).toBe(4);
    expect(failed(before)).toBe(1);
    expect(before.executionTime.count).toBe(5);
    // The echo worker slept 50 ms on four of the five jobs.
    expect(before.executionTime.p50).toBeGreaterThanOrEqual(45);
    const point = before.points.find((p) => p.workers.IDLE !== undefined || p.workers.RUNNING !== undefined);
    expect(point?.samples).toBeGreaterThan(0);
    // The old shape is kept: one MetricPoint per step.
    const { body: legacy } = await cp.call<{ queueDepth: unknown[]; workersByStatus: Record<string, unknown[]> }>(
      "GET",
      `/v1/endpoints/${endpointId}/metrics?windowSeconds=900`,
    );
    expect(legacy.queueDepth.length).toBeGreaterThan(0);
    expect(Object.keys(legacy.workersByStatus)).toContain("IDLE");

    const to = new Date(Date.now() + 1000).toISOString();
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const ranged = await cp.call<EndpointMetrics>(
      "GET",
      `/v1/endpoints/${endpointId}/metrics?from=${from}&to=${to}&step=60`,
    );
    expect(ranged.status).toBe(200);
    expect(ranged.body.stepSeconds).toBe(60);
    expect(completed(ranged.body)).toBe(4);

    // The SDK's helper takes Dates and seconds.
    const runfleet = createRunfleet({ baseUrl: cp.url, apiKey: TEST_ADMIN_KEY });
    const viaSdk = await runfleet.endpoints.metrics(endpointId, { from: new Date(Date.now() - 3_600_000), step: 120 });
    expect(viaSdk.stepSeconds).toBe(120);
    expect(viaSdk.points.reduce((sum, p) => sum + p.jobsCompleted, 0)).toBe(4);

    const week = await cp.call<EndpointMetrics>("GET", `/v1/endpoints/${endpointId}/metrics?windowSeconds=604800`);
    expect(week.body.stepSeconds).toBe(1800);
    expect(completed(week.body)).toBe(4);

    await cp.server.stop();
    const restarted = await startTestControlPlane({ metricsIntervalMs: 200 }, cp.dataDir);
    cp = restarted;
    const after = await cp.call<EndpointMetrics>("GET", `/v1/endpoints/${endpointId}/metrics?windowSeconds=900`);
    expect(after.status).toBe(200);
    expect(completed(after.body)).toBe(4);
    expect(failed(after.body)).toBe(1);
    expect(after.body.points[0]?.at).toBe(before.points[0]?.at);
  });

  it("refuses an empty range and a range of too many steps, naming the field", async () => {
    const empty = await cp.call<{ errors: { field: string }[] }>(
      "GET",
      `/v1/endpoints/${endpointId}/metrics?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z`,
    );
    expect(empty.status).toBe(400);
    expect(empty.body.errors[0]?.field).toBe("from");
    const huge = await cp.call<{ errors: { field: string }[] }>(
      "GET",
      `/v1/endpoints/${endpointId}/metrics?from=2000-01-01T00:00:00Z&step=3600`,
    );
    expect(huge.status).toBe(400);
    expect(huge.body.errors[0]?.field).toBe("step");
    const badStep = await cp.call<{ errors: { field: string }[] }>("GET", `/v1/endpoints/${endpointId}/metrics?step=1`);
    expect(badStep.status).toBe(400);
  });
});
