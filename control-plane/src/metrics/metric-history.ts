/**
 * Pure logic of the stored metric history: log-scale histograms, buckets that merge exactly, the tiers
 * that samples are downsampled into as they age, and the choice of tier and step for a range query.
 * Nothing here reads a clock or a store; `MetricHistoryRecorder` does.
 */

import type { EpochMs, HistogramRecord, MetricBucketRecord, MetricFiguresRecord } from "../store/records.js";

/**
 * A sparse histogram of durations in ms: bucket index → count. Bucket `i > 0` holds values in
 * (10^((i-1)/20), 10^(i/20)] ms, bucket 0 values ≤ 1 ms; 20 buckets per decade keep a percentile read from
 * the geometric middle of its bucket within 6% of the exact figure, and histograms merge by adding.
 */
export type Histogram = HistogramRecord;

/** Buckets per decade of the histograms. */
const BUCKETS_PER_DECADE = 20;

/** The bucket index of a duration in ms. */
export function histogramIndex(ms: number): number {
  if (!(ms > 1)) {
    return 0;
  }
  return Math.ceil(Math.log10(ms) * BUCKETS_PER_DECADE - 1e-9);
}

/** Adds one duration to a histogram (in place) and returns it. */
export function histogramAdd(histogram: Histogram, ms: number): Histogram {
  const key = String(histogramIndex(ms));
  histogram[key] = (histogram[key] ?? 0) + 1;
  return histogram;
}

/** The sum of two histograms, as a new one. */
export function histogramMerge(a: Histogram, b: Histogram): Histogram {
  const merged: Histogram = { ...a };
  for (const [key, count] of Object.entries(b)) {
    merged[key] = (merged[key] ?? 0) + count;
  }
  return merged;
}

/** How many values a histogram holds. */
export function histogramCount(histogram: Histogram): number {
  let count = 0;
  for (const value of Object.values(histogram)) {
    count += value;
  }
  return count;
}

/** Percentiles read from a histogram, in ms; null when it is empty. */
export interface HistogramPercentiles {
  p50: number | null;
  p90: number | null;
  p95: number | null;
  p99: number | null;
  count: number;
}

/**
 * Reads the 50th, 90th, 95th and 99th percentiles (nearest rank) from a histogram: each is the geometric
 * middle of the bucket that holds the ranked value, rounded to 0.1 ms.
 */
export function histogramPercentiles(histogram: Histogram): HistogramPercentiles {
  const indexes: number[] = [];
  let count = 0;
  for (const key in histogram) {
    const n = histogram[key] as number;
    if (n > 0) {
      indexes.push(Number(key));
      count += n;
    }
  }
  if (count === 0) {
    return { p50: null, p90: null, p95: null, p99: null, count: 0 };
  }
  indexes.sort((x, y) => x - y);
  const quantiles = [0.5, 0.9, 0.95, 0.99].map((q) => Math.max(1, Math.ceil(q * count)));
  const values: number[] = [];
  let seen = 0;
  for (const index of indexes) {
    seen += histogram[String(index)] as number;
    while (values.length < quantiles.length && seen >= (quantiles[values.length] as number)) {
      const value = index === 0 ? 1 : 10 ** ((index - 0.5) / BUCKETS_PER_DECADE);
      values.push(Math.round(value * 10) / 10);
    }
  }
  return {
    p50: values[0] ?? null,
    p90: values[1] ?? null,
    p95: values[2] ?? null,
    p99: values[3] ?? null,
    count,
  };
}

/** The figures of one time bucket (see the store's record). */
export type MetricBucketFigures = MetricFiguresRecord;

/** A stored bucket: figures of one endpoint over `[start, start + stepMs)`. */
export type MetricBucket = MetricBucketRecord;

/** Figures with nothing in them. */
export function emptyFigures(): MetricBucketFigures {
  return {
    samples: 0,
    queuedSum: 0,
    queuedMax: 0,
    workers: {},
    jobsCompleted: 0,
    jobsFailed: 0,
    delay: {},
    execution: {},
    coldStart: {},
    requests: 0,
    requestErrors: 0,
    inFlightSum: 0,
    requestLatency: {},
  };
}

/** The figures of both, as new figures. */
export function mergeFigures(a: MetricBucketFigures, b: MetricBucketFigures): MetricBucketFigures {
  return addFigures(addFigures(emptyFigures(), a), b);
}

/** Adds `b` into `into` (which must not share histograms with anything else) and returns it. */
export function addFigures(into: MetricBucketFigures, b: MetricBucketFigures): MetricBucketFigures {
  into.samples += b.samples;
  into.queuedSum += b.queuedSum;
  into.queuedMax = Math.max(into.queuedMax, b.queuedMax);
  for (const status in b.workers) {
    into.workers[status] = (into.workers[status] ?? 0) + (b.workers[status] as number);
  }
  into.jobsCompleted += b.jobsCompleted;
  into.jobsFailed += b.jobsFailed;
  addHistogram(into.delay, b.delay);
  addHistogram(into.execution, b.execution);
  addHistogram(into.coldStart, b.coldStart);
  into.requests = (into.requests ?? 0) + (b.requests ?? 0);
  into.requestErrors = (into.requestErrors ?? 0) + (b.requestErrors ?? 0);
  into.inFlightSum = (into.inFlightSum ?? 0) + (b.inFlightSum ?? 0);
  into.requestLatency ??= {};
  addHistogram(into.requestLatency, b.requestLatency ?? {});
  return into;
}

function addHistogram(into: Histogram, b: Histogram): void {
  for (const key in b) {
    into[key] = (into[key] ?? 0) + (b[key] as number);
  }
}

/** What one sampling tick saw of an endpoint. */
export interface MetricSample {
  /** Jobs waiting. */
  queued: number;
  /** Workers by status. */
  workers: Record<string, number>;
  /** Jobs that finished since the previous tick. */
  finished: readonly { status: "COMPLETED" | "FAILED" | "TIMED_OUT"; delayMs: number; executionMs: number | null }[];
  /** Cold-start durations of workers that became ready since the previous tick. */
  coldStartsMs: readonly number[];
  /** Routed requests (load-balancing endpoints): those in flight now, and those finished since the previous tick. */
  requests?: RequestTally;
}

/** What the router counted of an endpoint's requests over a while. */
export interface RequestTally {
  /** Requests in flight at the end of it. */
  inFlight: number;
  /** Requests that finished. */
  finished: number;
  /** Of them, those answered 5xx. */
  errors: number;
  /** Their latencies (arrival → end of answer), as a histogram. */
  latency: Histogram;
}

/** The figures of one sample. */
export function sampleFigures(sample: MetricSample): MetricBucketFigures {
  const figures = emptyFigures();
  figures.samples = 1;
  figures.queuedSum = sample.queued;
  figures.queuedMax = sample.queued;
  figures.workers = { ...sample.workers };
  for (const job of sample.finished) {
    if (job.status === "COMPLETED") {
      figures.jobsCompleted++;
    } else {
      figures.jobsFailed++;
    }
    histogramAdd(figures.delay, job.delayMs);
    if (job.executionMs !== null) {
      histogramAdd(figures.execution, job.executionMs);
    }
  }
  for (const ms of sample.coldStartsMs) {
    histogramAdd(figures.coldStart, ms);
  }
  if (sample.requests) {
    figures.requests = sample.requests.finished;
    figures.requestErrors = sample.requests.errors;
    figures.inFlightSum = sample.requests.inFlight;
    figures.requestLatency = { ...sample.requests.latency };
  }
  return figures;
}

/** A resolution of the history: buckets `stepMs` wide, kept `keepMs`. */
export interface MetricTier {
  stepMs: number;
  keepMs: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * The history's resolutions, finest first. Every sample is merged into one bucket of each tier, and each
 * tier drops buckets older than its `keepMs`, so history is downsampled as it ages and bounded: at most
 * 2,160 + 2,880 + 2,016 + 2,160 = 9,216 buckets per endpoint (about 3 MB in SQLite with busy histograms).
 */
export const METRIC_TIERS: readonly MetricTier[] = [
  { stepMs: 10_000, keepMs: 6 * HOUR },
  { stepMs: MINUTE, keepMs: 2 * DAY },
  { stepMs: 10 * MINUTE, keepMs: 14 * DAY },
  { stepMs: HOUR, keepMs: 90 * DAY },
];

/** The start of the bucket of `stepMs` that holds `at`. */
export function bucketStart(at: EpochMs, stepMs: number): EpochMs {
  return Math.floor(at / stepMs) * stepMs;
}

/** Points a range query answers at most. */
export const MAX_POINTS = 11_000;

/** Points a range query aims for when it is not given a step. */
export const DEFAULT_POINTS = 360;

/** How a range query is answered: which tier is read and the step of the points. */
export interface RangePlan {
  tier: MetricTier;
  /** Step of the points: a multiple of the tier's step. */
  stepMs: number;
  /** The range, aligned to the step. */
  from: EpochMs;
  to: EpochMs;
}

/**
 * Plans a range query: the finest tier that still holds `from` (the coarsest when none does), and a step
 * that is a multiple of the tier's: the one asked for rounded up, or about `DEFAULT_POINTS` points. Returns
 * an error message when the range would hold more than `MAX_POINTS` points.
 */
export function planRange(
  range: { from: EpochMs; to: EpochMs; stepMs?: number },
  now: EpochMs,
  tiers: readonly MetricTier[] = METRIC_TIERS,
): RangePlan | { error: string } {
  const tier =
    tiers.find((candidate) => range.from >= now - candidate.keepMs) ?? (tiers[tiers.length - 1] as MetricTier);
  const span = Math.max(0, range.to - range.from);
  const wanted = range.stepMs ?? Math.max(tier.stepMs, span / DEFAULT_POINTS);
  const stepMs = Math.max(1, Math.ceil(wanted / tier.stepMs)) * tier.stepMs;
  const from = bucketStart(range.from, stepMs);
  const points = Math.ceil((range.to - from) / stepMs);
  if (points > MAX_POINTS) {
    return { error: `the range holds ${points} steps of ${stepMs / 1000} s; at most ${MAX_POINTS} are answered` };
  }
  return { tier, stepMs, from, to: range.to };
}

/**
 * Merges a tier's buckets (oldest first) into points of `stepMs` from `from`, dropping buckets outside
 * `[from, to)`; returns one entry per step that holds samples or finished jobs, oldest first.
 */
export function rollUp(
  buckets: readonly MetricBucket[],
  plan: Pick<RangePlan, "stepMs" | "from" | "to">,
): { start: EpochMs; figures: MetricBucketFigures }[] {
  const points: { start: EpochMs; figures: MetricBucketFigures }[] = [];
  let current: { start: EpochMs; figures: MetricBucketFigures } | undefined;
  // Buckets come oldest first, so each step's buckets are consecutive: one accumulator at a time.
  for (const bucket of [...buckets].sort((a, b) => a.start - b.start)) {
    if (bucket.start < plan.from || bucket.start >= plan.to) {
      continue;
    }
    const start = plan.from + Math.floor((bucket.start - plan.from) / plan.stepMs) * plan.stepMs;
    if (current?.start !== start) {
      current = { start, figures: emptyFigures() };
      points.push(current);
    }
    addFigures(current.figures, bucket);
  }
  return points;
}

/** The figures of every point together. */
export function totalOf(points: readonly { figures: MetricBucketFigures }[]): MetricBucketFigures {
  const total = emptyFigures();
  for (const point of points) {
    addFigures(total, point.figures);
  }
  return total;
}

/** Share of ready workers (idle or running) that were running, over the figures; null with none ready. */
export function utilizationOf(figures: MetricBucketFigures): number | null {
  const running = figures.workers.RUNNING ?? 0;
  const ready = running + (figures.workers.IDLE ?? 0);
  return ready > 0 ? Math.min(1, running / ready) : null;
}
