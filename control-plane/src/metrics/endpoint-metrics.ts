import type { Clock } from "../util/clock.js";

/** One sample of an endpoint's queue and workers. */
export interface EndpointSample {
  at: number;
  queued: number;
  /** Workers by status. */
  workers: Record<string, number>;
}

/**
 * Samples every endpoint's queue depth and workers by status at a fixed interval and keeps the last day
 * in memory, for the per-endpoint metrics API. Samples are not persisted: after a restart the series
 * start again (job timings, which are persisted, are read from the store instead).
 */
export class EndpointMetricsRecorder {
  private readonly samples = new Map<string, EndpointSample[]>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly intervalMs: number,
    private readonly keepMs: number = 24 * 60 * 60_000,
  ) {}

  /** Starts sampling with `read`, which returns the current state of every endpoint. */
  start(read: () => { endpointId: string; queued: number; workers: Record<string, number> }[]): void {
    const sample = () => {
      const at = this.clock.now();
      for (const state of read()) {
        this.record(state.endpointId, { at, queued: state.queued, workers: state.workers });
      }
    };
    sample();
    this.timer = setInterval(sample, this.intervalMs);
    this.timer.unref();
  }

  /** Stops sampling. */
  stop(): void {
    clearInterval(this.timer);
  }

  /** Adds a sample and drops those older than the retention. */
  record(endpointId: string, sample: EndpointSample): void {
    const list = this.samples.get(endpointId) ?? [];
    list.push(sample);
    const cutoff = sample.at - this.keepMs;
    let drop = 0;
    while (drop < list.length && (list[drop] as EndpointSample).at < cutoff) {
      drop++;
    }
    if (drop > 0) {
      list.splice(0, drop);
    }
    this.samples.set(endpointId, list);
  }

  /** Samples since `since`, oldest first. */
  since(endpointId: string, since: number): EndpointSample[] {
    return (this.samples.get(endpointId) ?? []).filter((sample) => sample.at >= since);
  }

  /** Forgets a deleted endpoint. */
  forget(endpointId: string): void {
    this.samples.delete(endpointId);
  }

  /** The sampling interval in ms. */
  get interval(): number {
    return this.intervalMs;
  }
}
