import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { JobRecord } from "../store/records.js";
import { TakeWaiters } from "./take-waiters.js";

const HOLD_MS = 1_000;
const jobs = [{ id: "j1" }] as JobRecord[];

describe("TakeWaiters", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("hands held takes to dispatch oldest first, skipping workers that hung up", async () => {
    const takes = new TakeWaiters(HOLD_MS);
    const gone = new AbortController();
    const first = takes.hold("ep", "w1", 1, gone.signal);
    const second = takes.hold("ep", "w2", 3, new AbortController().signal);
    gone.abort();
    expect(await first).toEqual([]);
    const claimed = takes.claimNext("ep");
    expect(claimed).toMatchObject({ workerId: "w2", max: 3 });
    claimed?.resolve(jobs);
    expect(await second).toBe(jobs);
    expect(takes.claimNext("ep")).toBeUndefined();
  });

  it("answers a held take with nothing when its hold runs out, but not once dispatch claimed it", async () => {
    const takes = new TakeWaiters(HOLD_MS);
    const unclaimed = takes.hold("ep", "w1", 1, new AbortController().signal);
    await vi.advanceTimersByTimeAsync(HOLD_MS);
    expect(await unclaimed).toEqual([]);

    const claimedTake = takes.hold("ep", "w1", 1, new AbortController().signal);
    const claimed = takes.claimNext("ep");
    await vi.advanceTimersByTimeAsync(HOLD_MS);
    claimed?.resolve(jobs);
    expect(await claimedTake).toBe(jobs);
  });

  it("keeps a stopping worker's takes from dispatch, and answers them once it is released", async () => {
    const takes = new TakeWaiters(HOLD_MS);
    const held = takes.hold("ep", "w1", 1, new AbortController().signal);
    const parked = takes.park("w1", new AbortController().signal);
    takes.parkWorker("w1");
    expect(takes.claimNext("ep")).toBeUndefined();
    let answered = false;
    void held.then(() => {
      answered = true;
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(answered).toBe(false);
    takes.release("w1");
    expect(await held).toEqual([]);
    await parked;
  });

  it("answers every take when the control plane stops or the endpoint is deleted", async () => {
    const takes = new TakeWaiters(HOLD_MS);
    const onDeleted = takes.hold("ep_gone", "w1", 1, new AbortController().signal);
    const onOther = takes.hold("ep", "w2", 1, new AbortController().signal);
    const parked = takes.park("w3", new AbortController().signal);
    takes.forgetEndpoint("ep_gone");
    expect(await onDeleted).toEqual([]);
    takes.releaseAll();
    expect(await onOther).toEqual([]);
    await parked;
  });
});
