/** Everything a driver needs to run one worker. */
export interface WorkerSpec {
  workerId: string;
  endpointId: string;
  /** Command line; for container drivers, the container command (empty: the image's own). */
  command: string[];
  /** Container image, for container drivers. */
  image: string | null;
  /** The complete environment (RunPod and Runfleet variables included). */
  env: Record<string, string>;
  /** GPUs assigned to the worker (device ids). */
  gpuIds: string[];
  cpuLimit: number | null;
  memoryLimitMb: number | null;
  ports: string[];
}

/** Where a driver-managed worker is in its life, as the driver sees it. */
export type DriverWorkerState = "running" | "paused" | "exited";

/** A worker as its driver reports it. */
export interface DriverWorker {
  workerId: string;
  endpointId: string;
  state: DriverWorkerState;
  /** Exit code or signal, once exited. */
  exit: number | string | null;
  startedAt: number;
}

/** One captured log line. */
export interface WorkerLogLine {
  at: string;
  stream: "stdout" | "stderr";
  line: string;
}

/** Why a worker ended, reported to the control plane as soon as the driver notices. */
export interface WorkerExit {
  workerId: string;
  endpointId: string;
  exit: number | string | null;
  /** The last lines it wrote, to explain a crash. */
  lastLines: string[];
}

/**
 * Runs workers somewhere: local processes, Docker containers, Kubernetes pods. Every driver passes the
 * same conformance suite (`test/conformance/worker-driver.suite.ts`).
 */
export interface WorkerDriver {
  /** Which driver this is. */
  readonly kind: "process" | "docker" | "kubernetes";
  /** Starts a worker; resolves once it has been launched (not once it is ready). */
  start(spec: WorkerSpec): Promise<DriverWorker>;
  /** Stops a worker: a graceful signal, then a forced kill after `graceMs`. Stopping an absent worker is fine. */
  stop(workerId: string, graceMs: number): Promise<void>;
  /** Freezes a worker in place (FlashBoot standby). */
  pause(workerId: string): Promise<void>;
  /** Thaws a paused worker. */
  resume(workerId: string): Promise<void>;
  /** Every worker this driver runs for this control plane, including those from before a restart. */
  list(): Promise<DriverWorker[]>;
  /** The last `tail` log lines of a worker. */
  logs(workerId: string, tail: number): Promise<WorkerLogLine[]>;
  /**
   * The last `tail` log lines of a worker, then each new line as it is written, until the worker has
   * ended (and its last lines are given) or `signal` aborts. An unknown worker gives what is left of its
   * output, if anything, and ends.
   */
  followLogs(workerId: string, tail: number, signal: AbortSignal): AsyncIterable<WorkerLogLine>;
  /** Calls `listener` when a worker exits on its own or is stopped. */
  onExit(listener: (exit: WorkerExit) => void): void;
  /** Stops watching (workers keep running, to be adopted by the next start). */
  close(): Promise<void>;
}
