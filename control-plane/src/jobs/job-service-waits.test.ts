import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../logging/logger.js";
import type { JobRecord } from "../store/records.js";
import { SqliteStore } from "../store/sqlite/sqlite-store.js";
import { endpointRecord } from "../testing/endpoint-record.js";
import { JobService } from "./job-service.js";

const endpoint = endpointRecord({ id: "ep_waits", name: "waits", templateId: "tpl_waits" });

/**
 * Long polls against a store whose reads take a round trip (as PostgreSQL's do): the job may end while
 * the poll reads it, and the poll must still answer at once rather than hold until its timeout.
 */
describe("JobService: long polls when the job ends during the read", () => {
  let store: SqliteStore;
  let jobs: JobService;
  /** While set, reads of jobs see the store as it was, but answer only once the gate opens. */
  let gate: Promise<void> | undefined;

  beforeEach(async () => {
    store = new SqliteStore({ path: ":memory:" });
    const read = store.getJob.bind(store);
    store.getJob = async (id: string) => {
      const job = await read(id);
      await gate;
      return job;
    };
    jobs = new JobService(
      store,
      { now: () => 1_000_000 },
      {
        jobLeaseMs: 30_000,
        jobMaxRetries: 3,
        takeHoldMs: 10,
        resultRetentionMs: 60_000,
        syncResultRetentionMs: 60_000,
        sweepIntervalMs: 3_600_000,
        queueWindowJobs: 1000,
      },
      {
        stopJob: () => undefined,
        jobEnded: () => undefined,
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

  /** A running sync job, and a gate that holds reads until the test opens it. */
  const runningJob = async () => {
    const job = await jobs.submit(endpoint, { input: {} }, { kind: "sync" });
    const [taken] = await jobs.take(endpoint.id, "wk_a", 1, new AbortController().signal);
    expect(taken?.id).toBe(job.id);
    let open: () => void = () => undefined;
    gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    return { job, open };
  };

  /** Settles `promise` or says "held" once 2 s passed (the poll's own timeout is 30 s). */
  const within2s = <T>(promise: Promise<T>) =>
    Promise.race([promise, new Promise<"held">((resolve) => setTimeout(() => resolve("held"), 2000))]);

  it("answers runsync / status-sync with the ended job", async () => {
    const { job, open } = await runningJob();
    const waiting = jobs.waitForEnd(endpoint.id, job.id, 30_000, new AbortController().signal);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await jobs.finish(endpoint.id, "wk_a", job.id, { output: { ok: true } });
    open();
    const answer = await within2s(waiting);
    expect(answer).not.toBe("held");
    expect((answer as JobRecord).status).toBe("COMPLETED");
  });

  it("answers a stream poll with the ended job", async () => {
    const { job, open } = await runningJob();
    const waiting = jobs.takeStream(endpoint.id, job.id, 30_000, new AbortController().signal);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await jobs.finish(endpoint.id, "wk_a", job.id, { output: { ok: true } });
    open();
    const answer = await within2s(waiting);
    expect(answer).not.toBe("held");
    expect((answer as { job: JobRecord }).job.status).toBe("COMPLETED");
  });
});
