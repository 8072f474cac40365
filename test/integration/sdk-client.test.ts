import {
  ApiError,
  createRunfleet,
  JobCancelledError,
  JobFailedError,
  JobTimeoutError,
  type Runfleet,
  SchemaValidationError,
} from "@runfleet/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { inProcessControlPlane } from "../support/api-client.js";
import { startTestControlPlane, TEST_ADMIN_KEY } from "../support/control-plane-process.js";
import { type ScriptedWorker, scriptedWorker } from "../support/protocol-worker.js";

/** How a suite reaches its control plane: in this process through `app.fetch`, or over a real port. */
interface Transport {
  baseUrl: string;
  fetch: (request: Request) => Promise<Response>;
  dispose: () => Promise<void>;
}

const transports: Array<[string, () => Promise<Transport>]> = [
  [
    "in process (fetch: app.fetch)",
    async () => {
      const cp = await inProcessControlPlane({ takeHoldMs: 2000, sweepIntervalMs: 100 });
      return {
        baseUrl: "http://control-plane.test",
        fetch: (request) => cp.controlPlane.fetch(request),
        dispose: cp.dispose,
      };
    },
  ],
  [
    "over a real port",
    async () => {
      const cp = await startTestControlPlane();
      return { baseUrl: cp.url, fetch: (request) => fetch(request), dispose: cp.dispose };
    },
  ],
];

describe.each(transports)("the SDK against a real control plane, %s", (_name, connect) => {
  let transport: Transport;
  let runfleet: Runfleet;
  let endpointId: string;
  let templateId: string;
  let worker: ScriptedWorker;

  beforeAll(async () => {
    transport = await connect();
    runfleet = createRunfleet({
      baseUrl: transport.baseUrl,
      apiKey: TEST_ADMIN_KEY,
      fetch: transport.fetch,
      pollIntervalMs: 20,
      maxPollIntervalMs: 100,
      streamHoldMs: 2000,
    });
    const template = await runfleet.templates.create({ name: `sdk-${crypto.randomUUID()}`, command: ["true"] });
    templateId = template.id;
    // Served only by the scripted worker: workersMax 0 keeps the autoscaler out.
    const endpoint = await runfleet.endpoints.create({
      name: "sdk-test",
      templateId,
      computeType: "CPU",
      workersMax: 0,
    });
    endpointId = endpoint.id;
    worker = await scriptedWorker(transport.fetch, transport.baseUrl, TEST_ADMIN_KEY, endpointId);
  });

  afterAll(async () => {
    await transport?.dispose();
  });

  const Output = z.object({ text: z.string() });
  const echo = () =>
    runfleet.endpoint(endpointId, { input: z.object({ prompt: z.string() }), output: Output, chunk: z.number() });

  it("runs a job and waits for its typed output, reporting progress on the way", async () => {
    const job = await echo().run({ prompt: "hi" });
    expect(job.id).toMatch(/^[A-Za-z0-9_-]+$/);
    expect((await job.status()).status).toBe("IN_QUEUE");
    const progress: unknown[] = [];
    const waiting = job.wait({ timeoutMs: 20_000, onProgress: (value) => progress.push(value) });
    const taken = await worker.take();
    expect(taken).toMatchObject({ id: job.id, input: { prompt: "hi" } });
    await worker.progress(job.id, { step: 1 });
    // The progress value is visible in /status before the job ends; wait() polls until it sees it.
    await expect.poll(() => progress.length, { timeout: 10_000 }).toBe(1);
    await worker.finish(job.id, { output: { text: "HI" } });
    const done = await waiting;
    expect(done.status).toBe("COMPLETED");
    expect(done.output.text).toBe("HI");
    expect(progress).toEqual([{ step: 1 }]);
  });

  it("runSync answers the completed job", async () => {
    const running = echo().runSync({ prompt: "sync" }, { timeoutMs: 20_000 });
    const taken = await worker.take();
    await worker.finish(taken.id, { output: { text: "SYNC" } });
    expect(await running).toMatchObject({ id: taken.id, status: "COMPLETED", output: { text: "SYNC" } });
  });

  it("streams chunks as an async iterator until the job completes", async () => {
    const job = await echo().run({ prompt: "stream" });
    const chunks: number[] = [];
    const reading = (async () => {
      for await (const chunk of job.stream()) {
        chunks.push(chunk);
      }
    })();
    const taken = await worker.take();
    for (const n of [1, 2, 3]) {
      await worker.chunk(taken.id, n);
    }
    await worker.finish(taken.id, { output: { text: "done" } });
    await reading;
    expect(chunks).toEqual([1, 2, 3]);
  });

  it("throws JobFailedError carrying the job and the handler's error as the cause", async () => {
    const job = await echo().run({ prompt: "fail" });
    const taken = await worker.take();
    await worker.finish(taken.id, { error: JSON.stringify({ error_type: "ValueError", error_message: "boom" }) });
    const error = await job.wait({ timeoutMs: 20_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobFailedError);
    const failed = error as JobFailedError;
    expect(failed.job).toMatchObject({ endpointId, jobId: job.id, status: { status: "FAILED" } });
    expect(failed.cause).toMatchObject({ error_message: "boom" });
    expect(failed.message).toContain("boom");
    // The stream of a failed job ends with the same error.
    await expect(job.stream().next()).rejects.toBeInstanceOf(JobFailedError);

    // retry() re-queues the same job with its input; this time it completes.
    await job.retry();
    const again = await worker.take();
    expect(again).toMatchObject({ id: job.id, input: { prompt: "fail" } });
    await worker.finish(job.id, { output: { text: "second time" } });
    const done = await job.wait({ timeoutMs: 20_000 });
    expect(done.output.text).toBe("second time");
    expect(done.retries).toBeGreaterThanOrEqual(1);
  });

  it("cancel() ends a queued job and wait() throws JobCancelledError", async () => {
    const job = await echo().run({ prompt: "cancel me" });
    expect((await job.cancel()).status).toBe("CANCELLED");
    const error = await job.wait().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobCancelledError);
    expect((error as JobCancelledError).job.jobId).toBe(job.id);
  });

  it("wait({ timeoutMs }) throws JobTimeoutError of kind 'wait' with the last status", async () => {
    const job = await echo().run({ prompt: "nobody takes this in time" });
    const error = await job.wait({ timeoutMs: 150 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobTimeoutError);
    expect(error).toMatchObject({
      kind: "wait",
      timeoutMs: 150,
      job: { jobId: job.id, status: { status: "IN_QUEUE" } },
    });
    await job.cancel();
  });

  it("throws JobTimeoutError of kind 'execution' when the control plane times the job out", async () => {
    const job = await echo().run({ prompt: "slow" }, { policy: { executionTimeout: 5000 } });
    const taken = await worker.take();
    // Heartbeats keep the lease, so that it is the execution timeout, not a lost worker, that ends it.
    const stopHeartbeat = worker.heartbeat(taken.id);
    const error = await job
      .wait({ timeoutMs: 30_000 })
      .catch((e: unknown) => e)
      .finally(stopHeartbeat);
    expect(error).toBeInstanceOf(JobTimeoutError);
    expect(error).toMatchObject({ kind: "execution", job: { jobId: job.id, status: { status: "TIMED_OUT" } } });
  });

  it("an AbortSignal stops a wait with the signal's reason", async () => {
    const job = await echo().run({ prompt: "abort" });
    const controller = new AbortController();
    const waiting = job.wait({ signal: controller.signal });
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ name: "AbortError" });
    // An already aborted signal stops a call before it is sent.
    await expect(job.status({ signal: AbortSignal.abort() })).rejects.toMatchObject({ name: "AbortError" });
    await job.cancel();
  });

  it("health() and purgeQueue() report and clear the queue", async () => {
    const endpoint = runfleet.endpoint(endpointId);
    await endpoint.run({ prompt: "a" });
    await endpoint.run({ prompt: "b" });
    expect((await endpoint.health()).jobs.inQueue).toBe(2);
    expect(await endpoint.purgeQueue()).toEqual({ removed: 2, status: "completed" });
    expect((await endpoint.health()).jobs.inQueue).toBe(0);
  });

  it("checks inputs before sending and outputs when they come back", async () => {
    const before = (await runfleet.endpoint(endpointId).health()).jobs.inQueue;
    const bad = await echo()
      .run({ prompt: 42 } as unknown as { prompt: string })
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(SchemaValidationError);
    expect(bad).toMatchObject({ subject: "input", issues: [expect.objectContaining({ path: "prompt" })] });
    expect((await runfleet.endpoint(endpointId).health()).jobs.inQueue).toBe(before);

    const job = await echo().run({ prompt: "wrong output" });
    const taken = await worker.take();
    await worker.finish(taken.id, { output: { text: 7 } });
    const error = await job.wait({ timeoutMs: 20_000 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "SchemaValidationError", subject: "output", job: { jobId: job.id } });
  });

  it("throws ApiError with the problem document for an unknown endpoint, job or key", async () => {
    const missing = await runfleet
      .endpoint("ep_missing")
      .run({})
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ApiError);
    expect(ApiError.is(missing)).toBe(true);
    expect(JobFailedError.is(missing)).toBe(false);
    expect(missing).toMatchObject({
      status: 404,
      code: "endpoint_not_found",
      problem: { status: 404, code: "endpoint_not_found" },
      job: { endpointId: "ep_missing" },
      request: { method: "POST" },
    });
    const noJob = await runfleet
      .job(endpointId, "no-such-job")
      .status()
      .catch((e: unknown) => e);
    expect(noJob).toMatchObject({ status: 404, code: "job_not_found", job: { endpointId, jobId: "no-such-job" } });
    const stranger = createRunfleet({ baseUrl: transport.baseUrl, apiKey: "rf_wrong_key", fetch: transport.fetch });
    await expect(stranger.endpoints.list()).rejects.toMatchObject({
      name: "ApiError",
      status: 401,
      code: "unauthorized",
    });
  });

  it("manages endpoints, templates and API keys", async () => {
    const template = await runfleet.templates.create({ name: `tpl-${crypto.randomUUID()}`, command: ["true"] });
    expect(await runfleet.templates.get(template.id)).toMatchObject({ id: template.id, command: ["true"] });
    expect((await runfleet.templates.update(template.id, { env: { A: "1" } })).env).toEqual({ A: "1" });
    expect((await runfleet.templates.list()).map((t) => t.id)).toContain(template.id);

    const created = await runfleet.endpoints.create({ name: "managed", templateId: template.id, workersMax: 0 });
    expect(await runfleet.endpoints.get(created.id)).toMatchObject({ name: "managed", workersMax: 0 });
    expect((await runfleet.endpoints.update(created.id, { workersMax: 2 })).workersMax).toBe(2);
    expect((await runfleet.endpoints.list()).map((e) => e.id)).toContain(created.id);
    await expect(runfleet.templates.delete(template.id)).rejects.toMatchObject({
      status: 409,
      code: "template_in_use",
    });
    await runfleet.endpoints.delete(created.id);
    await expect(runfleet.endpoints.get(created.id)).rejects.toMatchObject({ code: "endpoint_not_found" });
    await runfleet.templates.delete(template.id);

    const key = await runfleet.keys.create({ name: "invoker", scope: "invoke", endpointIds: [endpointId] });
    expect(key.key).toEqual(expect.any(String));
    expect(await runfleet.keys.get(key.id)).toMatchObject({ id: key.id, scope: "invoke", revokedAt: null });
    const invoker = createRunfleet({ baseUrl: transport.baseUrl, apiKey: key.key, fetch: transport.fetch });
    expect((await invoker.endpoint(endpointId).health()).jobs).toBeDefined();
    await expect(invoker.keys.list()).rejects.toMatchObject({ status: 403, code: "forbidden" });
    await runfleet.keys.revoke(key.id);
    expect((await runfleet.keys.list()).find((k) => k.id === key.id)?.revokedAt).toEqual(expect.any(String));
    await expect(invoker.endpoint(endpointId).health()).rejects.toMatchObject({ status: 401 });
  });

  it("lists workers, their logs, jobs, metrics and scaling events; drains and stops workers", async () => {
    const workers = await runfleet.workers.list(endpointId);
    expect(workers.map((w) => w.id)).toContain(worker.id);
    expect(await runfleet.workers.get(endpointId, worker.id)).toMatchObject({ id: worker.id, driver: "external" });
    expect(await runfleet.workers.logs(endpointId, worker.id, { tail: 10 })).toMatchObject({
      workerId: worker.id,
      lines: expect.any(Array),
    });
    const jobs = await runfleet.endpoints.jobs(endpointId, { status: "COMPLETED", limit: 5 });
    expect(jobs.length).toBeGreaterThan(0);
    expect(jobs.every((j) => j.status === "COMPLETED")).toBe(true);
    expect(await runfleet.endpoints.metrics(endpointId, { windowSeconds: 600 })).toMatchObject({
      endpointId,
      windowSeconds: 600,
    });
    expect(Array.isArray(await runfleet.endpoints.scalingEvents(endpointId, { limit: 10 }))).toBe(true);
    expect(Array.isArray(await runfleet.gpus())).toBe(true);
    expect((await runfleet.readiness()).status).toBe("ready");

    const spare = await runfleet.workers.register(endpointId, { concurrency: 2 });
    expect(spare.token).toEqual(expect.any(String));
    expect((await runfleet.workers.drain(endpointId, spare.worker.id)).id).toBe(spare.worker.id);
    await runfleet.workers.stop(endpointId, spare.worker.id);
    await expect(runfleet.workers.get(endpointId, spare.worker.id)).rejects.toMatchObject({ code: "worker_not_found" });
  });
});
