import type { WorkerStatus } from "../workers/worker-registry.js";

/**
 * The cost model shared by the simulator and live usage accounting: seconds a worker spends in each
 * state, which of them hold GPUs, and what they cost.
 */

/** The states worker time is accounted in: the worker statuses of the contract, in lower case. */
export type UsageState = Lowercase<WorkerStatus>;

/** Every usage state, in the order reports show them. */
export const USAGE_STATES: readonly UsageState[] = [
  "initializing",
  "running",
  "idle",
  "standby",
  "throttled",
  "stopping",
  "unhealthy",
];

/** Seconds spent in each usage state. */
export type StateSeconds = Record<UsageState, number>;

/** The usage state a worker of that status is in. */
export function usageStateOf(status: WorkerStatus): UsageState {
  return status.toLowerCase() as UsageState;
}

/** Zero seconds in every state. */
export function emptyStateSeconds(): StateSeconds {
  return { initializing: 0, running: 0, idle: 0, standby: 0, throttled: 0, stopping: 0, unhealthy: 0 };
}

/** Whether a worker in that state holds its GPUs (a throttled one waits for them). */
export function holdsGpus(state: UsageState): boolean {
  return state !== "throttled";
}

/**
 * Prices, in currency units per second: per GPU for a GPU type id (`"NVIDIA H100 80GB HBM3": 0.00125`), and
 * under `CPU` per worker for CPU endpoints. None is built in: the operator knows what its GPUs cost.
 */
export type PriceTable = Readonly<Record<string, number>>;

/** What the cost of a worker's time depends on. */
export interface CostBasis {
  /** `GPU` or `CPU`, as the endpoint's computeType. */
  computeType: "GPU" | "CPU";
  /** GPU type the workers get (the first of the endpoint's gpuTypeIds), or null when any. */
  gpuTypeId: string | null;
  /** GPUs per worker. */
  gpuCount: number;
  /**
   * Whether FlashBoot standby time is billed. A standby keeps its GPUs but gives them up the moment
   * another worker needs them, so by default it is reported, not billed. @defaultValue false
   */
  standbyBilled?: boolean;
}

/** Worker time turned into GPU-seconds and cost. */
export interface CostFigures {
  /** GPU-seconds held, every state but throttled, standby included. */
  gpuSeconds: number;
  /** Seconds the price applies to: GPU-seconds (GPU endpoints) or worker-seconds (CPU), standby per the basis. */
  billedSeconds: number;
  /** The price per billed second, or null when the table has none for this GPU type (or CPU). */
  pricePerSecond: number | null;
  /** billedSeconds × price, or null without a price. */
  cost: number | null;
}

/** The price a worker's billed second has: the GPU type's (first matching key), or `CPU`. */
export function priceFor(basis: CostBasis, prices: PriceTable): number | null {
  const key = basis.computeType === "CPU" ? "CPU" : basis.gpuTypeId;
  if (key === null) {
    // Any GPU type: a single price in the table is the one that applies.
    const values = Object.entries(prices).filter(([name]) => name !== "CPU");
    return values.length === 1 ? (values[0] as [string, number])[1] : null;
  }
  return prices[key] ?? null;
}

/** GPU-seconds and cost of time spent by workers in each state. */
export function costOf(seconds: StateSeconds, basis: CostBasis, prices: PriceTable): CostFigures {
  let held = 0;
  for (const state of USAGE_STATES) {
    if (holdsGpus(state)) {
      held += seconds[state];
    }
  }
  const gpus = basis.computeType === "GPU" ? basis.gpuCount : 0;
  const billedWorkerSeconds = held - (basis.standbyBilled ? 0 : seconds.standby);
  const billedSeconds = basis.computeType === "GPU" ? billedWorkerSeconds * gpus : billedWorkerSeconds;
  const price = priceFor(basis, prices);
  return {
    gpuSeconds: held * gpus,
    billedSeconds,
    pricePerSecond: price,
    cost: price === null ? null : billedSeconds * price,
  };
}
