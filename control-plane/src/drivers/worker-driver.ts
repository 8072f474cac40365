import type { components } from "@runfleet/sdk/generated";

/** A volume mounted into a container worker: a named volume or a host directory (openapi.yaml). */
export type VolumeMount = components["schemas"]["VolumeMount"];

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
  /** GPUs assigned to the worker by this control plane's inventory (device ids; empty when the driver schedules GPUs). */
  gpuIds: string[];
  /**
   * GPUs the worker needs (the endpoint's `gpuCount`; 0 for a CPU endpoint). Drivers that schedule GPUs
   * themselves (`schedulesGpus`) ask their scheduler for this many; the others run on `gpuIds`.
   */
  gpuCount: number;
  /** GPU types the worker may run on (the endpoint's `gpuTypeIds`; empty: any). */
  gpuTypeIds: string[];
  cpuLimit: number | null;
  memoryLimitMb: number | null;
  /** The container's writable disk in GB; applied where the driver and its engine can limit it. */
  containerDiskInGb: number | null;
  /** Volumes to mount into the container (container drivers; a process has the host's files). */
  volumeMounts: VolumeMount[];
  /**
   * Credentials to pull `image` with (the template's `containerRegistryAuthId`); they win over the
   * driver's own for the image's registry. `null`: the driver's own, if any.
   */
  registryCredentials: { username: string; password: string } | null;
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

/** A terminal's size, in character cells. */
export interface TerminalSize {
  cols: number;
  rows: number;
}

/** A command to run inside a running worker (`exec`). */
export interface ExecOptions {
  /** The program and its arguments (argv; no shell unless it is the program). */
  command: string[];
  /**
   * Runs the command on a pseudo-terminal of `size`: its output is one stream (`stdout`), and `resize`
   * changes the size. Without one, stdout and stderr are kept apart.
   */
  tty: TerminalSize | null;
  /** Receives what the command writes, as it writes it (a terminal's output is all `stdout`). */
  onOutput: (stream: "stdout" | "stderr", data: Buffer) => void;
}

/** How an exec session's command ended. */
export interface ExecExit {
  /** The exit status; null when a signal ended it. */
  exitCode: number | null;
  /** The signal that ended it (`SIGTERM`, ...), if one did and the driver can tell. */
  signal: string | null;
}

/**
 * A command running inside a worker. The same shape whatever runs it (a child process, the engine's exec,
 * and later the Kubernetes `pods/exec` channels), so that the HTTP exec, the WebSocket shell and the SSH
 * gateway are written once.
 */
export interface ExecSession {
  /** Sends bytes to the command's standard input (the terminal's keyboard, with a TTY). */
  write(data: Buffer): void;
  /** Closes its standard input (EOF). */
  closeInput(): void;
  /** Changes the terminal's size (a TTY session only; otherwise ignored). */
  resize(size: TerminalSize): void;
  /** Ends the command: SIGTERM (SIGHUP too for a terminal), then SIGKILL after a grace period. */
  kill(): void;
  /**
   * Stops reading the command's output until {@link ExecSession.resume} (flow control for a slow
   * client): the command blocks once its pipe or connection is full, instead of its output piling up in
   * the control plane's memory. Output already read may still reach `onOutput`.
   */
  pause(): void;
  /** Reads the command's output again after {@link ExecSession.pause}. */
  resume(): void;
  /** Settles once the command has ended and all its output was given to `onOutput`. */
  readonly exited: Promise<ExecExit>;
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
  /**
   * It never ran: its container could not be started (image pull, configuration), as the driver learnt
   * after `start` had resolved. Counted as a failure to start rather than a crash.
   */
  failedToStart?: boolean;
}

/**
 * A started worker that waits for something outside the control plane (a node with free GPUs, a
 * volume), in the words of the engine that holds it: surfaced on its endpoint and its queued jobs.
 */
export interface WorkerWaiting {
  workerId: string;
  endpointId: string;
  /** The engine's reason (`Unschedulable`), with its message; null once the worker waits no more. */
  reason: string | null;
}

/**
 * Runs workers somewhere: local processes, Docker containers, Kubernetes pods. Every driver passes the
 * same conformance suite (`test/conformance/worker-driver.suite.ts`).
 */
export interface WorkerDriver {
  /** Which driver this is. */
  readonly kind: "process" | "docker" | "kubernetes";
  /**
   * Whether `pause` can freeze a worker in place (FlashBoot standby). Kubernetes has no pause: there, an
   * idle worker is stopped and FlashBoot keeps nothing (the autoscaler never asks such a driver to pause).
   */
  readonly canPause: boolean;
  /**
   * Whether the driver's own scheduler places GPU workers (Kubernetes: `nvidia.com/gpu` limits), so that
   * the control plane's GPU inventory neither assigns nor throttles them.
   */
  readonly schedulesGpus: boolean;
  /** Starts a worker; resolves once it has been launched (not once it is ready). */
  start(spec: WorkerSpec): Promise<DriverWorker>;
  /**
   * Stops a worker: a graceful signal, then a forced kill after `graceMs`. Stopping an absent worker is
   * fine. `onSignalled` is called right after the graceful signal was sent (not when there was nothing to
   * signal), so that the control plane can then answer the worker's held long polls: a worker notices its
   * shutdown between polls, and answering before the signal would only make it poll again.
   */
  stop(workerId: string, graceMs: number, onSignalled?: () => void): Promise<void>;
  /** Freezes a worker in place (FlashBoot standby). */
  pause(workerId: string): Promise<void>;
  /** Thaws a paused worker. */
  resume(workerId: string): Promise<void>;
  /**
   * Every worker this driver runs for this control plane, including those from before a restart: the
   * adoption at start-up. It tidies as it lists (the Docker driver removes the containers it finds ended,
   * the Kubernetes driver the Secrets no pod owns), so it is called once, before any worker is started.
   */
  list(): Promise<DriverWorker[]>;
  /**
   * The workers this driver runs for this control plane now, without changing anything (the periodic
   * orphan sweep reads it while workers start and stop). Workers the driver is ending itself, or that are
   * being removed already (a pod with a deletion timestamp), are left out: there is nothing to sweep there.
   * Ended workers that still hold something (an exited container, a failed pod) are listed as `exited`;
   * an ended process holds nothing and is not listed.
   */
  inventory(): Promise<DriverWorker[]>;
  /** The last `tail` log lines of a worker. */
  logs(workerId: string, tail: number): Promise<WorkerLogLine[]>;
  /**
   * The last `tail` log lines of a worker, then each new line as it is written, until the worker has
   * ended (and its last lines are given) or `signal` aborts. An unknown worker gives what is left of its
   * output, if anything, and ends.
   */
  followLogs(workerId: string, tail: number, signal: AbortSignal): AsyncIterable<WorkerLogLine>;
  /**
   * Runs a command inside a running worker, in its environment. Absent when the driver cannot (the
   * control plane answers `exec_unsupported`). Rejects when the worker is not running.
   */
  exec?(workerId: string, options: ExecOptions): Promise<ExecSession>;
  /** Calls `listener` when a worker exits on its own or is stopped. */
  onExit(listener: (exit: WorkerExit) => void): void;
  /** Calls `listener` when a started worker starts or stops waiting for its engine (drivers that can tell). */
  onWaiting?(listener: (waiting: WorkerWaiting) => void): void;
  /** Stops watching (workers keep running, to be adopted by the next start). */
  close(): Promise<void>;
}
