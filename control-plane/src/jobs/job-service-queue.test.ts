import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createLogger } from "../logging/logger.js";
import type { JobRecord } from "../store/records.js";
import { SqliteStore } from "../store/sqlite/sqlite-store.js";
import { endpointRecord } from "../testing/endpoint-record.js";
import { JobService } from "./job-service.js";

const WINDOW = 3;
const LEASE_MS = 30_000;

const endpoint = endpointRecord({ id: "ep_queue", name: "queue" });

/**
 * The queue lives in the store and only a window of WINDOW jobs of it in memory: dispatch order, counts,
 * positions, cancellation, expiry, purge, re-queues and restarts must not depend on which jobs the window
 * holds. A real (in-memory) store and a clock the test moves.
 */
describe("JobService: a backlog deeper than the in-memory window", () => {
  let now: number;
  let store: SqliteStore;
  let jobs: JobService;

  const service = () =>
    new JobService(
      store,
      { now: () => now },
      {
        jobLeaseMs: LEASE_MS,
        jobMaxRetries: 3,
        // Long: a take is answered as soon as jobs reach the window, and a test that waits for it fails.
        takeHoldMs: 10_000,
        resultRetentionMs: 60_000,
        syncResultRetentionMs: 60_000,
        sweepIntervalMs: 3_600_000,
        queueWindowJobs: WINDOW,
      },
      {
        stopJob: () => undefined,
        jobEnded: () => undefined,
        jobsQueued: () => undefined,
        waitReason: (_endpointId, job) => `waiting at ${job.position ?? "?"}`,
        mayTake: () => true,
      },
      createLogger("silent"),
    );

  beforeEach(async () => {
    now = 1_000_000;
    store = new SqliteStore({ path: ":memory:" });
    jobs = service();
    await jobs.start([endpoint.id]);
  });

  afterEach(async () => {
    jobs.stop();
    await store.close();
  });

  /** Submits jobs a millisecond apart; `low` marks the low-priority ones by index. */
  const submit = async (count: number, low: (i: number) => boolean = () => false): Promise<JobRecord[]> => {
    const submitted: JobRecord[] = [];
    for (let i = 0; i < count; i++) {
      now += 1;
      submitted.push(await jobs.submit(endpoint, { input: { i }, policy: { lowPriority: low(i) } }, { kind: "async" }));
    }
    return submitted;
  };

  const takeAll = async (workerId: string, count: number): Promise<string[]> => {
    const ids: string[] = [];
    while (ids.length < count) {
      const taken = await jobs.take(endpoint.id, workerId, 2, new AbortController().signal);
      expect(taken.length).toBeGreaterThan(0);
      ids.push(...taken.map((job) => job.id));
    }
    return ids;
  };

  it("hands out the whole backlog in dispatch order, normal lane first, refilling the window from the store", async () => {
    const submitted = await submit(10, (i) => i % 3 === 0);
    const normal = submitted.filter((job) => !job.lowPriority).map((job) => job.id);
    const low = submitted.filter((job) => job.lowPriority).map((job) => job.id);
    // Counts come from the counters, not from the window.
    expect(jobs.queueState(endpoint.id)).toEqual({
      queued: 10,
      queuedNormal: normal.length,
      oldestQueuedAt: submitted[1]?.createdAt,
    });
    expect(jobs.heldQueuedJobs(endpoint.id)).toBe(WINDOW);
    expect(await takeAll("wk_a", 10)).toEqual([...normal, ...low]);
    expect(jobs.queueState(endpoint.id)).toEqual({ queued: 0, queuedNormal: 0, oldestQueuedAt: undefined });
    expect(jobs.counts(endpoint.id)).toMatchObject({ IN_QUEUE: 0, IN_PROGRESS: 10 });
  });

  it("gives the queue position of a job beyond the window, counted in the store", async () => {
    const submitted = await submit(8, (i) => i === 0);
    const views = await Promise.all(submitted.map((job) => jobs.present(job)));
    // The low-priority job comes after the 7 normal ones.
    expect(views.map((view) => view.reason)).toEqual([
      "waiting at 8",
      ...[1, 2, 3, 4, 5, 6, 7].map((place) => `waiting at ${place}`),
    ]);
  });

  it("cancels a queued job deep in the backlog: never handed out, counted at once", async () => {
    const submitted = await submit(6);
    const deep = submitted[4] as JobRecord;
    expect((await jobs.cancel(endpoint.id, deep.id)).status).toBe("CANCELLED");
    expect(jobs.queueState(endpoint.id).queued).toBe(5);
    expect(await takeAll("wk_a", 5)).toEqual(submitted.filter((job) => job !== deep).map((job) => job.id));
  });

  it("expires queued jobs beyond the window when their ttl runs out", async () => {
    for (let i = 0; i < 6; i++) {
      await jobs.submit(endpoint, { input: { i }, policy: { ttl: 1_000 } }, { kind: "async" });
    }
    const [kept] = await submit(1);
    now += 1_000;
    await jobs.sweep();
    expect(jobs.queueState(endpoint.id).queued).toBe(1);
    expect(jobs.counts(endpoint.id)).toMatchObject({ IN_QUEUE: 1, TIMED_OUT: 6 });
    expect(await takeAll("wk_a", 1)).toEqual([kept?.id]);
  });

  it("purges the whole queue, not only the window", async () => {
    await submit(7, (i) => i === 6);
    expect(await jobs.purge(endpoint.id)).toBe(7);
    expect(jobs.queueState(endpoint.id)).toEqual({ queued: 0, queuedNormal: 0, oldestQueuedAt: undefined });
    expect(jobs.counts(endpoint.id)).toMatchObject({ IN_QUEUE: 0, CANCELLED: 7 });
    const [next] = await submit(1);
    expect(await takeAll("wk_a", 1)).toEqual([next?.id]);
  });

  it("puts a job whose lease ran out back at the front, ahead of a full window", async () => {
    const submitted = await submit(6);
    const [first] = await jobs.take(endpoint.id, "wk_a", 1, new AbortController().signal);
    expect(first?.id).toBe(submitted[0]?.id);
    now += LEASE_MS;
    await jobs.sweep();
    expect(jobs.queueState(endpoint.id).queued).toBe(6);
    expect(await takeAll("wk_b", 6)).toEqual(submitted.map((job) => job.id));
  });

  it("after a restart, reads the queue from the store: counts at once, jobs in order as the window drains", async () => {
    const submitted = await submit(7, (i) => i === 1);
    jobs.stop();
    jobs = service();
    await jobs.start([endpoint.id]);
    expect(jobs.queueState(endpoint.id)).toMatchObject({ queued: 7, queuedNormal: 6 });
    expect(jobs.heldQueuedJobs(endpoint.id)).toBeLessThanOrEqual(WINDOW);
    const order = [...submitted.filter((job) => !job.lowPriority), submitted[1] as JobRecord].map((job) => job.id);
    expect(await takeAll("wk_a", 7)).toEqual(order);
  });

  it("reads the queue again after a failed store read, and loses no job", async () => {
    const submitted = await submit(6);
    const read = vi.spyOn(store, "listQueuedJobs").mockRejectedValueOnce(new Error("the database is unreachable"));
    expect(await takeAll("wk_a", 6)).toEqual(submitted.map((job) => job.id));
    expect(read.mock.calls.length).toBeGreaterThanOrEqual(2);
  });

  it("serves a worker that waits while the window is empty as soon as a job is queued", async () => {
    const waiting = jobs.take(endpoint.id, "wk_a", 1, new AbortController().signal);
    const [job] = await submit(1);
    expect((await waiting).map((j) => j.id)).toEqual([job?.id]);
  });
});
