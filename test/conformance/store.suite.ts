import type { EndpointRecord, JobRecord, Store, TemplateRecord } from "@runfleet/control-plane";
import { StoreConflictError } from "@runfleet/control-plane";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const template = (id: string, name = id): TemplateRecord => ({
  id,
  name,
  imageName: null,
  command: ["node", "w.js"],
  env: {},
  ports: [],
  cpuLimit: null,
  memoryLimitMb: null,
  version: 1,
  createdAt: 1,
  updatedAt: 1,
});

const endpoint = (id: string, templateId: string): EndpointRecord => ({
  id,
  name: id,
  templateId,
  computeType: "CPU",
  gpuTypeIds: [],
  gpuCount: 1,
  workersMin: 0,
  workersMax: 3,
  idleTimeout: 5,
  scalerType: "QUEUE_DELAY",
  scalerValue: 4,
  executionTimeoutMs: 600_000,
  flashboot: false,
  env: {},
  driver: null,
  version: 1,
  createdAt: 2,
  updatedAt: 2,
});

const job = (id: string, endpointId: string, extra: Partial<JobRecord> = {}): JobRecord => ({
  id,
  endpointId,
  status: "IN_QUEUE",
  kind: "async",
  queueOrder: 0,
  lowPriority: false,
  input: { n: id },
  webhook: null,
  s3Config: null,
  executionTimeoutMs: 60_000,
  expiresAt: 10_000_000,
  createdAt: 100,
  startedAt: null,
  completedAt: null,
  workerId: null,
  retries: 0,
  output: undefined,
  error: undefined,
  retainUntil: null,
  idempotencyKey: null,
  requestHash: null,
  ...extra,
});

/**
 * The behaviour every `Store` backend must have. Run it against each implementation with a factory that
 * returns a fresh, empty store.
 */
export function describeStoreConformance(name: string, makeStore: () => Promise<Store> | Store): void {
  describe(`Store conformance: ${name}`, () => {
    let store: Store;

    beforeEach(async () => {
      store = await makeStore();
      await store.insertTemplate(template("tpl_a"));
      await store.insertEndpoint(endpoint("ep_a", "tpl_a"));
    });

    afterEach(async () => {
      await store.close();
    });

    it("answers a ping", async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });

    it("keeps templates, with unique names", async () => {
      expect(await store.getTemplate("tpl_a")).toEqual(template("tpl_a"));
      await expect(store.insertTemplate(template("tpl_b", "tpl_a"))).rejects.toBeInstanceOf(StoreConflictError);
      await store.insertTemplate(template("tpl_b"));
      expect((await store.listTemplates()).map((t) => t.id)).toEqual(["tpl_a", "tpl_b"]);
      expect(await store.replaceTemplate({ ...template("tpl_b"), name: "renamed" })).toBe(true);
      await expect(store.replaceTemplate({ ...template("tpl_b"), name: "tpl_a" })).rejects.toBeInstanceOf(
        StoreConflictError,
      );
      expect(await store.replaceTemplate(template("tpl_none"))).toBe(false);
      expect(await store.deleteTemplate("tpl_b")).toBe(true);
      expect(await store.deleteTemplate("tpl_b")).toBe(false);
    });

    it("keeps endpoints and finds them by template", async () => {
      expect(await store.getEndpoint("ep_a")).toEqual(endpoint("ep_a", "tpl_a"));
      expect((await store.listEndpointsByTemplate("tpl_a")).map((e) => e.id)).toEqual(["ep_a"]);
      expect(await store.replaceEndpoint({ ...endpoint("ep_a", "tpl_a"), workersMax: 9 })).toBe(true);
      expect((await store.getEndpoint("ep_a"))?.workersMax).toBe(9);
      expect(await store.getEndpoint("ep_none")).toBeUndefined();
    });

    it("deletes an endpoint with its jobs and workers", async () => {
      await store.insertJob(job("j1", "ep_a"));
      expect(await store.deleteEndpoint("ep_a")).toBe(true);
      expect(await store.getJob("j1")).toBeUndefined();
      expect(await store.listEndpoints()).toEqual([]);
    });

    it("keeps API keys by hash, revokes and touches them, refusing duplicate hashes", async () => {
      const key = {
        id: "key_a",
        name: "a",
        scope: "admin" as const,
        endpointIds: [],
        prefix: "rf_abcdef",
        hash: "ab".repeat(32),
        createdAt: 1,
        lastUsedAt: null,
        revokedAt: null,
      };
      await store.insertApiKey(key);
      await expect(store.insertApiKey({ ...key, id: "key_b" })).rejects.toBeInstanceOf(StoreConflictError);
      expect(await store.findApiKeyByHash(key.hash)).toEqual(key);
      await store.touchApiKey("key_a", 50);
      expect((await store.getApiKey("key_a"))?.lastUsedAt).toBe(50);
      expect(await store.revokeApiKey("key_a", 60)).toBe(true);
      expect((await store.listApiKeys())[0]?.revokedAt).toBe(60);
      expect(await store.revokeApiKey("key_none", 60)).toBe(false);
    });

    it("assigns queue order, takes queued jobs atomically and compares-and-sets their status", async () => {
      const first = await store.insertJob(job("j1", "ep_a"));
      const second = await store.insertJob(job("j2", "ep_a"));
      expect(second.queueOrder).toBeGreaterThan(first.queueOrder);
      expect(await store.maxQueueOrder()).toBe(second.queueOrder);
      expect((await store.listJobsByStatus("IN_QUEUE")).map((j) => j.id)).toEqual(["j1", "j2"]);
      const taken = await store.takeJobs(["j1", "j1", "j_missing"], "wk_1", 500);
      expect(taken.map((j) => [j.id, j.status, j.workerId, j.startedAt])).toEqual([["j1", "IN_PROGRESS", "wk_1", 500]]);
      expect(await store.updateJob("j1", ["IN_QUEUE"], { status: "CANCELLED" })).toBe(false);
      expect(
        await store.updateJob("j1", ["IN_PROGRESS"], { status: "COMPLETED", output: { ok: true }, completedAt: 600 }),
      ).toBe(true);
      const done = await store.getJob("j1");
      expect(done).toMatchObject({ status: "COMPLETED", output: { ok: true }, completedAt: 600, input: { n: "j1" } });
      expect(await store.updateJob("j1", ["COMPLETED"], { output: undefined, error: "x" })).toBe(true);
      expect((await store.getJob("j1"))?.output).toBeUndefined();
    });

    it("finds jobs by idempotency key, unique per endpoint", async () => {
      await store.insertJob(job("j1", "ep_a", { idempotencyKey: "k", requestHash: "h" }));
      await expect(store.insertJob(job("j2", "ep_a", { idempotencyKey: "k" }))).rejects.toBeInstanceOf(
        StoreConflictError,
      );
      expect((await store.findJobByIdempotencyKey("ep_a", "k"))?.id).toBe("j1");
      expect(await store.findJobByIdempotencyKey("ep_b", "k")).toBeUndefined();
    });

    it("counts, lists and expires jobs", async () => {
      await store.insertJob(job("j1", "ep_a", { expiresAt: 50 }));
      await store.insertJob(
        job("j2", "ep_a", { status: "COMPLETED", retainUntil: 70, retries: 1, startedAt: 110, completedAt: 130 }),
      );
      await store.insertJob(job("j3", "ep_a"));
      const counts = await store.countJobs("ep_a");
      expect(counts).toMatchObject({ IN_QUEUE: 2, COMPLETED: 1, retried: 1 });
      expect((await store.listJobs("ep_a", { limit: 2 })).map((j) => j.id)).toEqual(["j3", "j2"]);
      expect((await store.listJobs("ep_a", { status: "COMPLETED", limit: 10 })).map((j) => j.id)).toEqual(["j2"]);
      expect(await store.listJobTimings("ep_a", 0)).toEqual([{ delayMs: 10, executionMs: 20 }]);
      const expired = await store.listExpiredJobs(100, 10);
      expect(expired.map((j) => j.id).sort()).toEqual(["j1", "j2"]);
      await store.deleteJobs(expired.map((j) => j.id));
      expect((await store.listJobs("ep_a", { limit: 10 })).map((j) => j.id)).toEqual(["j3"]);
    });

    it("hands out stream chunks once, in order", async () => {
      await store.insertJob(job("j1", "ep_a"));
      await store.appendStreamChunk("j1", { t: 1 });
      await store.appendStreamChunk("j1", { t: 2 });
      expect((await store.takeStreamChunks("j1")).map((c) => c.output)).toEqual([{ t: 1 }, { t: 2 }]);
      expect(await store.takeStreamChunks("j1")).toEqual([]);
      await store.appendStreamChunk("j1", "three");
      expect((await store.takeStreamChunks("j1")).map((c) => c.output)).toEqual(["three"]);
    });

    it("keeps workers, webhook outbox and deliveries, and scaling events", async () => {
      const worker = {
        id: "wk_1",
        endpointId: "ep_a",
        driver: "external" as const,
        tokenHash: "t",
        concurrency: 1,
        endpointVersion: 1,
        gpuIds: [],
        createdAt: 1,
        readyAt: null,
        lastSeenAt: null,
        unhealthyReason: null,
        draining: false,
        placement: "active" as const,
      };
      await store.saveWorker(worker);
      await store.saveWorker({ ...worker, draining: true });
      expect(await store.listWorkers()).toEqual([{ ...worker, draining: true }]);
      await store.deleteWorker("wk_1");
      expect(await store.listWorkers()).toEqual([]);

      const entry = {
        jobId: "j1",
        endpointId: "ep_a",
        url: "http://127.0.0.1:1/h",
        payload: "{}",
        attempts: 0,
        nextAttemptAt: 10,
      };
      await store.putWebhookOutbox(entry);
      expect(await store.listDueWebhooks(5, 10)).toEqual([]);
      expect(await store.listDueWebhooks(10, 10)).toEqual([entry]);
      await store.deleteWebhookOutbox("j1");
      expect(await store.listDueWebhooks(100, 10)).toEqual([]);
      const delivery = {
        id: "whd_1",
        jobId: "j1",
        endpointId: "ep_a",
        url: entry.url,
        attempt: 1,
        state: "delivered" as const,
        responseStatus: 200,
        error: null,
        at: 11,
        nextAttemptAt: null,
      };
      await store.insertWebhookDelivery(delivery);
      expect(await store.listWebhookDeliveries("j1")).toEqual([delivery]);

      const event = {
        id: "evt_1",
        endpointId: "ep_a",
        at: 5,
        action: "start_worker" as const,
        workerId: null,
        reason: "r",
        inputs: { q: 1 },
      };
      await store.insertScalingEvent(event);
      await store.insertScalingEvent({ ...event, id: "evt_2" });
      expect((await store.listScalingEvents("ep_a", 10)).map((e) => e.id)).toEqual(["evt_2", "evt_1"]);
    });
  });
}
