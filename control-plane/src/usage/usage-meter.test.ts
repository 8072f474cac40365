import { describe, expect, test } from "vitest";
import { createLogger } from "../logging/logger.js";
import type { WorkerUsageRecord } from "../store/records.js";
import type { Store } from "../store/store.js";
import { splitIntoBuckets, USAGE_PRUNE_INTERVAL_MS, UsageMeter, type WorkerUsageSample } from "./usage-meter.js";
import { summarizeUsage } from "./usage-summary.js";

describe("splitIntoBuckets", () => {
  test.each([
    ["within one bucket", [10_000, 20_000], [[0, 10_000]]],
    [
      "across a boundary",
      [50_000, 70_000],
      [
        [0, 10_000],
        [60_000, 10_000],
      ],
    ],
    [
      "several buckets",
      [30_000, 150_000],
      [
        [0, 30_000],
        [60_000, 60_000],
        [120_000, 30_000],
      ],
    ],
    ["exactly one bucket", [60_000, 120_000], [[60_000, 60_000]]],
    ["empty", [5000, 5000], []],
  ] as const)("%s", (_, [from, to], want) => {
    expect(splitIntoBuckets(from, to)).toEqual(want);
  });
});

/** A store that keeps what the meter writes (the meter only calls addWorkerUsage). */
function memoryStore(): { store: Store; written: WorkerUsageRecord[] } {
  const written: WorkerUsageRecord[] = [];
  const store = {
    addWorkerUsage: async (records: readonly WorkerUsageRecord[]) => {
      written.push(...records.map((r) => ({ ...r })));
    },
  } as unknown as Store;
  return { store, written };
}

const sample = (workerId: string, state: WorkerUsageSample["state"], gpuCount = 1): WorkerUsageSample => ({
  endpointId: "ep",
  workerId,
  state,
  gpuCount,
});

describe("UsageMeter", () => {
  const meter = (counted: [string, number, number][] = []) => {
    const { store, written } = memoryStore();
    const usage = new UsageMeter({
      store,
      clock: { now: () => 0 },
      logger: createLogger("silent"),
      sampleMs: 250,
      flushMs: 10_000,
      retentionMs: 86_400_000,
      counted: (_, state, seconds, gpuSeconds) => counted.push([state, seconds, gpuSeconds]),
    });
    return { usage, written, counted };
  };

  test("accounts the time between samples to the state seen at the first", async () => {
    const { usage, written } = meter();
    usage.sample([sample("w1", "initializing")], 0);
    usage.sample([sample("w1", "idle")], 5000);
    usage.sample([sample("w1", "running")], 6000);
    usage.sample([sample("w1", "idle")], 9000);
    await usage.flush();
    expect(summarizeUsage(written).total.seconds).toMatchObject({ initializing: 5, idle: 1, running: 3 });
  });

  test("splits time into minute buckets and GPU-seconds by GPUs held (none while throttled)", async () => {
    const { usage, written, counted } = meter();
    usage.sample([sample("w1", "throttled", 2), sample("w2", "running", 2)], 30_000);
    usage.sample([sample("w1", "running", 2), sample("w2", "running", 2)], 90_000);
    await usage.flush();
    expect(written.map((r) => [r.workerId, r.bucketStart, r.state, r.seconds, r.gpuSeconds])).toEqual([
      ["w1", 0, "throttled", 30, 0],
      ["w1", 60_000, "throttled", 30, 0],
      ["w2", 0, "running", 30, 60],
      ["w2", 60_000, "running", 30, 60],
    ]);
    expect(counted).toEqual([
      ["throttled", 60, 0],
      ["running", 60, 120],
    ]);
  });

  test("a worker that disappears is accounted up to the sample that misses it", async () => {
    const { usage, written } = meter();
    usage.sample([sample("w1", "idle")], 0);
    usage.sample([], 4000);
    usage.sample([], 8000);
    await usage.flush();
    expect(summarizeUsage(written).total).toMatchObject({ workerSeconds: 4, gpuSeconds: 4 });
  });

  test("a failed write keeps the usage for the next flush", async () => {
    const written: WorkerUsageRecord[] = [];
    let fail = true;
    const store = {
      addWorkerUsage: async (records: readonly WorkerUsageRecord[]) => {
        if (fail) {
          throw new Error("disk full");
        }
        written.push(...records);
      },
    } as unknown as Store;
    const usage = new UsageMeter({
      store,
      clock: { now: () => 0 },
      logger: createLogger("silent"),
      sampleMs: 250,
      flushMs: 10_000,
      retentionMs: 86_400_000,
    });
    usage.sample([sample("w1", "running")], 0);
    usage.sample([sample("w1", "running")], 2000);
    await usage.flush();
    fail = false;
    usage.sample([sample("w1", "running")], 3000);
    await usage.flush();
    expect(summarizeUsage(written).total.seconds.running).toBe(3);
  });
});

describe("UsageMeter retention", () => {
  const DAY = 86_400_000;

  /** A meter on a clock the test moves, over a store that records each retention cut (or fails it). */
  const retained = (failCuts = false) => {
    const cuts: number[] = [];
    let now = 0;
    const store = {
      addWorkerUsage: async () => undefined,
      deleteWorkerUsageBefore: async (before: number) => {
        cuts.push(before);
        if (failCuts) {
          throw new Error("database unavailable");
        }
        return 0;
      },
    } as unknown as Store;
    const usage = new UsageMeter({
      store,
      clock: { now: () => now },
      logger: createLogger("silent"),
      sampleMs: 250,
      flushMs: 10_000,
      retentionMs: 7 * DAY,
    });
    return { usage, cuts, at: (ms: number) => (now = ms) };
  };

  test.each([
    // [what, flush instants, the cuts expected]
    ["the first flush cuts at once, at a bucket boundary", [30 * DAY + 90_000], [23 * DAY + 60_000]],
    [
      "then once per interval, whatever the flushes between",
      [30 * DAY, 30 * DAY + 10_000, 30 * DAY + USAGE_PRUNE_INTERVAL_MS - 1, 30 * DAY + USAGE_PRUNE_INTERVAL_MS],
      [23 * DAY, 23 * DAY + USAGE_PRUNE_INTERVAL_MS],
    ],
  ] as const)("%s", async (_, flushes, expected) => {
    const { usage, cuts, at } = retained();
    for (const instant of flushes) {
      at(instant);
      await usage.flush();
    }
    expect(cuts).toEqual(expected);
  });

  test("a failed cut is logged and tried again at the next interval; usage is still written", async () => {
    const { usage, cuts, at } = retained(true);
    at(30 * DAY);
    await usage.flush();
    at(30 * DAY + 10_000);
    await usage.flush();
    at(30 * DAY + USAGE_PRUNE_INTERVAL_MS);
    await usage.flush();
    expect(cuts).toHaveLength(2);
  });
});

describe("summarizeUsage", () => {
  test("sums per endpoint and per worker, most worker-seconds first", () => {
    const record = (workerId: string, state: WorkerUsageRecord["state"], seconds: number): WorkerUsageRecord => ({
      endpointId: "ep",
      workerId,
      bucketStart: 0,
      state,
      seconds,
      gpuSeconds: state === "throttled" ? 0 : seconds,
    });
    const summary = summarizeUsage([
      record("a", "running", 10),
      record("b", "idle", 30),
      record("a", "idle", 5),
      record("b", "throttled", 2),
    ]);
    expect(summary.total).toMatchObject({ workerSeconds: 47, gpuSeconds: 45 });
    expect(summary.total.seconds).toMatchObject({ running: 10, idle: 35, throttled: 2 });
    expect(summary.workers.map((w) => [w.workerId, w.workerSeconds])).toEqual([
      ["b", 32],
      ["a", 15],
    ]);
  });
});
