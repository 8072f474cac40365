import type { Logger } from "../logging/logger.js";
import type { EpochMs } from "../store/records.js";
import type { Store } from "../store/store.js";
import type { Clock } from "../util/clock.js";
import {
  bucketStart,
  emptyFigures,
  METRIC_TIERS,
  type MetricBucket,
  type MetricBucketFigures,
  type MetricTier,
  mergeFigures,
  planRange,
  type RangePlan,
  type RequestTally,
  rollUp,
  sampleFigures,
  totalOf,
} from "./metric-history.js";

/** What the recorder reads of an endpoint at each tick. */
export interface EndpointGauges {
  endpointId: string;
  queued: number;
  /** Workers by status. */
  workers: Record<string, number>;
}

/** Where the recorder's samples come from. */
export interface MetricSources {
  /** The queue and workers of every endpoint, now. */
  gauges: () => EndpointGauges[];
  /** Cold-start durations (created → ready) of an endpoint's workers that became ready in `[from, to)`. */
  coldStarts: (endpointId: string, from: EpochMs, to: EpochMs) => number[];
  /**
   * The router's count of an endpoint's requests since the previous call (load-balancing endpoints;
   * undefined for others). Each call starts a new count.
   */
  requests?: (endpointId: string) => RequestTally | undefined;
}

/** How often retention is enforced. */
const PRUNE_INTERVAL_MS = 60_000;

/**
 * Samples every endpoint at a fixed interval and merges each sample into one bucket of every tier of the
 * stored metric history (10 s, 1 min, 10 min, 1 h), dropping buckets older than their tier keeps. The
 * history lives in the store, so it survives a restart; the open buckets are kept in memory and written
 * through on every tick (one transaction for all endpoints).
 */
export class MetricHistoryRecorder {
  /** The open bucket of each endpoint and tier, keyed `endpointId stepMs`. */
  private readonly open = new Map<string, MetricBucket>();
  private timer: NodeJS.Timeout | undefined;
  private lastSampleAt: EpochMs | undefined;
  private lastPruneAt = 0;
  private running: Promise<void> | undefined;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly logger: Logger,
    /** Milliseconds between samples. */
    private readonly intervalMs: number,
    private readonly tiers: readonly MetricTier[] = METRIC_TIERS,
  ) {}

  /** Starts sampling from `sources`; the first sample is taken at once. */
  start(sources: MetricSources): void {
    const tick = () => {
      if (this.running) {
        return; // a slow store: skip this tick rather than pile writes up
      }
      this.running = this.sample(sources)
        .catch((error) => this.logger.error({ err: error }, "recording metric history failed"))
        .finally(() => {
          this.running = undefined;
        });
    };
    tick();
    this.timer = setInterval(tick, this.intervalMs);
    this.timer.unref();
  }

  /** Stops sampling, after the sample in progress is written. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Takes one sample of every endpoint and writes it into the history. */
  async sample(sources: MetricSources): Promise<void> {
    const now = this.clock.now();
    // Jobs and cold starts are counted over contiguous windows; the first one after a start reaches back
    // one interval, since what finished while the control plane was down was never sampled.
    const from = this.lastSampleAt ?? now - this.intervalMs;
    this.lastSampleAt = now;
    const changed: MetricBucket[] = [];
    for (const gauges of sources.gauges()) {
      const figures = sampleFigures({
        queued: gauges.queued,
        workers: gauges.workers,
        finished: await this.store.listFinishedJobs(gauges.endpointId, from, now),
        coldStartsMs: sources.coldStarts(gauges.endpointId, from, now),
        requests: sources.requests?.(gauges.endpointId),
      });
      for (const tier of this.tiers) {
        changed.push(await this.merge(gauges.endpointId, tier, bucketStart(now, tier.stepMs), figures));
      }
    }
    await this.store.putMetricBuckets(changed);
    if (now - this.lastPruneAt >= PRUNE_INTERVAL_MS) {
      this.lastPruneAt = now;
      await this.prune(now);
    }
  }

  /** Drops the buckets each tier no longer keeps; returns how many went. */
  async prune(now: EpochMs): Promise<number> {
    let dropped = 0;
    for (const tier of this.tiers) {
      dropped += await this.store.deleteMetricBucketsBefore(tier.stepMs, bucketStart(now - tier.keepMs, tier.stepMs));
    }
    return dropped;
  }

  /**
   * Reads a range of an endpoint's history: the plan (tier, step, aligned range) and one entry per step
   * that holds samples, or an error message when the range holds too many steps.
   */
  async range(
    endpointId: string,
    range: { from: EpochMs; to: EpochMs; stepMs?: number },
  ): Promise<
    | { plan: RangePlan; points: { start: EpochMs; figures: MetricBucketFigures }[]; total: MetricBucketFigures }
    | { error: string }
  > {
    const plan = planRange(range, this.clock.now(), this.tiers);
    if ("error" in plan) {
      return plan;
    }
    const buckets = await this.store.listMetricBuckets(endpointId, plan.tier.stepMs, plan.from, plan.to);
    const points = rollUp(buckets, plan);
    return { plan, points, total: totalOf(points) };
  }

  /** Forgets a deleted endpoint's open buckets (the store drops its history with it). */
  forget(endpointId: string): void {
    for (const key of [...this.open.keys()]) {
      if (key.startsWith(`${endpointId} `)) {
        this.open.delete(key);
      }
    }
  }

  private async merge(
    endpointId: string,
    tier: MetricTier,
    start: EpochMs,
    figures: MetricBucketFigures,
  ): Promise<MetricBucket> {
    const key = `${endpointId} ${tier.stepMs}`;
    let open = this.open.get(key);
    if (open?.start !== start) {
      // A new bucket, or the first since start-up: a bucket written before a restart is carried on.
      open =
        open === undefined
          ? (await this.store.listMetricBuckets(endpointId, tier.stepMs, start, start + 1))[0]
          : undefined;
    }
    const merged: MetricBucket = {
      endpointId,
      stepMs: tier.stepMs,
      start,
      ...mergeFigures(open ?? emptyFigures(), figures),
    };
    this.open.set(key, merged);
    return merged;
  }
}
