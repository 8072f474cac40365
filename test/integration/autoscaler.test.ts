import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  createCommandEndpoint,
  startTestControlPlane,
  type TestControlPlane,
} from "../support/control-plane-process.js";
import { eventually, NODE, samplePeak } from "../support/workers.js";

const ECHO = [NODE, "examples/echo-worker/dist/worker.js"];

interface Worker {
  id: string;
  status: string;
  gpuIds: string[];
}
interface JobStatus {
  id: string;
  status: string;
  delayTime?: number;
  workerId?: string;
  reason?: string;
}

describe("autoscaling with the process driver", () => {
  let cp: TestControlPlane;
  const endpoints: string[] = [];

  beforeAll(async () => {
    cp = await startTestControlPlane({ autoscalerTickMs: 100, gpus: "NVIDIA L4:2", workerStopGraceMs: 2000 });
  });

  afterEach(async () => {
    // Deleting an endpoint stops its workers.
    for (const id of endpoints.splice(0)) {
      await cp.call("DELETE", `/v1/endpoints/${id}`);
    }
  });

  afterAll(async () => {
    await cp.dispose();
  });

  const endpoint = async (settings: Record<string, unknown>, command = ECHO) => {
    const id = await createCommandEndpoint(cp, command, settings);
    endpoints.push(id);
    return id;
  };
  const workers = async (endpointId: string) =>
    (await cp.call<Worker[]>("GET", `/v1/endpoints/${endpointId}/workers`)).body;
  const submit = async (endpointId: string, input: unknown, policy?: unknown) =>
    (await cp.call<JobStatus>("POST", `/v2/${endpointId}/run`, { input, policy })).body.id;
  const finished = (endpointId: string, id: string, timeoutMs = 30_000) =>
    eventually(
      async () => {
        const { body } = await cp.call<JobStatus>("GET", `/v2/${endpointId}/status-sync/${id}?wait=2000`);
        return body.status === "COMPLETED" ? body : undefined;
      },
      timeoutMs,
      `job ${id} to complete`,
    );

  it("scales 0 → N → 0 under a burst without exceeding workersMax", async () => {
    const endpointId = await endpoint({ scalerType: "REQUEST_COUNT", scalerValue: 1, workersMax: 3, idleTimeout: 1 });
    const sampler = samplePeak(async () => (await workers(endpointId)).length);
    const ids = await Promise.all(Array.from({ length: 9 }, (_, i) => submit(endpointId, { sleepMs: 400, i })));
    for (const id of ids) {
      await finished(endpointId, id);
    }
    await eventually(
      async () => ((await workers(endpointId)).length === 0 ? true : undefined),
      15_000,
      "scale to zero",
    );
    expect(await sampler.stop()).toBe(3);
    const events = (await cp.call<{ action: string }[]>("GET", `/v1/endpoints/${endpointId}/scaling-events`)).body;
    expect(events.filter((e) => e.action === "start_worker")).toHaveLength(3);
    expect(events.filter((e) => e.action === "stop_worker")).toHaveLength(3);
  });

  it("keeps workersMin warm without jobs, and after its idle timeout", async () => {
    const endpointId = await endpoint({ workersMin: 1, idleTimeout: 1 });
    await eventually(
      async () => ((await workers(endpointId))[0]?.status === "IDLE" ? true : undefined),
      15_000,
      "a warm worker",
    );
    await new Promise((r) => setTimeout(r, 1800));
    expect((await workers(endpointId)).map((w) => w.status)).toEqual(["IDLE"]);
  });

  it("honours the idle timeout to within a tick", async () => {
    const endpointId = await endpoint({ idleTimeout: 2 });
    const id = await submit(endpointId, { message: "x" });
    await finished(endpointId, id);
    const doneAt = Date.now();
    await eventually(
      async () => ((await workers(endpointId)).length === 0 ? true : undefined),
      10_000,
      "scale to zero",
    );
    const after = Date.now() - doneAt;
    expect(after).toBeGreaterThanOrEqual(1800);
    expect(after).toBeLessThan(4500);
  });

  it("QUEUE_DELAY starts one worker at once, and another only once a job waited scalerValue seconds", async () => {
    const endpointId = await endpoint({ scalerType: "QUEUE_DELAY", scalerValue: 2, workersMax: 3, idleTimeout: 1 });
    const ids = await Promise.all(Array.from({ length: 4 }, (_, i) => submit(endpointId, { sleepMs: 1500, i })));
    await new Promise((r) => setTimeout(r, 1200));
    expect((await workers(endpointId)).length).toBe(1);
    await eventually(async () => ((await workers(endpointId)).length >= 2 ? true : undefined), 6000, "a second worker");
    for (const id of ids) {
      await finished(endpointId, id);
    }
  });

  it("does not start a worker for a low-priority job", async () => {
    const endpointId = await endpoint({ idleTimeout: 1 });
    const id = await submit(endpointId, { message: "later" }, { lowPriority: true });
    await new Promise((r) => setTimeout(r, 1500));
    expect(await workers(endpointId)).toEqual([]);
    const { body } = await cp.call<JobStatus>("GET", `/v2/${endpointId}/status/${id}`);
    expect(body.reason).toMatch(/low-priority/);
    // A normal job starts a worker, which then serves the low-priority one too.
    await finished(endpointId, await submit(endpointId, { message: "now" }));
    await finished(endpointId, id);
  });

  it("reports a worker that crashes at start UNHEALTHY, backs off, and keeps its jobs queued with that reason", async () => {
    const template = await cp.call<{ id: string }>("POST", "/v1/templates", {
      name: `crash-${Date.now()}`,
      command: ECHO,
      env: { ECHO_EXIT_AT_START: "1" },
    });
    const created = await cp.call<{ id: string }>("POST", "/v1/endpoints", {
      name: "crash",
      templateId: template.body.id,
      computeType: "CPU",
    });
    const endpointId = created.body.id;
    endpoints.push(endpointId);
    const id = await submit(endpointId, { message: "never" });
    const queued = await eventually(
      async () => {
        const { body } = await cp.call<JobStatus>("GET", `/v2/${endpointId}/status/${id}`);
        return body.reason?.includes("crash-looping") ? body : undefined;
      },
      20_000,
      "the crash-loop reason",
    );
    expect(queued.status).toBe("IN_QUEUE");
    expect(queued.reason).toMatch(/exited with 1/);
    const health = await cp.call<{ workers: { unhealthy: number } }>("GET", `/v2/${endpointId}/health`);
    expect(health.body.workers.unhealthy).toBe(1);
    const events = (
      await cp.call<{ action: string; inputs: { backoffMs?: number } }[]>(
        "GET",
        `/v1/endpoints/${endpointId}/scaling-events`,
      )
    ).body;
    const backoffs = events
      .filter((e) => e.action === "backoff")
      .map((e) => e.inputs.backoffMs ?? 0)
      .reverse();
    expect(backoffs.length).toBeGreaterThanOrEqual(3);
    expect(backoffs[2]).toBeGreaterThan(backoffs[0] ?? 0);
    // Starts are spaced by the back-off, not a hot loop.
    expect(events.filter((e) => e.action === "start_worker").length).toBeLessThanOrEqual(6);
  });

  it("stops a worker that never becomes ready after the init timeout, backs off, and says so on queued jobs", async () => {
    // A process that starts but never asks for a job; RUNPOD_INIT_TIMEOUT (seconds) as on RunPod.
    const endpointId = await endpoint({ workersMax: 1, env: { RUNPOD_INIT_TIMEOUT: "1" } }, [
      NODE,
      "-e",
      "setInterval(() => {}, 1000)",
    ]);
    const id = await submit(endpointId, { message: "never" });
    const first = await eventually(async () => (await workers(endpointId))[0], 10_000, "a booting worker");
    expect(first.status).toBe("INITIALIZING");
    const queued = await eventually(
      async () => {
        const { body } = await cp.call<JobStatus>("GET", `/v2/${endpointId}/status/${id}`);
        return body.reason?.includes("init timeout") ? body : undefined;
      },
      20_000,
      "the init-timeout reason",
    );
    expect(queued.status).toBe("IN_QUEUE");
    expect(queued.reason).toMatch(/cannot be started.*did not become ready within 1 s of its start \(init timeout\)/);
    const events = (
      await cp.call<{ action: string; workerId: string | null; reason: string }[]>(
        "GET",
        `/v1/endpoints/${endpointId}/scaling-events`,
      )
    ).body;
    expect(events).toContainEqual(
      expect.objectContaining({
        action: "stop_worker",
        workerId: first.id,
        reason: expect.stringMatching(/init timeout/),
      }),
    );
    expect(events).toContainEqual(
      expect.objectContaining({ action: "backoff", reason: expect.stringMatching(/init timeout/) }),
    );
    // The worker is gone (stopped, not left running), and the job keeps waiting for a working one.
    await eventually(async () => ((await workers(endpointId)).some((w) => w.id === first.id) ? undefined : true));
  });

  it("resumes a FlashBoot standby measurably faster than a cold start", async () => {
    const endpointId = await endpoint({ flashboot: true, idleTimeout: 1 });
    const cold = await finished(endpointId, await submit(endpointId, { message: "cold" }));
    await eventually(
      async () => ((await workers(endpointId))[0]?.status === "STANDBY" ? true : undefined),
      10_000,
      "a standby",
    );
    const warm = await finished(endpointId, await submit(endpointId, { message: "warm" }));
    expect(warm.workerId).toBe(cold.workerId);
    expect(warm.delayTime ?? Number.POSITIVE_INFINITY).toBeLessThan(cold.delayTime ?? 0);
  });

  it("never hands a GPU to two workers, and throttles a worker when none is free", async () => {
    const endpointId = await endpoint({
      computeType: "GPU",
      gpuCount: 1,
      scalerType: "REQUEST_COUNT",
      scalerValue: 1,
      workersMax: 3,
    });
    const ids = await Promise.all(Array.from({ length: 3 }, (_, i) => submit(endpointId, { sleepMs: 1500, i })));
    const list = await eventually(
      async () => {
        const current = await workers(endpointId);
        return current.length === 3 && current.some((w) => w.status === "THROTTLED") ? current : undefined;
      },
      15_000,
      "two GPU workers and a throttled one",
    );
    const gpus = list.flatMap((w) => w.gpuIds);
    expect(new Set(gpus).size).toBe(gpus.length);
    expect(gpus.sort()).toEqual(["0", "1"]);
    const inventory = (await cp.call<{ id: string; workerId: string | null }[]>("GET", "/v1/gpus")).body;
    expect(inventory.filter((g) => g.workerId !== null)).toHaveLength(2);
    for (const id of ids) {
      await finished(endpointId, id);
    }
  });

  it("evicts a FlashBoot standby when another endpoint needs its GPUs", async () => {
    const holder = await endpoint({ computeType: "GPU", gpuCount: 2, flashboot: true, idleTimeout: 1 });
    await finished(holder, await submit(holder, { message: "hold" }));
    await eventually(
      async () => ((await workers(holder))[0]?.status === "STANDBY" ? true : undefined),
      10_000,
      "a standby",
    );
    const needy = await endpoint({ computeType: "GPU", gpuCount: 1, idleTimeout: 1 });
    const done = await finished(needy, await submit(needy, { message: "need" }));
    expect(done.status).toBe("COMPLETED");
    expect(await workers(holder)).toEqual([]);
    const events = (await cp.call<{ reason: string }[]>("GET", `/v1/endpoints/${holder}/scaling-events`)).body;
    expect(events.some((e) => e.reason.includes(`endpoint ${needy} needs its GPUs`))).toBe(true);
  });

  it("reports queue, workers and timings in the metrics API and Prometheus", async () => {
    const endpointId = await endpoint({ idleTimeout: 2 });
    for (let i = 0; i < 3; i++) {
      await finished(endpointId, await submit(endpointId, { i }));
    }
    await new Promise((r) => setTimeout(r, 400));
    const { body } = await cp.call<{
      queueDepth: unknown[];
      workersByStatus: Record<string, unknown[]>;
      delayTime: { count: number; p50: number | null };
      executionTime: { count: number };
      coldStarts: { count: number };
    }>("GET", `/v1/endpoints/${endpointId}/metrics?windowSeconds=60`);
    expect(body.delayTime.count).toBe(3);
    expect(body.executionTime.count).toBe(3);
    expect(body.coldStarts.count).toBeGreaterThanOrEqual(1);
    expect(body.queueDepth.length).toBeGreaterThan(0);
    expect(Object.keys(body.workersByStatus)).toContain("IDLE");
    const text = await (await fetch(`${cp.url}/metrics`)).text();
    expect(text).toContain(`runfleet_jobs_finished_total{endpoint="${endpointId}",status="COMPLETED"} 3`);
    expect(text).toMatch(/runfleet_cold_start_seconds_count\{phase="ready"\} \d+/);
    expect(text).toContain(`runfleet_workers{endpoint="${endpointId}",status="IDLE"} 1`);
  });

  it("replaces idle workers at once when the endpoint's env changes", async () => {
    const endpointId = await endpoint({ workersMin: 1, idleTimeout: 1 });
    const [first] = await eventually(
      async () => {
        const current = await workers(endpointId);
        return current[0]?.status === "IDLE" ? current : undefined;
      },
      15_000,
      "a warm worker",
    );
    await cp.call("PATCH", `/v1/endpoints/${endpointId}`, { env: { GREETING: "v2" } });
    const replaced = await eventually(
      async () => {
        const current = await workers(endpointId);
        return current.length === 1 && current[0]?.id !== first?.id && current[0]?.status === "IDLE"
          ? current
          : undefined;
      },
      15_000,
      "a replacement worker",
    );
    expect(replaced).toHaveLength(1);
  });
});
