import type { Trace } from "./trace.js";

/**
 * Seeded synthetic traces, so that the shipped examples, the benchmark and the tests replay the same
 * traffic everywhere without committing large files.
 */

/** A seeded uniform random source in [0, 1) (mulberry32: small, fast, good enough for traffic). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The shapes of traffic the generator knows. */
export type TrafficShape =
  /** A constant Poisson rate. */
  | { kind: "steady"; jobsPerSecond: number }
  /** Quiet background with bursts: `burstJobsPerSecond` for `burstSeconds` every `periodSeconds`. */
  | {
      kind: "bursty";
      baseJobsPerSecond: number;
      burstJobsPerSecond: number;
      burstSeconds: number;
      periodSeconds: number;
    }
  /** A day-shaped sine: `peakJobsPerSecond` at the peak, `troughJobsPerSecond` at night, over `periodSeconds`. */
  | { kind: "diurnal"; troughJobsPerSecond: number; peakJobsPerSecond: number; periodSeconds: number };

/** What a synthetic trace is generated from. */
export interface TraceSpec {
  shape: TrafficShape;
  /** Length of the trace in seconds. */
  durationSeconds: number;
  /** Median execution time of a job, in ms. */
  executionMedianMs: number;
  /** Spread of execution times (σ of the log-normal); 0 for a constant. @defaultValue 0.5 */
  executionSigma?: number;
  /** Share of low-priority jobs in [0, 1]. @defaultValue 0 */
  lowPriorityShare?: number;
  /** Seed of the random source. @defaultValue 1 */
  seed?: number;
}

function rateAt(shape: TrafficShape, seconds: number): number {
  switch (shape.kind) {
    case "steady":
      return shape.jobsPerSecond;
    case "bursty":
      return seconds % shape.periodSeconds < shape.burstSeconds ? shape.burstJobsPerSecond : shape.baseJobsPerSecond;
    case "diurnal": {
      // Trough at the start of the period, peak half-way.
      const phase = (1 - Math.cos((2 * Math.PI * seconds) / shape.periodSeconds)) / 2;
      return shape.troughJobsPerSecond + (shape.peakJobsPerSecond - shape.troughJobsPerSecond) * phase;
    }
  }
}

function peakRate(shape: TrafficShape): number {
  switch (shape.kind) {
    case "steady":
      return shape.jobsPerSecond;
    case "bursty":
      return Math.max(shape.baseJobsPerSecond, shape.burstJobsPerSecond);
    case "diurnal":
      return Math.max(shape.troughJobsPerSecond, shape.peakJobsPerSecond);
  }
}

/**
 * Generates a trace: arrivals of a Poisson process whose rate follows the shape (by thinning), log-normal
 * execution times. The same spec always yields the same trace.
 */
export function generateTrace(spec: TraceSpec): Trace {
  const random = seededRandom(spec.seed ?? 1);
  const sigma = spec.executionSigma ?? 0.5;
  const lowShare = spec.lowPriorityShare ?? 0;
  const peak = peakRate(spec.shape);
  const endMs = spec.durationSeconds * 1000;
  let capacity = Math.max(16, Math.ceil(peak * spec.durationSeconds * 1.1));
  let arrivals: Float64Array = new Float64Array(capacity);
  let executions: Float64Array = new Float64Array(capacity);
  let low: Uint8Array = new Uint8Array(capacity);
  let count = 0;
  let t = 0;
  while (peak > 0) {
    t += (-Math.log(1 - random()) / peak) * 1000;
    if (t >= endMs) {
      break;
    }
    if (random() * peak > rateAt(spec.shape, t / 1000)) {
      continue;
    }
    if (count === capacity) {
      capacity *= 2;
      arrivals = grow(arrivals, capacity);
      executions = grow(executions, capacity);
      const wider = new Uint8Array(capacity);
      wider.set(low);
      low = wider;
    }
    // Box–Muller for the log-normal execution time.
    const gaussian = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    arrivals[count] = Math.round(t);
    executions[count] = Math.max(1, Math.round(spec.executionMedianMs * Math.exp(sigma * gaussian)));
    low[count] = random() < lowShare ? 1 : 0;
    count++;
  }
  return {
    length: count,
    arrivalMs: arrivals.subarray(0, count),
    executionMs: executions.subarray(0, count),
    lowPriority: low.subarray(0, count),
  };
}

function grow(array: Float64Array, capacity: number): Float64Array {
  const wider = new Float64Array(capacity);
  wider.set(array);
  return wider;
}
