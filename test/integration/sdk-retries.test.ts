import { ApiError, ConnectionError, createRunfleet, type RetryEvent, type Runfleet } from "@runfleet/sdk";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTestControlPlane, TEST_ADMIN_KEY, type TestControlPlane } from "../support/control-plane-process.js";
import { freePort } from "../support/control-plane-subprocess.js";
import { type ScriptedWorker, scriptedWorker } from "../support/protocol-worker.js";
import { type ScriptedProxy, startScriptedProxy } from "../support/scripted-proxy.js";

describe("the SDK's retries, timeouts and runSync fallback, through a real proxy in front of a control plane", () => {
  let cp: TestControlPlane;
  let proxy: ScriptedProxy;
  let runfleet: Runfleet;
  let retries: RetryEvent[];
  let endpointId: string;
  let worker: ScriptedWorker;

  beforeAll(async () => {
    cp = await startTestControlPlane();
    proxy = await startScriptedProxy(cp.url);
    runfleet = createRunfleet({
      baseUrl: proxy.url,
      apiKey: TEST_ADMIN_KEY,
      retry: { initialDelayMs: 10, maxRetryAfterMs: 5000, onRetry: (event) => retries.push(event) },
      pollIntervalMs: 20,
    });
    const template = await runfleet.templates.create({ name: "retries", command: ["true"] });
    endpointId = (await runfleet.endpoints.create({ name: "retries", templateId: template.id, workersMax: 0 })).id;
    // The worker talks to the control plane directly, not through the proxy.
    worker = await scriptedWorker((request) => fetch(request), cp.url, TEST_ADMIN_KEY, endpointId);
  });

  beforeEach(() => {
    retries = [];
    proxy.seen.length = 0;
    proxy.shortenRunsyncWait(undefined);
  });

  afterAll(async () => {
    await proxy?.close();
    await cp?.dispose();
  });

  it("waits as long as Retry-After says on a 429, then succeeds", async () => {
    proxy.script({ kind: "answer", status: 429, retryAfter: "1" });
    const endpoints = await runfleet.endpoints.list();
    expect(endpoints.map((e) => e.id)).toContain(endpointId);
    expect(retries).toEqual([
      expect.objectContaining({ method: "GET", attempt: 1, status: 429, delayMs: 1000, fromRetryAfter: true }),
    ]);
    expect(proxy.seen.map((r) => r.path)).toEqual(["/v1/endpoints", "/v1/endpoints"]);
  });

  it("retries a 429 even for a non-idempotent POST: the server did not process it", async () => {
    proxy.script({ kind: "answer", status: 429, retryAfter: "0" });
    const running = runfleet.endpoint(endpointId).runSync({ n: 1 }, { timeoutMs: 20_000 });
    const taken = await worker.take();
    await worker.finish(taken.id, { output: "ok" });
    expect((await running).output).toBe("ok");
    expect(retries).toEqual([expect.objectContaining({ method: "POST", status: 429, fromRetryAfter: true })]);
  });

  it("gives the caller the 429 as an ApiError when Retry-After is longer than it will wait", async () => {
    proxy.script({ kind: "answer", status: 429, retryAfter: "3600" });
    const error = await runfleet.endpoints.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 429, code: "rate_limited" });
    expect(retries).toEqual([]);
  });

  it("retries /run after a lost answer without queuing the job twice (Idempotency-Key)", async () => {
    const before = (await runfleet.endpoint(endpointId).health()).jobs.inQueue;
    proxy.seen.length = 0;
    proxy.script({ kind: "forward-then-answer", status: 502 });
    const job = await runfleet.endpoint(endpointId).run({ n: 2 });
    const runs = proxy.seen.filter((r) => r.path.endsWith("/run"));
    expect(runs).toHaveLength(2);
    expect(runs[0]?.idempotencyKey).toEqual(expect.any(String));
    expect(runs[1]?.idempotencyKey).toBe(runs[0]?.idempotencyKey);
    expect((await runfleet.endpoint(endpointId).health()).jobs.inQueue).toBe(before + 1);
    await job.cancel();
  });

  it("does not retry /runsync after a 500: the job may already be queued", async () => {
    proxy.script({ kind: "answer", status: 500 });
    const error = await runfleet
      .endpoint(endpointId)
      .runSync({ n: 3 })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "ApiError", status: 500 });
    expect(proxy.seen.filter((r) => r.path.endsWith("/runsync"))).toHaveLength(1);
    expect(retries).toEqual([]);
  });

  it("retries idempotent requests after a 5xx with exponential back-off", async () => {
    proxy.script({ kind: "answer", status: 502 }, { kind: "answer", status: 503 });
    await runfleet.endpoints.get(endpointId);
    expect(retries.map((r) => [r.status, r.fromRetryAfter])).toEqual([
      [502, false],
      [503, false],
    ]);
  });

  it("ends a call that outlives its timeoutMs with a TimeoutError", async () => {
    proxy.script({ kind: "hold" });
    await expect(runfleet.endpoints.list({ timeoutMs: 200 })).rejects.toMatchObject({ name: "TimeoutError" });
  });

  it("runSync follows a job that outlives the /runsync wait with status-sync", async () => {
    proxy.shortenRunsyncWait(50);
    const running = runfleet.endpoint(endpointId).runSync({ n: 4 }, { timeoutMs: 30_000 });
    const taken = await worker.take();
    await expect.poll(() => proxy.seen.some((r) => r.path.includes("/status-sync/")), { timeout: 10_000 }).toBe(true);
    await worker.finish(taken.id, { output: { late: true } });
    expect(await running).toMatchObject({ id: taken.id, status: "COMPLETED", output: { late: true } });
    expect(proxy.seen.map((r) => r.path.split("/")[3])).toEqual(expect.arrayContaining(["runsync", "status-sync"]));
  });

  it("throws ConnectionError when nothing listens, after retrying the refused connection", async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const events: RetryEvent[] = [];
    const offline = createRunfleet({
      baseUrl: closed,
      apiKey: TEST_ADMIN_KEY,
      retry: { maxRetries: 2, initialDelayMs: 10, onRetry: (e) => events.push(e) },
    });
    const error = await offline
      .endpoint(endpointId)
      .run({})
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).message).toContain(`cannot reach the control plane at ${closed}`);
    // The request that got no answer, for callers that name it (the Pulumi provider does).
    expect((error as ConnectionError).request).toEqual({ method: "POST", url: `${closed}/v2/${endpointId}/run` });
    expect(events.map((e) => e.status)).toEqual([undefined, undefined]);
  });
});
