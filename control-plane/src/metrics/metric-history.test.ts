import { describe, expect, it } from "vitest";
import {
  bucketStart,
  emptyFigures,
  histogramAdd,
  histogramIndex,
  histogramMerge,
  histogramPercentiles,
  MAX_POINTS,
  METRIC_TIERS,
  type MetricBucket,
  mergeFigures,
  planRange,
  rollUp,
  sampleFigures,
  utilizationOf,
} from "./metric-history.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe("histograms", () => {
  it.each([
    [0, 0],
    [1, 0],
    [1.0001, 1],
    [10, 20],
    [100, 40],
    [101, 41],
    [1000, 60],
  ])("puts %d ms in bucket %d", (ms, index) => {
    expect(histogramIndex(ms)).toBe(index);
  });

  it("reads percentiles within 6% of the exact figures", () => {
    const values = Array.from({ length: 1000 }, (_, i) => 5 + i * 3.7);
    const histogram = {};
    for (const value of values) {
      histogramAdd(histogram, value);
    }
    const exact = (q: number) => values[Math.ceil(q * values.length) - 1] as number;
    const read = histogramPercentiles(histogram);
    expect(read.count).toBe(1000);
    for (const [q, got] of [
      [0.5, read.p50],
      [0.9, read.p90],
      [0.95, read.p95],
      [0.99, read.p99],
    ] as const) {
      expect(Math.abs((got as number) - exact(q)) / exact(q)).toBeLessThan(0.06);
    }
  });

  it("is null when empty, and merges by adding counts", () => {
    expect(histogramPercentiles({})).toEqual({ p50: null, p90: null, p95: null, p99: null, count: 0 });
    expect(histogramMerge({ "1": 2, "5": 1 }, { "5": 3, "9": 1 })).toEqual({ "1": 2, "5": 4, "9": 1 });
  });
});

describe("figures", () => {
  it("counts a sample's finished jobs and cold starts, and merges gauges as sums", () => {
    const a = sampleFigures({
      queued: 4,
      workers: { IDLE: 1, RUNNING: 3 },
      finished: [
        { status: "COMPLETED", delayMs: 10, executionMs: 100 },
        { status: "TIMED_OUT", delayMs: 20, executionMs: 5000 },
        { status: "FAILED", delayMs: 30_000, executionMs: null },
      ],
      coldStartsMs: [1500],
    });
    expect(a).toMatchObject({ samples: 1, queuedSum: 4, queuedMax: 4, jobsCompleted: 1, jobsFailed: 2 });
    expect(histogramPercentiles(a.execution).count).toBe(2);
    expect(histogramPercentiles(a.delay).count).toBe(3);
    const b = sampleFigures({ queued: 0, workers: { IDLE: 2 }, finished: [], coldStartsMs: [] });
    const merged = mergeFigures(a, b);
    expect(merged).toMatchObject({ samples: 2, queuedSum: 4, queuedMax: 4, workers: { IDLE: 3, RUNNING: 3 } });
    expect(utilizationOf(merged)).toBe(0.5);
    expect(utilizationOf(emptyFigures())).toBeNull();
  });

  it("counts routed requests, and merges buckets stored before they were counted as holding none", () => {
    const latency = histogramAdd(histogramAdd({}, 20), 200);
    const sample = sampleFigures({
      queued: 0,
      workers: { RUNNING: 1 },
      finished: [],
      coldStartsMs: [],
      requests: { inFlight: 3, finished: 2, errors: 1, latency },
    });
    expect(sample).toMatchObject({ requests: 2, requestErrors: 1, inFlightSum: 3 });
    const { requests, requestErrors, inFlightSum, requestLatency, ...older } = sampleFigures({
      queued: 1,
      workers: {},
      finished: [],
      coldStartsMs: [],
    });
    const merged = mergeFigures(older, sample);
    expect(merged).toMatchObject({ requests: 2, requestErrors: 1, inFlightSum: 3, samples: 2 });
    expect(histogramPercentiles(merged.requestLatency ?? {}).count).toBe(2);
  });
});

describe("planRange", () => {
  const now = 1000 * DAY;
  it.each([
    ["15 minutes, no step: 10 s buckets", { from: now - 15 * MINUTE, to: now }, 10_000, 10_000],
    ["24 hours, no step: 1 min tier, 4 min steps", { from: now - DAY, to: now }, MINUTE, 4 * MINUTE],
    ["7 days, no step: 10 min tier, 30 min steps", { from: now - 7 * DAY, to: now }, 10 * MINUTE, 30 * MINUTE],
    ["60 days: the hour tier", { from: now - 60 * DAY, to: now }, HOUR, 4 * HOUR],
    ["older than every tier: the coarsest", { from: now - 400 * DAY, to: now - 399 * DAY }, HOUR, HOUR],
    ["a finer step than kept is raised", { from: now - 7 * DAY, to: now, stepMs: 10_000 }, 10 * MINUTE, 10 * MINUTE],
    ["a step is rounded up to the tier's", { from: now - HOUR, to: now, stepMs: 25_000 }, 10_000, 30_000],
  ])("%s", (_name, range, tierStep, step) => {
    const plan = planRange(range, now);
    expect(plan).toMatchObject({ tier: { stepMs: tierStep }, stepMs: step });
    if (!("error" in plan)) {
      expect(plan.from % plan.stepMs).toBe(0);
    }
  });

  it("refuses a range of too many steps", () => {
    const plan = planRange({ from: now - 6 * HOUR + 1, to: now + 30 * DAY, stepMs: 10_000 }, now, [
      { stepMs: 10_000, keepMs: 400 * DAY },
    ]);
    expect(plan).toEqual({ error: expect.stringContaining(`at most ${MAX_POINTS}`) });
  });

  it("keeps the history bounded: about 9,216 buckets per endpoint", () => {
    expect(METRIC_TIERS.reduce((sum, tier) => sum + tier.keepMs / tier.stepMs, 0)).toBe(9216);
  });
});

describe("rollUp", () => {
  const bucket = (start: number, queued: number, completed: number): MetricBucket => ({
    endpointId: "e",
    stepMs: 10_000,
    start,
    ...sampleFigures({
      queued,
      workers: { RUNNING: 1 },
      finished: Array.from({ length: completed }, () => ({
        status: "COMPLETED" as const,
        delayMs: 5,
        executionMs: 50,
      })),
      coldStartsMs: [],
    }),
  });

  it("merges a tier's buckets into steps and drops what is outside the range", () => {
    const buckets = [0, 10_000, 20_000, 30_000, 40_000, 60_000].map((start, i) => bucket(start, i, 1));
    const points = rollUp(buckets, { from: 10_000, to: 60_000, stepMs: 30_000 });
    expect(points.map((p) => p.start)).toEqual([10_000, 40_000]);
    expect(points[0]?.figures).toMatchObject({ samples: 3, queuedSum: 1 + 2 + 3, queuedMax: 3, jobsCompleted: 3 });
    expect(points[1]?.figures).toMatchObject({ samples: 1, queuedSum: 4 });
  });

  it("aligns samples to their tier's buckets", () => {
    expect(bucketStart(123_456, 10_000)).toBe(120_000);
    expect(bucketStart(123_456, HOUR)).toBe(0);
  });
});
