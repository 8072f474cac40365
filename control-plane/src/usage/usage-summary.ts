import { emptyStateSeconds, type StateSeconds, USAGE_STATES } from "../simulation/cost-model.js";
import type { WorkerUsageRecord } from "../store/records.js";

/** One worker's (or the endpoint's) time over a range. */
export interface UsageTotals {
  seconds: StateSeconds;
  workerSeconds: number;
  gpuSeconds: number;
}

/** Usage records summed over the range: for the endpoint, and per worker (most worker-seconds first). Pure. */
export function summarizeUsage(records: readonly WorkerUsageRecord[]): {
  total: UsageTotals;
  workers: (UsageTotals & { workerId: string })[];
} {
  const empty = (): UsageTotals => ({ seconds: emptyStateSeconds(), workerSeconds: 0, gpuSeconds: 0 });
  const total = empty();
  const byWorker = new Map<string, UsageTotals>();
  for (const record of records) {
    const worker = byWorker.get(record.workerId) ?? empty();
    byWorker.set(record.workerId, worker);
    for (const totals of [total, worker]) {
      totals.seconds[record.state] += record.seconds;
      totals.workerSeconds += record.seconds;
      totals.gpuSeconds += record.gpuSeconds;
    }
  }
  const round = (totals: UsageTotals): UsageTotals => {
    for (const state of USAGE_STATES) {
      totals.seconds[state] = Math.round(totals.seconds[state] * 1000) / 1000;
    }
    totals.workerSeconds = Math.round(totals.workerSeconds * 1000) / 1000;
    totals.gpuSeconds = Math.round(totals.gpuSeconds * 1000) / 1000;
    return totals;
  };
  return {
    total: round(total),
    workers: [...byWorker]
      .map(([workerId, totals]) => ({ workerId, ...round(totals) }))
      .sort((a, b) => b.workerSeconds - a.workerSeconds),
  };
}
