import { join } from "node:path";
import {
  bucketStart,
  METRIC_TIERS,
  type MetricBucket,
  type MetricBucketFigures,
  SqliteStore,
  sampleFigures,
} from "@runfleet/control-plane";

const DAY = 86_400_000;
/** The history's sampling interval by default: one sample per 10 s. */
const SAMPLE_MS = 10_000;

/**
 * The figures `samples` consecutive samples of a busy endpoint would leave in one bucket: a daily load
 * curve, a few finished jobs per sample with spread-out timings (so histograms have many buckets), and a
 * cold start now and then. Built from one representative sample, scaled, so seeding stays fast.
 */
function busyFigures(start: number, samples: number, seed: number): MetricBucketFigures {
  const load = 0.5 + 0.5 * Math.sin((start / DAY) * 2 * Math.PI + seed);
  const running = Math.round(1 + 4 * load);
  const finished = Array.from({ length: 3 + Math.round(5 * load) }, (_, i) => ({
    status: i === 0 && load > 0.9 ? ("FAILED" as const) : ("COMPLETED" as const),
    delayMs: 5 + ((i * 37 + seed * 11) % 400) * load,
    executionMs: 80 + ((i * 53 + seed * 7) % 900),
  }));
  const one = sampleFigures({
    queued: Math.round(6 * load),
    workers: { RUNNING: running, IDLE: Math.max(0, 5 - running), INITIALIZING: load > 0.8 ? 1 : 0 },
    finished,
    coldStartsMs: load > 0.8 ? [900 + seed * 10] : [],
  });
  const scale = (histogram: Record<string, number>) =>
    Object.fromEntries(Object.entries(histogram).map(([key, count]) => [key, count * samples]));
  return {
    samples,
    queuedSum: one.queuedSum * samples,
    queuedMax: one.queuedMax,
    workers: Object.fromEntries(Object.entries(one.workers).map(([status, n]) => [status, n * samples])),
    jobsCompleted: one.jobsCompleted * samples,
    jobsFailed: one.jobsFailed * samples,
    delay: scale(one.delay),
    execution: scale(one.execution),
    coldStart: scale(one.coldStart),
  };
}

/**
 * Writes what the metric history holds after `days` of sampling every 10 s for each endpoint: every tier's
 * buckets within its retention (10 s for 6 h, 1 min for 48 h, 10 min and 1 h for the rest). Returns the
 * number of buckets written.
 */
export async function seedMetricHistory(
  dataDir: string,
  endpointIds: readonly string[],
  days: number,
): Promise<number> {
  const store = new SqliteStore({ path: join(dataDir, "runfleet.sqlite") });
  const now = Date.now();
  let written = 0;
  try {
    for (const [seed, endpointId] of endpointIds.entries()) {
      const buckets: MetricBucket[] = [];
      for (const tier of METRIC_TIERS) {
        const from = bucketStart(now - Math.min(tier.keepMs, days * DAY), tier.stepMs);
        for (let start = from; start < now; start += tier.stepMs) {
          buckets.push({
            endpointId,
            stepMs: tier.stepMs,
            start,
            ...busyFigures(start, tier.stepMs / SAMPLE_MS, seed),
          });
        }
      }
      await store.putMetricBuckets(buckets);
      written += buckets.length;
    }
  } finally {
    await store.close();
  }
  return written;
}
