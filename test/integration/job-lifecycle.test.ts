import { createHmac } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createExternalEndpoint,
  registerWorker,
  requireService,
  startTestControlPlane,
  TEST_ADMIN_KEY,
  type TestControlPlane,
} from "../support/control-plane-process.js";
import {
  eventually,
  hasPythonRunpod,
  killWorker,
  startWorker,
  stopAllWorkers,
  VENV_PYTHON,
} from "../support/workers.js";

const HANDLER = "examples/python-runpod-worker/handler.py";
const COMMAND = [VENV_PYTHON, HANDLER];
const run = requireService(hasPythonRunpod(), "Python venv with runpod (.venv/bin/python)");

interface JobStatus {
  id: string;
  status: string;
  output?: unknown;
  error?: unknown;
  retries?: number;
  workerId?: string;
  reason?: string;
}

describe.runIf(run)("the job lifecycle with real worker processes", () => {
  let cp: TestControlPlane;

  beforeAll(async () => {
    cp = await startTestControlPlane({ webhookSecret: "test-webhook-secret-0123456789" });
  });

  afterAll(async () => {
    await stopAllWorkers();
    await cp.dispose();
  });

  const status = async (endpointId: string, id: string) =>
    (await cp.call<JobStatus>("GET", `/v2/${endpointId}/status/${id}`)).body;
  const until = (endpointId: string, id: string, wanted: string, timeoutMs = 20_000) =>
    eventually(
      async () => {
        const job = await status(endpointId, id);
        return job.status === wanted ? job : undefined;
      },
      timeoutMs,
      `job ${id} to be ${wanted}`,
    );

  it("keeps a job queued with the reason it waits, and cancels it there", async () => {
    const endpointId = await createExternalEndpoint(cp, COMMAND);
    const { body: accepted } = await cp.call<JobStatus>("POST", `/v2/${endpointId}/run`, { input: { mode: "echo" } });
    expect(accepted.status).toBe("IN_QUEUE");
    const queued = await status(endpointId, accepted.id);
    expect(queued.status).toBe("IN_QUEUE");
    expect(queued.reason).toMatch(/allows no workers \(workersMax is 0\)/);
    const { body: cancelled } = await cp.call<JobStatus>("POST", `/v2/${endpointId}/cancel/${accepted.id}`);
    expect(cancelled.status).toBe("CANCELLED");
    // A worker arriving later never sees the cancelled job.
    startWorker(COMMAND, (await registerWorker(cp, endpointId)).env);
    const { body: next } = await cp.call<JobStatus>("POST", `/v2/${endpointId}/runsync?wait=30000`, {
      input: { mode: "echo", n: 2 },
    });
    expect(next.status).toBe("COMPLETED");
    expect((await status(endpointId, accepted.id)).status).toBe("CANCELLED");
  });

  it("cancels a running job and tells its worker to stop it", async () => {
    const endpointId = await createExternalEndpoint(cp, COMMAND);
    const worker = await registerWorker(cp, endpointId);
    startWorker(COMMAND, worker.env);
    const { body: slow } = await cp.call<JobStatus>("POST", `/v2/${endpointId}/run`, {
      input: { mode: "sleep", seconds: 2 },
    });
    await until(endpointId, slow.id, "IN_PROGRESS");
    const { body: cancelled } = await cp.call<JobStatus>("POST", `/v2/${endpointId}/cancel/${slow.id}`);
    expect(cancelled.status).toBe("CANCELLED");
    // The worker's late result does not overwrite the cancellation.
    await new Promise((r) => setTimeout(r, 2500));
    expect((await status(endpointId, slow.id)).status).toBe("CANCELLED");
    const { body: next } = await cp.call<JobStatus>("POST", `/v2/${endpointId}/runsync?wait=30000`, {
      input: { mode: "echo" },
    });
    expect(next.status).toBe("COMPLETED");
  });

  it("times a job out after its execution timeout", async () => {
    const endpointId = await createExternalEndpoint(cp, COMMAND);
    startWorker(COMMAND, (await registerWorker(cp, endpointId)).env);
    const { body } = await cp.call<JobStatus>("POST", `/v2/${endpointId}/run`, {
      input: { mode: "sleep", seconds: 8 },
      policy: { executionTimeout: 5000 },
    });
    const timedOut = await until(endpointId, body.id, "TIMED_OUT", 20_000);
    expect(timedOut.error).toMatch(/execution timeout of 5000 ms exceeded/);
  });

  it("retries a failed job with the same id and counts the retry", async () => {
    const endpointId = await createExternalEndpoint(cp, COMMAND);
    startWorker(COMMAND, (await registerWorker(cp, endpointId)).env);
    const { body: failed } = await cp.call<JobStatus>("POST", `/v2/${endpointId}/runsync?wait=30000`, {
      input: { mode: "fail", message: "first" },
    });
    expect(failed.status).toBe("FAILED");
    const { status: code, body: retried } = await cp.call<JobStatus>("POST", `/v2/${endpointId}/retry/${failed.id}`);
    expect(code).toBe(200);
    expect(retried).toEqual({ id: failed.id, status: "IN_QUEUE" });
    const again = await until(endpointId, failed.id, "FAILED");
    expect(again.retries).toBe(1);
    const { status: notRetryable } = await cp.call(
      "POST",
      `/v2/${endpointId}/retry/${(await cp.call<JobStatus>("POST", `/v2/${endpointId}/runsync?wait=30000`, { input: { mode: "echo" } })).body.id}`,
    );
    expect(notRetryable).toBe(409);
  });

  it("ends a job TIMED_OUT when its TTL runs out, keeps it for its retention, then deletes it", async () => {
    const short = await startTestControlPlane({ resultRetentionMs: 3000 });
    try {
      const endpointId = await createExternalEndpoint(short, COMMAND);
      const { body } = await short.call<JobStatus>("POST", `/v2/${endpointId}/run`, {
        input: {},
        policy: { ttl: 10_000 },
      });
      const read = () => short.call<JobStatus>("GET", `/v2/${endpointId}/status/${body.id}`);
      expect((await read()).body.status).toBe("IN_QUEUE");
      const expired = await eventually(
        async () => {
          const { body: job } = await read();
          return job.status === "TIMED_OUT" ? job : undefined;
        },
        20_000,
        "the job to expire",
      );
      expect(expired.error).toBe("ttl of 10000 ms expired while it was queued (no worker took it in time)");
      const { body: health } = await short.call<{ jobs: { failed: number; inQueue: number } }>(
        "GET",
        `/v2/${endpointId}/health`,
      );
      expect(health.jobs).toMatchObject({ failed: 1, inQueue: 0 });
      await eventually(async () => ((await read()).status === 404 ? true : undefined), 10_000, "its retention to end");
    } finally {
      await short.dispose();
    }
  });

  it("answers a resubmission with the same Idempotency-Key with the first job", async () => {
    const endpointId = await createExternalEndpoint(cp, COMMAND);
    const submit = (input: unknown) =>
      fetch(`${cp.url}/v2/${endpointId}/run`, {
        method: "POST",
        headers: { authorization: TEST_ADMIN_KEY, "idempotency-key": "order-42" },
        body: JSON.stringify({ input }),
      });
    const first = (await (await submit({ n: 1 })).json()) as JobStatus;
    const second = (await (await submit({ n: 1 })).json()) as JobStatus;
    expect(second.id).toBe(first.id);
    const conflict = await submit({ n: 2 });
    expect(conflict.status).toBe(409);
    expect(await conflict.json()).toMatchObject({ code: "idempotency_conflict" });
  });

  it("re-runs the job of a worker killed with SIGKILL on another worker", async () => {
    const endpointId = await createExternalEndpoint(cp, COMMAND);
    const first = await registerWorker(cp, endpointId);
    const firstProcess = startWorker(COMMAND, first.env);
    const { body } = await cp.call<JobStatus>("POST", `/v2/${endpointId}/run`, {
      input: { mode: "sleep", seconds: 1.5 },
    });
    const running = await until(endpointId, body.id, "IN_PROGRESS");
    expect(running.workerId).toBe(first.id);
    killWorker(firstProcess);
    await firstProcess.exited;
    const second = await registerWorker(cp, endpointId);
    startWorker(COMMAND, second.env);
    const done = await until(endpointId, body.id, "COMPLETED", 30_000);
    expect(done.workerId).toBe(second.id);
    expect(done.retries).toBe(1);
  });

  describe("webhooks", () => {
    let receiver: Server;
    let receiverUrl: string;
    const received: { headers: IncomingMessage["headers"]; body: string }[] = [];
    let failuresLeft = 1;

    beforeAll(async () => {
      receiver = createServer((request, response) => {
        let body = "";
        request.on("data", (chunk) => {
          body += chunk;
        });
        request.on("end", () => {
          received.push({ headers: request.headers, body });
          response.statusCode = failuresLeft-- > 0 ? 500 : 200;
          response.end();
        });
      });
      await new Promise<void>((done) => receiver.listen(0, "127.0.0.1", done));
      const address = receiver.address();
      receiverUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/hook`;
    });

    afterAll(() => new Promise<void>((done) => receiver.close(() => done())));

    it("delivers a signed webhook, retrying after a failure, and logs every attempt", async () => {
      const endpointId = await createExternalEndpoint(cp, COMMAND);
      startWorker(COMMAND, (await registerWorker(cp, endpointId)).env);
      const { body: job } = await cp.call<JobStatus>("POST", `/v2/${endpointId}/runsync?wait=30000`, {
        input: { mode: "echo", hook: true },
        webhook: receiverUrl,
      });
      expect(job.status).toBe("COMPLETED");
      const deliveries = await eventually(
        async () => {
          const { body } = await cp.call<{ state: string; attempt: number; responseStatus: number }[]>(
            "GET",
            `/v1/endpoints/${endpointId}/jobs/${job.id}/webhook-deliveries`,
          );
          return body.some((d) => d.state === "delivered") ? body : undefined;
        },
        15_000,
        "the webhook to be delivered",
      );
      expect(deliveries.map((d) => [d.attempt, d.state, d.responseStatus])).toEqual([
        [1, "failed", 500],
        [2, "delivered", 200],
      ]);
      const last = received.at(-1);
      expect(JSON.parse(last?.body ?? "{}")).toMatchObject({
        id: job.id,
        status: "COMPLETED",
        output: { echo: { hook: true } },
      });
      const signature = String(last?.headers["runfleet-signature"]);
      const [, timestamp, mac] = /^t=(\d+),v1=([0-9a-f]+)$/.exec(signature) ?? [];
      expect(mac).toBe(
        createHmac("sha256", "test-webhook-secret-0123456789").update(`${timestamp}.${last?.body}`).digest("hex"),
      );
    });
  });

  it("refuses bodies over the documented limits with 413", async () => {
    const endpointId = await createExternalEndpoint(cp, COMMAND);
    const big = (bytes: number) => JSON.stringify({ input: { blob: "x".repeat(bytes) } });
    const runResponse = await fetch(`${cp.url}/v2/${endpointId}/run`, {
      method: "POST",
      headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` },
      body: big(10 * 1024 * 1024 + 10),
    });
    expect(runResponse.status).toBe(413);
    expect(await runResponse.json()).toMatchObject({
      code: "payload_too_large",
      detail: expect.stringMatching(/10 MB/),
    });
    const syncResponse = await fetch(`${cp.url}/v2/${endpointId}/runsync`, {
      method: "POST",
      headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` },
      body: big(20 * 1024 * 1024 + 10),
    });
    expect(syncResponse.status).toBe(413);
  });

  it("accepts a worker token only on its own endpoint's worker routes", async () => {
    const endpointId = await createExternalEndpoint(cp, COMMAND);
    const otherId = await createExternalEndpoint(cp, COMMAND);
    const worker = await registerWorker(cp, endpointId);
    const take = (ep: string) =>
      fetch(`${cp.url}/v2/${ep}/job-take/${worker.id}?gpu=none&job_in_progress=0`, {
        headers: { authorization: worker.token },
      });
    expect((await take(otherId)).status).toBe(403);
    expect((await cp.call("GET", `/v2/${endpointId}/health`, undefined, worker.token)).status).toBe(403);
    expect((await take(endpointId)).status).toBe(204);
  });
});
