import { describe, expect, it } from "vitest";
import type { JobRecord } from "../store/records.js";
import { RunningJobs } from "./running-jobs.js";

const LEASE_MS = 30_000;

function job(id: string, endpointId = "ep_a", executionTimeoutMs = 600_000): JobRecord {
  return { id, endpointId, executionTimeoutMs } as JobRecord;
}

describe("RunningJobs", () => {
  it("starts a lease and an execution deadline when a worker takes a job", () => {
    const running = new RunningJobs(LEASE_MS);
    const entry = running.begin(job("j1", "ep_a", 5_000), "w1", 1_000);
    expect(entry).toMatchObject({ workerId: "w1", startedAt: 1_000, leaseUntil: 31_000, timeoutAt: 6_000 });
    expect(running.get("j1")).toBe(entry);
  });

  it.each([
    { case: "the holder's heartbeat extends the lease", from: "w1", ids: ["j1"], leaseUntil: 20_000 + LEASE_MS },
    { case: "another worker's heartbeat does not", from: "w2", ids: ["j1"], leaseUntil: 1_000 + LEASE_MS },
    { case: "a heartbeat naming other jobs does not", from: "w1", ids: ["j9"], leaseUntil: 1_000 + LEASE_MS },
  ])("$case", ({ from, ids, leaseUntil }) => {
    const running = new RunningJobs(LEASE_MS);
    running.begin(job("j1"), "w1", 1_000);
    running.heartbeat(from, ids, 20_000);
    expect(running.get("j1")?.leaseUntil).toBe(leaseUntil);
  });

  it("resumes a job found running at start-up with a fresh lease and its original deadline", () => {
    const running = new RunningJobs(LEASE_MS);
    running.resume({ ...job("j1", "ep_a", 10_000), workerId: "w1", startedAt: 500 }, 2_000);
    expect(running.get("j1")).toMatchObject({ startedAt: 500, leaseUntil: 32_000, timeoutAt: 10_500, job: undefined });
  });

  it("groups running jobs by worker, for one endpoint or all", () => {
    const running = new RunningJobs(LEASE_MS);
    running.begin(job("j1", "ep_a"), "w1", 0);
    running.begin(job("j2", "ep_a"), "w1", 0);
    running.begin(job("j3", "ep_b"), "w2", 0);
    expect(running.byWorker("ep_a")).toEqual(new Map([["w1", ["j1", "j2"]]]));
    expect(running.byWorker()).toEqual(
      new Map([
        ["w1", ["j1", "j2"]],
        ["w2", ["j3"]],
      ]),
    );
  });

  it("remembers who lost a job until someone takes it", () => {
    const running = new RunningJobs(LEASE_MS);
    const entry = running.begin(job("j1"), "w1", 0);
    running.remove("j1");
    running.markLost("j1", "w1");
    expect(running.lostTo("j1")).toBe("w1");
    running.begin(job("j1"), "w2", 10);
    expect(running.lostTo("j1")).toBeUndefined();
    // A restore after a failed store write keeps the newer entry.
    running.restore(entry);
    expect(running.get("j1")?.workerId).toBe("w2");
  });
});
