import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../logging/logger.js";
import type { JobRecord } from "../store/records.js";
import { SqliteStore } from "../store/sqlite/sqlite-store.js";
import { endpointRecord } from "../testing/endpoint-record.js";
import { JobService } from "./job-service.js";

const RESULT_RETENTION_MS = 30 * 60_000;
const SYNC_RETENTION_MS = 60_000;

const endpoint = endpointRecord();

/** The job lifecycle on a real (in-memory) store and a clock the test moves. */
describe("JobService: ttl, retention and late reports", () => {
  let now: number;
  let store: SqliteStore;
  let jobs: JobService;
  let ended: JobRecord[];
  let stopped: [string, string][];

  beforeEach(async () => {
    now = 1_000_000;
    store = new SqliteStore({ path: ":memory:" });
    ended = [];
    stopped = [];
    jobs = new JobService(
      store,
      { now: () => now },
      {
        jobLeaseMs: 30_000,
        jobMaxRetries: 3,
        takeHoldMs: 10,
        resultRetentionMs: RESULT_RETENTION_MS,
        syncResultRetentionMs: SYNC_RETENTION_MS,
        sweepIntervalMs: 3_600_000,
        queueWindowJobs: 1000,
      },
      {
        stopJob: (workerId, jobId) => stopped.push([workerId, jobId]),
        jobEnded: (job) => ended.push(job),
        jobsQueued: () => undefined,
        waitReason: () => "waiting",
        mayTake: () => true,
      },
      createLogger("silent"),
    );
    await jobs.start([endpoint.id]);
  });

  afterEach(async () => {
    jobs.stop();
    await store.close();
  });

  const take = async (workerId: string) => {
    const [job] = await jobs.take(endpoint.id, workerId, 1, new AbortController().signal);
    return job as JobRecord;
  };

  it("ends a queued job TIMED_OUT when its ttl runs out, keeps it for its retention, then deletes it", async () => {
    const job = await jobs.submit(endpoint, { input: {}, policy: { ttl: 10_000 } }, { kind: "async" });
    now += 9_999;
    await jobs.sweep();
    expect((await jobs.get(endpoint.id, job.id)).status).toBe("IN_QUEUE");
    now += 1;
    await jobs.sweep();
    const expired = await jobs.get(endpoint.id, job.id);
    expect(expired).toMatchObject({
      status: "TIMED_OUT",
      error: "ttl of 10000 ms expired while it was queued (no worker took it in time)",
      retainUntil: now + RESULT_RETENTION_MS,
    });
    expect(ended.map((j) => [j.id, j.status])).toEqual([[job.id, "TIMED_OUT"]]);
    expect(jobs.queueState(endpoint.id).queued).toBe(0);
    expect(jobs.counts(endpoint.id)).toMatchObject({ IN_QUEUE: 0, TIMED_OUT: 1 });
    now += RESULT_RETENTION_MS;
    await jobs.sweep();
    await expect(jobs.get(endpoint.id, job.id)).rejects.toMatchObject({ code: "job_not_found" });
    expect(jobs.counts(endpoint.id)).toMatchObject({ TIMED_OUT: 0 });
  });

  it("keeps an expired /runsync job for the sync retention", async () => {
    const job = await jobs.submit(endpoint, { input: {}, policy: { ttl: 10_000 } }, { kind: "sync" });
    now += 10_000;
    await jobs.sweep();
    expect((await jobs.get(endpoint.id, job.id)).retainUntil).toBe(now + SYNC_RETENTION_MS);
  });

  it("tells the worker of a running job whose ttl ran out to stop it", async () => {
    const job = await jobs.submit(endpoint, { input: {}, policy: { ttl: 10_000 } }, { kind: "async" });
    expect((await take("wk_a")).id).toBe(job.id);
    now += 10_000;
    await jobs.sweep();
    expect(stopped).toEqual([["wk_a", job.id]]);
    expect((await jobs.get(endpoint.id, job.id)).error).toBe("ttl of 10000 ms expired while it ran on worker wk_a");
    // Its late result is refused: the job ended without it.
    await expect(jobs.finish(endpoint.id, "wk_a", job.id, { output: 1 })).rejects.toMatchObject({
      code: "job_not_owned",
    });
  });

  it("does not let a ttl shorten the retention of a job that ended in time", async () => {
    const job = await jobs.submit(endpoint, { input: {}, policy: { ttl: 10_000 } }, { kind: "async" });
    await take("wk_a");
    await jobs.finish(endpoint.id, "wk_a", job.id, { output: { ok: true } });
    now += 60_000;
    await jobs.sweep();
    expect(await jobs.get(endpoint.id, job.id)).toMatchObject({ status: "COMPLETED", output: { ok: true } });
  });

  it("counts the ttl again from a retry", async () => {
    const job = await jobs.submit(endpoint, { input: {}, policy: { ttl: 10_000 } }, { kind: "async" });
    now += 10_000;
    await jobs.sweep();
    await jobs.retry(endpoint.id, job.id);
    await jobs.sweep();
    expect((await jobs.get(endpoint.id, job.id)).status).toBe("IN_QUEUE");
    now += 10_000;
    await jobs.sweep();
    expect((await jobs.get(endpoint.id, job.id)).status).toBe("TIMED_OUT");
  });

  it("accepts and ignores a progress update that arrives after the job ended on the same worker", async () => {
    const job = await jobs.submit(endpoint, { input: {} }, { kind: "async" });
    await take("wk_a");
    expect(await jobs.progress(endpoint.id, "wk_a", job.id, { step: 1 })).toBe(true);
    await jobs.finish(endpoint.id, "wk_a", job.id, { output: { done: true } });
    expect(await jobs.progress(endpoint.id, "wk_a", job.id, { step: 2 })).toBe(false);
    expect(await jobs.get(endpoint.id, job.id)).toMatchObject({ status: "COMPLETED", output: { done: true } });
    // Another worker never held it: still a conflict.
    await expect(jobs.progress(endpoint.id, "wk_b", job.id, { step: 3 })).rejects.toMatchObject({
      code: "job_not_owned",
    });
  });

  it("refuses webhookV2, naming the field", async () => {
    await expect(
      jobs.submit(endpoint, { input: {}, webhookV2: "http://127.0.0.1:1/hook" }, { kind: "async" }),
    ).rejects.toMatchObject({ code: "validation_failed", fields: [{ field: "webhookV2" }] });
    expect(jobs.queueState(endpoint.id).queued).toBe(0);
  });
});
