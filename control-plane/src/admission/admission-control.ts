import { ControlPlaneError } from "../errors/control-plane-error.js";
import type { Clock } from "../util/clock.js";
import { TokenBucket } from "./token-bucket.js";

/** The limits of admission control; every field comes from the control plane's configuration. */
export interface AdmissionLimits {
  /** Job submissions (`/run`, `/runsync`) per second per API key, sustained; 0 turns the limit off. */
  submitRatePerKey: number;
  /** Submissions one key may send at once above the sustained rate (the bucket's size). */
  submitBurstPerKey: number;
  /** Jobs an endpoint may hold waiting before submissions are refused; 0 turns the limit off. */
  maxQueuedJobsPerEndpoint: number;
  /** Submissions being served at once, all keys together, before more are refused; 0 turns it off. */
  maxInFlightSubmissions: number;
}

/** A refusal: what was over its limit, in words, and when to come back. */
export interface AdmissionRefusal {
  reason: string;
  retryAfterMs: number;
}

/** Idle buckets are dropped after this long (a full bucket is the same as no bucket). */
const BUCKET_SWEEP_INTERVAL_MS = 60_000;

/**
 * Admission control for job submissions: a token bucket per API key, a cap on each endpoint's queue
 * and a cap on submissions in flight. A refused request did nothing; it is answered 429 with
 * `Retry-After`, which RunPod clients and the Runfleet SDK honour.
 *
 * Checked before the body is read, so that shedding load costs almost nothing.
 */
export class AdmissionControl {
  private readonly buckets = new Map<string, TokenBucket>();
  private inFlight = 0;
  private lastSweep: number;

  constructor(
    private readonly limits: AdmissionLimits,
    private readonly clock: Clock,
    private readonly queuedJobs: (endpointId: string) => number,
  ) {
    this.lastSweep = clock.now();
  }

  /** Submissions being served now. */
  get submissionsInFlight(): number {
    return this.inFlight;
  }

  /**
   * Decides on one submission by `keyId` to `endpointId`: a refusal, or undefined when admitted. An
   * admitted submission counts as in flight until `release` is called.
   */
  check(keyId: string, endpointId: string): AdmissionRefusal | undefined {
    const { limits } = this;
    if (limits.maxInFlightSubmissions > 0 && this.inFlight >= limits.maxInFlightSubmissions) {
      return {
        reason: `the control plane is serving ${this.inFlight} submissions, its limit (maxInFlightSubmissions)`,
        retryAfterMs: 1000,
      };
    }
    if (limits.maxQueuedJobsPerEndpoint > 0) {
      const queued = this.queuedJobs(endpointId);
      if (queued >= limits.maxQueuedJobsPerEndpoint) {
        return {
          reason: `endpoint ${endpointId} has ${queued} jobs waiting, its limit (maxQueuedJobsPerEndpoint)`,
          retryAfterMs: 5000,
        };
      }
    }
    if (limits.submitRatePerKey > 0) {
      const now = this.clock.now();
      this.sweep(now);
      let bucket = this.buckets.get(keyId);
      if (!bucket) {
        bucket = new TokenBucket(limits.submitRatePerKey, limits.submitBurstPerKey, now);
        this.buckets.set(keyId, bucket);
      }
      const waitMs = bucket.take(now);
      if (waitMs > 0) {
        return {
          reason: `this key sent more than ${limits.submitRatePerKey} submissions per second (submitRatePerKey, burst submitBurstPerKey ${limits.submitBurstPerKey})`,
          retryAfterMs: waitMs,
        };
      }
    }
    return undefined;
  }

  /**
   * Admits a submission or throws the 429 that refuses it. Returns the function that ends it (call it
   * once the answer is ready).
   */
  admit(keyId: string, endpointId: string): () => void {
    const refusal = this.check(keyId, endpointId);
    if (refusal) {
      throw new ControlPlaneError("rate_limited", `too many requests: ${refusal.reason}; retry later`, {
        retryAfterSeconds: Math.max(1, Math.ceil(refusal.retryAfterMs / 1000)),
      });
    }
    this.inFlight++;
    let released = false;
    return () => {
      if (!released) {
        released = true;
        this.inFlight--;
      }
    };
  }

  /** Drops the buckets of keys that have been quiet long enough to be full again. */
  private sweep(now: number): void {
    if (now - this.lastSweep < BUCKET_SWEEP_INTERVAL_MS) {
      return;
    }
    this.lastSweep = now;
    for (const [keyId, bucket] of this.buckets) {
      if (bucket.isFull(now)) {
        this.buckets.delete(keyId);
      }
    }
  }
}
