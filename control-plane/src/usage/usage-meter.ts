import type { Logger } from "../logging/logger.js";
import { holdsGpus, type UsageState } from "../simulation/cost-model.js";
import type { WorkerUsageRecord } from "../store/records.js";
import type { Store } from "../store/store.js";
import type { Clock } from "../util/clock.js";

/** Width of a usage bucket: the finest time range the usage API answers. */
export const USAGE_BUCKET_MS = 60_000;

/** How often usage buckets past their retention are dropped. */
export const USAGE_PRUNE_INTERVAL_MS = 3_600_000;

/** A worker's state at one sample. */
export interface WorkerUsageSample {
  endpointId: string;
  workerId: string;
  state: UsageState;
  /** GPUs the worker holds (0 for CPU workers and while throttled). */
  gpuCount: number;
}

/** The pieces of `[from, to)` that fall into each bucket: `[bucketStart, ms]`. Pure. */
export function splitIntoBuckets(from: number, to: number, bucketMs = USAGE_BUCKET_MS): [number, number][] {
  const pieces: [number, number][] = [];
  let at = from;
  while (at < to) {
    const bucketStart = Math.floor(at / bucketMs) * bucketMs;
    const end = Math.min(to, bucketStart + bucketMs);
    pieces.push([bucketStart, end - at]);
    at = end;
  }
  return pieces;
}

interface Tracked {
  sample: WorkerUsageSample;
  /** Accounted up to here. */
  since: number;
}

/**
 * Live cost accounting: samples every worker's status at a short interval, accounts the time since the
 * previous sample to the state seen then (so a state change is placed within one interval), and adds
 * it, split into one-minute buckets, to the store's usage table every flush interval. Each sample's
 * seconds are also handed to `counted` (Prometheus counters).
 *
 * What is not yet flushed when the control plane dies (at most one flush interval) is lost: usage is
 * an account of time, not an acknowledged write.
 */
export class UsageMeter {
  private readonly tracked = new Map<string, Tracked>();
  private pending = new Map<string, WorkerUsageRecord>();
  private sampler: NodeJS.Timeout | undefined;
  private flusher: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  /** When buckets past their retention were last dropped (0: not yet, so the first flush does it). */
  private prunedAt = 0;

  constructor(
    private readonly deps: {
      store: Store;
      clock: Clock;
      logger: Logger;
      /** Sampling interval, ms. */
      sampleMs: number;
      /** How often pending usage is written, ms. */
      flushMs: number;
      /** How long usage buckets are kept, ms; older ones are dropped every {@link USAGE_PRUNE_INTERVAL_MS}. */
      retentionMs: number;
      /** Called with the seconds accounted at each sample. */
      counted?: (endpointId: string, state: UsageState, seconds: number, gpuSeconds: number) => void;
    },
  ) {}

  /** Starts sampling `read` (every worker's current state) and flushing. */
  start(read: () => WorkerUsageSample[]): void {
    this.sample(read(), this.deps.clock.now());
    this.sampler = setInterval(() => this.sample(read(), this.deps.clock.now()), this.deps.sampleMs);
    this.sampler.unref();
    this.flusher = setInterval(() => void this.flush(), this.deps.flushMs);
    this.flusher.unref();
  }

  /** Takes a last sample, stops, and writes what is pending. */
  async stop(read?: () => WorkerUsageSample[]): Promise<void> {
    clearInterval(this.sampler);
    clearInterval(this.flusher);
    if (read) {
      this.sample(read(), this.deps.clock.now());
    }
    await this.flush();
  }

  /**
   * Accounts the time since the previous sample of each worker to the state it had then, and remembers
   * the new states. A worker no longer listed is accounted up to now and forgotten.
   */
  sample(samples: readonly WorkerUsageSample[], now: number): void {
    const seen = new Set<string>();
    for (const sample of samples) {
      seen.add(sample.workerId);
      const tracked = this.tracked.get(sample.workerId);
      if (tracked) {
        this.account(tracked, now);
        tracked.sample = sample;
      } else {
        this.tracked.set(sample.workerId, { sample, since: now });
      }
    }
    for (const [workerId, tracked] of this.tracked) {
      if (!seen.has(workerId)) {
        this.account(tracked, now);
        this.tracked.delete(workerId);
      }
    }
  }

  private account(tracked: Tracked, now: number): void {
    const { endpointId, workerId, state, gpuCount } = tracked.sample;
    const gpus = holdsGpus(state) ? gpuCount : 0;
    let total = 0;
    for (const [bucketStart, ms] of splitIntoBuckets(tracked.since, now)) {
      const key = `${workerId}\u0000${bucketStart}\u0000${state}`;
      const record = this.pending.get(key) ?? {
        endpointId,
        workerId,
        bucketStart,
        state,
        seconds: 0,
        gpuSeconds: 0,
      };
      record.seconds += ms / 1000;
      record.gpuSeconds += (ms / 1000) * gpus;
      this.pending.set(key, record);
      total += ms / 1000;
    }
    tracked.since = now;
    if (total > 0) {
      this.deps.counted?.(endpointId, state, total, total * gpus);
    }
  }

  /**
   * Writes the pending usage (one flush at a time; a failed write is logged and its usage kept for the
   * next), and once an interval drops the buckets past their retention.
   */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      await this.prune();
      if (this.pending.size === 0) {
        return;
      }
      const batch = this.pending;
      this.pending = new Map();
      try {
        await this.deps.store.addWorkerUsage([...batch.values()]);
      } catch (error) {
        this.deps.logger.error(
          { err: error, records: batch.size },
          "writing worker usage failed; kept for the next flush",
        );
        for (const [key, record] of batch) {
          const later = this.pending.get(key);
          if (later) {
            later.seconds += record.seconds;
            later.gpuSeconds += record.gpuSeconds;
          } else {
            this.pending.set(key, record);
          }
        }
      }
    });
    return this.flushing;
  }

  /** Drops the buckets that started before the retention, at most once per {@link USAGE_PRUNE_INTERVAL_MS}. */
  private async prune(): Promise<void> {
    const now = this.deps.clock.now();
    if (now - this.prunedAt < USAGE_PRUNE_INTERVAL_MS) {
      return;
    }
    this.prunedAt = now;
    // Whole buckets only: one that started within the retention is kept, even its part before it.
    const before = Math.floor((now - this.deps.retentionMs) / USAGE_BUCKET_MS) * USAGE_BUCKET_MS;
    try {
      const dropped = await this.deps.store.deleteWorkerUsageBefore(before);
      if (dropped > 0) {
        this.deps.logger.debug({ dropped, before }, "dropped usage buckets past their retention");
      }
    } catch (error) {
      this.deps.logger.error({ err: error }, "dropping usage past its retention failed; tried again next interval");
    }
  }

  /** Forgets a deleted endpoint's workers and pending usage. */
  forget(endpointId: string): void {
    for (const [workerId, tracked] of this.tracked) {
      if (tracked.sample.endpointId === endpointId) {
        this.tracked.delete(workerId);
      }
    }
    for (const [key, record] of this.pending) {
      if (record.endpointId === endpointId) {
        this.pending.delete(key);
      }
    }
  }
}
