import type {
  AuditEventRecord,
  EndpointRecord,
  JobRecord,
  SshKeyRecord,
  StatusTransition,
  Store,
  TemplateRecord,
} from "@runfleet/control-plane";
import { StoreConflictError } from "@runfleet/control-plane";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const template = (id: string, name = id): TemplateRecord => ({
  id,
  name,
  imageName: null,
  command: ["node", "w.js"],
  env: {},
  secretEnv: {},
  ports: [],
  cpuLimit: null,
  memoryLimitMb: null,
  containerDiskInGb: null,
  volumeMounts: [],
  containerRegistryAuthId: null,
  version: 1,
  createdAt: 1,
  updatedAt: 1,
});

const endpoint = (id: string, templateId: string): EndpointRecord => ({
  id,
  name: id,
  templateId,
  type: "QUEUE",
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
  secretEnv: {},
  driver: null,
  version: 1,
  createdAt: 2,
  updatedAt: 2,
});

/** The job state machine's `take`, as the job service passes it. */
const TAKE: StatusTransition = { from: ["IN_QUEUE"], to: "IN_PROGRESS" };

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

    it("keeps registry credentials, with unique names, the password as it was given", async () => {
      const auth = (id: string, name = id) => ({
        id,
        name,
        username: "ci",
        password: `secret-of-${id}`,
        createdAt: 1,
        updatedAt: 1,
      });
      await store.insertRegistryAuth(auth("ra_a"));
      expect(await store.getRegistryAuth("ra_a")).toEqual(auth("ra_a"));
      await expect(store.insertRegistryAuth(auth("ra_b", "ra_a"))).rejects.toBeInstanceOf(StoreConflictError);
      await store.insertRegistryAuth(auth("ra_b"));
      expect((await store.listRegistryAuths()).map((a) => a.password)).toEqual(["secret-of-ra_a", "secret-of-ra_b"]);
      expect(await store.replaceRegistryAuth({ ...auth("ra_b"), password: "new" })).toBe(true);
      expect((await store.getRegistryAuth("ra_b"))?.password).toBe("new");
      await expect(store.replaceRegistryAuth({ ...auth("ra_b"), name: "ra_a" })).rejects.toBeInstanceOf(
        StoreConflictError,
      );
      expect(await store.replaceRegistryAuth(auth("ra_none"))).toBe(false);
      expect(await store.deleteRegistryAuth("ra_b")).toBe(true);
      expect(await store.deleteRegistryAuth("ra_b")).toBe(false);
      expect(await store.getRegistryAuth("ra_b")).toBeUndefined();
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
      const taken = await store.takeJobs(["j1", "j1", "j_missing"], "wk_1", 500, TAKE);
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

    it("applies updates made together each from its own expected status, in the order they were made", async () => {
      for (const id of ["u1", "u2", "u3", "u4"]) {
        await store.insertJob(job(id, "ep_a"));
      }
      await store.takeJobs(["u3"], "wk_1", 500, TAKE);
      // One turn: results of several jobs (one of them not queued any more), and two changes of one job.
      const outcomes = await Promise.all([
        store.updateJob("u1", ["IN_QUEUE"], { status: "CANCELLED", completedAt: 700, error: "one", output: { n: 1 } }),
        store.updateJob("u2", ["IN_QUEUE"], { status: "CANCELLED", completedAt: 701, error: "two", output: null }),
        store.updateJob("u3", ["IN_QUEUE"], { status: "CANCELLED", completedAt: 702, error: "three", output: null }),
        store.updateJob("u4", ["IN_QUEUE"], { status: "IN_PROGRESS", workerId: "wk_2", startedAt: 703 }),
        store.updateJob("u4", ["IN_PROGRESS"], { status: "COMPLETED", completedAt: 704 }),
      ]);
      expect(outcomes).toEqual([true, true, false, true, true]);
      expect(await store.getJob("u1")).toMatchObject({
        status: "CANCELLED",
        completedAt: 700,
        error: "one",
        output: { n: 1 },
      });
      expect(await store.getJob("u2")).toMatchObject({ status: "CANCELLED", error: "two", output: null });
      expect(await store.getJob("u3")).toMatchObject({ status: "IN_PROGRESS", workerId: "wk_1", error: undefined });
      expect(await store.getJob("u4")).toMatchObject({
        status: "COMPLETED",
        workerId: "wk_2",
        startedAt: 703,
        completedAt: 704,
      });
    });

    it("reads an endpoint's queue in dispatch order from a place, counts its lanes and the jobs ahead of a job", async () => {
      // Normal lane first, then low priority; queue order within a lane; other endpoints and other
      // statuses left out.
      const low1 = await store.insertJob(job("low1", "ep_a", { lowPriority: true }));
      const n1 = await store.insertJob(job("n1", "ep_a"));
      await store.insertJob(job("other", "ep_b"));
      await store.insertJob(job("n2", "ep_a"));
      const low2 = await store.insertJob(job("low2", "ep_a", { lowPriority: true }));
      const n3 = await store.insertJob(job("n3", "ep_a"));
      // A re-queued job keeps its earlier queue order: it comes first in its lane.
      const requeued = await store.insertJob(job("requeued", "ep_a", { queueOrder: 1 }));
      await store.takeJobs(["n2"], "wk_1", 10, TAKE);
      const ids = async (after: Parameters<Store["listQueuedJobs"]>[1]) =>
        (await store.listQueuedJobs("ep_a", after)).map((j) => j.id);
      expect(await ids({ limit: 10 })).toEqual(["requeued", "n1", "n3", "low1", "low2"]);
      expect(await ids({ limit: 2 })).toEqual(["requeued", "n1"]);
      expect(await ids({ after: { lowPriority: false, queueOrder: n1.queueOrder }, limit: 10 })).toEqual([
        "n3",
        "low1",
        "low2",
      ]);
      expect(await ids({ after: { lowPriority: false, queueOrder: n3.queueOrder }, limit: 1 })).toEqual(["low1"]);
      expect(await ids({ after: { lowPriority: true, queueOrder: low1.queueOrder }, limit: 10 })).toEqual(["low2"]);
      expect(await ids({ after: { lowPriority: true, queueOrder: low2.queueOrder }, limit: 10 })).toEqual([]);
      expect((await store.listQueuedJobs("ep_a", { limit: 1 }))[0]).toEqual({
        id: "requeued",
        queueOrder: requeued.queueOrder,
        createdAt: requeued.createdAt,
        lowPriority: false,
      });
      expect(await store.countQueuedJobs("ep_a")).toEqual({ normal: 3, lowPriority: 2 });
      expect(await store.countQueuedJobs("ep_none")).toEqual({ normal: 0, lowPriority: 0 });
      const ahead = (j: JobRecord) => store.countQueuedJobsBefore("ep_a", j);
      expect(await ahead(requeued)).toBe(0);
      expect(await ahead(n3)).toBe(2);
      expect(await ahead(low1)).toBe(3);
      expect(await ahead(low2)).toBe(4);
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
      // j1's ttl ran out while queued; j2 ended and its retention is over; j4 ended past its ttl but is retained.
      await store.insertJob(
        job("j4", "ep_a", { status: "COMPLETED", expiresAt: 20, retainUntil: 5000, startedAt: 1, completedAt: 2 }),
      );
      expect((await store.listJobsPastTtl(100, 10)).map((j) => j.id)).toEqual(["j1"]);
      expect(await store.updateJob("j1", ["IN_QUEUE"], { status: "TIMED_OUT", retainUntil: 150 })).toBe(true);
      expect(await store.listJobsPastTtl(100, 10)).toEqual([]);
      const retained = await store.listJobsPastRetention(100, 10);
      expect(retained.map((j) => j.id)).toEqual(["j2"]);
      await store.deleteJobs(retained.map((j) => j.id));
      expect((await store.listJobsPastRetention(200, 10)).map((j) => j.id)).toEqual(["j1"]);
      expect((await store.listJobs("ep_a", { limit: 10 })).map((j) => j.id).sort()).toEqual(["j1", "j3", "j4"]);
    });

    it("lists finished jobs with their timings over a window", async () => {
      await store.insertJob(job("j1", "ep_a", { status: "COMPLETED", startedAt: 110, completedAt: 150 }));
      await store.insertJob(job("j2", "ep_a", { status: "TIMED_OUT", startedAt: 120, completedAt: 200 }));
      await store.insertJob(job("j3", "ep_a", { status: "FAILED", completedAt: 160 }));
      await store.insertJob(job("j4", "ep_a", { status: "CANCELLED", completedAt: 170 }));
      await store.insertJob(job("j5", "ep_a", { status: "COMPLETED", startedAt: 300, completedAt: 400 }));
      const finished = await store.listFinishedJobs("ep_a", 150, 400);
      expect(finished.sort((a, b) => a.delayMs - b.delayMs)).toEqual([
        { endpointId: "ep_a", status: "COMPLETED", delayMs: 10, executionMs: 40 },
        { endpointId: "ep_a", status: "TIMED_OUT", delayMs: 20, executionMs: 80 },
        { endpointId: "ep_a", status: "FAILED", delayMs: 60, executionMs: null },
      ]);
    });

    it("keeps metric buckets by endpoint, step and start, replaces them, drops old ones and the endpoint's", async () => {
      const bucket = (stepMs: number, start: number, samples: number) => ({
        endpointId: "ep_a",
        stepMs,
        start,
        samples,
        queuedSum: samples * 2,
        queuedMax: 3,
        workers: { IDLE: samples },
        jobsCompleted: 1,
        jobsFailed: 0,
        delay: { "20": 1 },
        execution: { "40": 1 },
        coldStart: {},
      });
      await store.putMetricBuckets([bucket(10_000, 0, 1), bucket(10_000, 10_000, 1), bucket(60_000, 0, 2)]);
      await store.putMetricBuckets([bucket(10_000, 10_000, 5)]);
      expect(await store.listMetricBuckets("ep_a", 10_000, 0, 20_000)).toEqual([
        bucket(10_000, 0, 1),
        bucket(10_000, 10_000, 5),
      ]);
      expect(await store.listMetricBuckets("ep_a", 10_000, 10_000, 10_001)).toEqual([bucket(10_000, 10_000, 5)]);
      expect(await store.listMetricBuckets("ep_b", 10_000, 0, 20_000)).toEqual([]);
      expect(await store.deleteMetricBucketsBefore(10_000, 10_000)).toBe(1);
      expect((await store.listMetricBuckets("ep_a", 10_000, 0, 20_000)).map((b) => b.start)).toEqual([10_000]);
      expect(await store.listMetricBuckets("ep_a", 60_000, 0, 60_000)).toHaveLength(1);
      await store.deleteEndpoint("ep_a");
      expect(await store.listMetricBuckets("ep_a", 60_000, 0, 60_000)).toEqual([]);
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
        port: null,
        healthPort: null,
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

    it("sums worker usage per bucket, lists a range, and forgets it with the endpoint", async () => {
      const usage = (workerId: string, bucketStart: number, seconds: number) => ({
        endpointId: "ep_a",
        workerId,
        bucketStart,
        state: "running" as const,
        seconds,
        gpuSeconds: seconds * 2,
      });
      await store.addWorkerUsage([usage("wk_1", 0, 10), usage("wk_1", 60_000, 5)]);
      await store.addWorkerUsage([usage("wk_1", 0, 2.5), { ...usage("wk_2", 60_000, 1), state: "idle" }]);
      expect(await store.listWorkerUsage("ep_a", 0, 60_000)).toEqual([usage("wk_1", 0, 12.5)]);
      const all = await store.listWorkerUsage("ep_a", 0, 120_000);
      expect(all.map((r) => [r.workerId, r.bucketStart, r.state, r.seconds])).toEqual(
        expect.arrayContaining([
          ["wk_1", 0, "running", 12.5],
          ["wk_1", 60_000, "running", 5],
          ["wk_2", 60_000, "idle", 1],
        ]),
      );
      expect(all).toHaveLength(3);
      expect(await store.listWorkerUsage("ep_b", 0, 120_000)).toEqual([]);
      await store.deleteEndpoint("ep_a");
      expect(await store.listWorkerUsage("ep_a", 0, 120_000)).toEqual([]);
    });

    it("drops usage buckets that start before a cut, of every endpoint", async () => {
      const usage = (endpointId: string, bucketStart: number) => ({
        endpointId,
        workerId: "wk_1",
        bucketStart,
        state: "idle" as const,
        seconds: 1,
        gpuSeconds: 0,
      });
      await store.addWorkerUsage([usage("ep_a", 0), usage("ep_a", 60_000), usage("ep_b", 0), usage("ep_b", 120_000)]);
      expect(await store.deleteWorkerUsageBefore(60_000)).toBe(2);
      expect((await store.listWorkerUsage("ep_a", 0, 180_000)).map((r) => r.bucketStart)).toEqual([60_000]);
      expect((await store.listWorkerUsage("ep_b", 0, 180_000)).map((r) => r.bucketStart)).toEqual([120_000]);
      expect(await store.deleteWorkerUsageBefore(60_000)).toBe(0);
    });

    it("lists the job history of a range, oldest first", async () => {
      await store.insertJob(job("j2", "ep_a", { createdAt: 200, lowPriority: true }));
      await store.insertJob(job("j1", "ep_a", { createdAt: 100 }));
      await store.insertJob(job("j3", "ep_a", { createdAt: 300 }));
      await store.takeJobs(["j1"], "wk_1", 150, TAKE);
      expect(await store.listJobHistory("ep_a", 100, 300)).toEqual([
        { createdAt: 100, startedAt: 150, completedAt: null, lowPriority: false },
        { createdAt: 200, startedAt: null, completedAt: null, lowPriority: true },
      ]);
    });

    it("keeps audit events newest first, filters them, completes them and interrupts those left running", async () => {
      const session = (id: string, workerId: string, endpointId = "ep_a"): AuditEventRecord => ({
        id,
        action: "worker.exec",
        actor: { type: "apiKey", id: "key_1", name: "admin" },
        endpointId,
        workerId,
        driver: "process",
        command: ["sh", "-c", "true"],
        tty: false,
        transport: "http",
        remoteAddress: null,
        startedAt: 10,
        endedAt: null,
        outcome: "running",
        exitCode: null,
        signal: null,
        error: null,
      });
      await store.insertAuditEvent(session("ses_1", "wk_1"));
      await store.insertAuditEvent(session("ses_2", "wk_2"));
      await store.insertAuditEvent(session("ses_3", "wk_1", "ep_b"));
      expect((await store.listAuditEvents({ limit: 10 })).map((e) => e.id)).toEqual(["ses_3", "ses_2", "ses_1"]);
      expect((await store.listAuditEvents({ workerId: "wk_1", limit: 10 })).map((e) => e.id)).toEqual([
        "ses_3",
        "ses_1",
      ]);
      expect((await store.listAuditEvents({ endpointId: "ep_a", limit: 1 })).map((e) => e.id)).toEqual(["ses_2"]);
      const ended = { ...session("ses_1", "wk_1"), outcome: "exited" as const, endedAt: 20, exitCode: 3 };
      expect(await store.updateAuditEvent(ended)).toBe(true);
      expect(await store.updateAuditEvent(session("ses_missing", "wk_1"))).toBe(false);
      expect(await store.interruptRunningAuditEvents(30)).toBe(2);
      const all = await store.listAuditEvents({ limit: 10 });
      expect(all.find((e) => e.id === "ses_1")).toEqual(ended);
      expect(all.filter((e) => e.outcome === "interrupted").map((e) => [e.id, e.endedAt])).toEqual([
        ["ses_3", 30],
        ["ses_2", 30],
      ]);
      expect(await store.interruptRunningAuditEvents(40)).toBe(0);
    });

    it("keeps SSH keys by fingerprint, refusing a key registered twice", async () => {
      const key: SshKeyRecord = {
        id: "ssh_1",
        name: "laptop",
        type: "ssh-ed25519",
        fingerprint: "SHA256:abc",
        publicKey: "ssh-ed25519 AAAA",
        createdBy: "key_1",
        createdAt: 5,
        lastUsedAt: null,
      };
      await store.insertSshKey(key);
      await expect(store.insertSshKey({ ...key, id: "ssh_2" })).rejects.toBeInstanceOf(StoreConflictError);
      expect(await store.getSshKey("ssh_1")).toEqual(key);
      expect(await store.findSshKeyByFingerprint("SHA256:abc")).toEqual(key);
      expect(await store.findSshKeyByFingerprint("SHA256:other")).toBeUndefined();
      await store.touchSshKey("ssh_1", 9);
      expect((await store.listSshKeys()).map((k) => [k.id, k.lastUsedAt])).toEqual([["ssh_1", 9]]);
      expect(await store.deleteSshKey("ssh_1")).toBe(true);
      expect(await store.deleteSshKey("ssh_1")).toBe(false);
      expect(await store.listSshKeys()).toEqual([]);
    });
  });
}
