import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createCommandEndpoint,
  registerWorker,
  startTestControlPlane,
  type TestControlPlane,
} from "../support/control-plane-process.js";
import { eventually, NODE, startWorker, stopAllWorkers } from "../support/workers.js";

const ECHO = [NODE, "examples/echo-worker/dist/worker.js"];

interface WorkerView {
  id: string;
  status: string;
  reason: string | null;
}

/**
 * A registered external worker counts as capacity while it boots; one that never connects held
 * scale-from-zero back forever (its endpoint's jobs stayed IN_QUEUE, "waiting for 1 worker(s) to start").
 */
describe("an external worker that never connects", () => {
  let cp: TestControlPlane;

  beforeAll(async () => {
    cp = await startTestControlPlane({ workerInitTimeoutMs: 1500, autoscalerTickMs: 100 });
  });

  afterAll(async () => {
    await stopAllWorkers();
    await cp.dispose();
  });

  it("stops counting after the init timeout, so the autoscaler starts a worker in its place", async () => {
    const endpointId = await createCommandEndpoint(cp, ECHO, { workersMax: 1, idleTimeout: 60 });
    const absent = await registerWorker(cp, endpointId);

    const { status, body: job } = await cp.call<{ status: string; output?: { workerId: string } }>(
      "POST",
      `/v2/${endpointId}/runsync?wait=30000`,
      { input: { message: "hi" } },
    );
    expect(status).toBe(200);
    expect(job.status).toBe("COMPLETED");
    expect(job.output?.workerId).not.toBe(absent.id);

    const { body: workers } = await cp.call<WorkerView[]>("GET", `/v1/endpoints/${endpointId}/workers`);
    expect(workers.find((w) => w.id === absent.id)).toMatchObject({
      status: "UNHEALTHY",
      reason: expect.stringMatching(/did not ask for a job within 2 s of its registration \(init timeout\)/),
    });
    const { body: events } = await cp.call<{ action: string; workerId: string | null }[]>(
      "GET",
      `/v1/endpoints/${endpointId}/scaling-events`,
    );
    expect(events.some((e) => e.action === "disregard_worker" && e.workerId === absent.id)).toBe(true);

    // Connecting late, it is a healthy worker again.
    startWorker(ECHO, absent.env);
    await eventually(
      async () => {
        const { body } = await cp.call<WorkerView[]>("GET", `/v1/endpoints/${endpointId}/workers`);
        const late = body.find((w) => w.id === absent.id);
        return late?.status === "IDLE" && late.reason === null ? late : undefined;
      },
      20_000,
      "the late worker to be idle",
    );
  });
});
