import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sleep } from "../util/sleep.js";
import { LogFileReader } from "./log-file.js";
import type { DriverWorker, WorkerDriver, WorkerExit, WorkerLogLine, WorkerSpec } from "./worker-driver.js";

/** Options of the process driver. */
export interface ProcessDriverOptions {
  /** Where worker state files and logs are kept (under the control plane's data directory). */
  stateDir: string;
  /** Directory commands run in; relative commands resolve from here. */
  cwd: string;
  /** How often adopted workers (from before a restart) are checked for exit. @defaultValue 1000 */
  pollIntervalMs?: number;
  /** How often a followed worker's log files are read for new lines. @defaultValue 200 */
  logPollIntervalMs?: number;
}

interface ProcessState {
  workerId: string;
  endpointId: string;
  pid: number;
  /** Kernel start time of the process (clock ticks), to tell it apart from a later process with the same pid. */
  kernelStart: string | null;
  startedAt: number;
}

interface Tracked {
  state: ProcessState;
  child: ChildProcess | undefined;
  paused: boolean;
  exit: number | string | null | undefined;
}

/**
 * Runs workers as processes on this host. Each worker is the leader of its own process group, so that
 * stop, pause (SIGSTOP) and resume (SIGCONT) reach every process it forks (the runpod SDK pings from a
 * child process). Output goes straight to log files rather than through pipes, so a worker outlives a
 * crash of the control plane, which adopts it on its next start from the state file kept per worker.
 */
export class ProcessDriver implements WorkerDriver {
  readonly kind = "process" as const;
  private readonly tracked = new Map<string, Tracked>();
  private readonly listeners: ((exit: WorkerExit) => void)[] = [];
  private readonly poller: NodeJS.Timeout;
  private readonly logDir: string;
  private readonly workerDir: string;

  constructor(private readonly options: ProcessDriverOptions) {
    this.logDir = join(options.stateDir, "logs");
    this.workerDir = join(options.stateDir, "process-workers");
    mkdirSync(this.logDir, { recursive: true });
    mkdirSync(this.workerDir, { recursive: true });
    this.adopt();
    this.poller = setInterval(() => this.pollAdopted(), options.pollIntervalMs ?? 1000);
    this.poller.unref();
  }

  async start(spec: WorkerSpec): Promise<DriverWorker> {
    if (spec.command.length === 0) {
      throw new Error("the template has no command: the process driver runs a command on this host");
    }
    const [file, ...args] = spec.command as [string, ...string[]];
    const out = openSync(this.logPath(spec.workerId, "stdout"), "a");
    const err = openSync(this.logPath(spec.workerId, "stderr"), "a");
    let child: ChildProcess;
    try {
      child = spawn(file, args, {
        cwd: this.options.cwd,
        env: {
          PATH: process.env.PATH ?? "/usr/bin:/bin",
          HOME: process.env.HOME ?? "/tmp",
          LANG: process.env.LANG ?? "C.UTF-8",
          ...spec.env,
        },
        stdio: ["ignore", out, err],
        detached: true,
      });
    } finally {
      closeSync(out);
      closeSync(err);
    }
    const pid = await new Promise<number>((resolve, reject) => {
      child.once("spawn", () => resolve(child.pid as number));
      child.once("error", (error) => reject(new Error(`cannot start ${file}: ${error.message}`, { cause: error })));
    });
    const state: ProcessState = {
      workerId: spec.workerId,
      endpointId: spec.endpointId,
      pid,
      kernelStart: kernelStartTime(pid),
      startedAt: Date.now(),
    };
    writeFileSync(this.statePath(spec.workerId), JSON.stringify(state));
    const tracked: Tracked = { state, child, paused: false, exit: undefined };
    this.tracked.set(spec.workerId, tracked);
    child.once("exit", (code, signal) => this.exited(tracked, code ?? signal));
    return {
      workerId: spec.workerId,
      endpointId: spec.endpointId,
      state: "running",
      exit: null,
      startedAt: state.startedAt,
    };
  }

  async stop(workerId: string, graceMs: number): Promise<void> {
    const tracked = this.tracked.get(workerId);
    if (!tracked || tracked.exit !== undefined) {
      return;
    }
    const gone = new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (tracked.exit !== undefined || !alive(tracked.state)) {
          clearInterval(check);
          resolve();
        }
      }, 20);
    });
    if (tracked.paused) {
      signalGroup(tracked.state.pid, "SIGCONT");
    }
    signalGroup(tracked.state.pid, "SIGTERM");
    const timer = setTimeout(() => signalGroup(tracked.state.pid, "SIGKILL"), graceMs);
    await gone;
    clearTimeout(timer);
    // Helpers the worker forked may outlive it; the group goes with it.
    signalGroup(tracked.state.pid, "SIGKILL");
    if (tracked.exit === undefined) {
      this.exited(tracked, "SIGTERM");
    }
  }

  async pause(workerId: string): Promise<void> {
    const tracked = this.require(workerId);
    signalGroup(tracked.state.pid, "SIGSTOP");
    tracked.paused = true;
  }

  async resume(workerId: string): Promise<void> {
    const tracked = this.require(workerId);
    signalGroup(tracked.state.pid, "SIGCONT");
    tracked.paused = false;
  }

  async list(): Promise<DriverWorker[]> {
    return [...this.tracked.values()].map((tracked) => ({
      workerId: tracked.state.workerId,
      endpointId: tracked.state.endpointId,
      state: tracked.exit !== undefined ? "exited" : tracked.paused ? "paused" : "running",
      exit: tracked.exit ?? null,
      startedAt: tracked.state.startedAt,
    }));
  }

  async logs(workerId: string, tail: number): Promise<WorkerLogLine[]> {
    return this.logReaders(workerId)
      .flatMap((reader) => [...reader.readNew(), ...reader.flush()].slice(-tail))
      .slice(-tail);
  }

  async *followLogs(workerId: string, tail: number, signal: AbortSignal): AsyncGenerator<WorkerLogLine> {
    const readers = this.logReaders(workerId);
    // What is written already; a half-written last line waits for its newline.
    yield* readers.flatMap((reader) => reader.readNew().slice(-tail)).slice(-tail);
    while (!signal.aborted) {
      // Whether it has ended is read before the files, so that its last lines are still read.
      const tracked = this.tracked.get(workerId);
      const ended = tracked === undefined || tracked.exit !== undefined;
      const now = new Date().toISOString();
      for (const reader of readers) {
        yield* reader.readNew(now);
      }
      if (ended) {
        for (const reader of readers) {
          yield* reader.flush(now);
        }
        return;
      }
      await sleep(this.options.logPollIntervalMs ?? 200, signal);
    }
  }

  onExit(listener: (exit: WorkerExit) => void): void {
    this.listeners.push(listener);
  }

  async close(): Promise<void> {
    clearInterval(this.poller);
    for (const tracked of this.tracked.values()) {
      tracked.child?.removeAllListeners("exit");
      tracked.child?.unref();
    }
  }

  /** Removes a stopped worker's state and logs. */
  forget(workerId: string): void {
    rmSync(this.statePath(workerId), { force: true });
    rmSync(this.logPath(workerId, "stdout"), { force: true });
    rmSync(this.logPath(workerId, "stderr"), { force: true });
    this.tracked.delete(workerId);
  }

  /** Takes over the workers a previous run of the control plane started and that still run. */
  private adopt(): void {
    for (const file of readdirSync(this.workerDir)) {
      if (!file.endsWith(".json")) {
        continue;
      }
      let state: ProcessState;
      try {
        state = JSON.parse(readFileSync(join(this.workerDir, file), "utf8")) as ProcessState;
      } catch {
        continue;
      }
      const tracked: Tracked = { state, child: undefined, paused: false, exit: alive(state) ? undefined : "lost" };
      if (tracked.exit === undefined && processState(state.pid) === "T") {
        tracked.paused = true;
      }
      this.tracked.set(state.workerId, tracked);
    }
  }

  private pollAdopted(): void {
    for (const tracked of this.tracked.values()) {
      if (tracked.child === undefined && tracked.exit === undefined && !alive(tracked.state)) {
        this.exited(tracked, "exited");
      }
    }
  }

  private exited(tracked: Tracked, exit: number | string | null): void {
    if (tracked.exit !== undefined) {
      return;
    }
    tracked.exit = exit;
    signalGroup(tracked.state.pid, "SIGKILL");
    rmSync(this.statePath(tracked.state.workerId), { force: true });
    const lastLines = [
      ...tail(this.logPath(tracked.state.workerId, "stderr"), 5),
      ...tail(this.logPath(tracked.state.workerId, "stdout"), 2),
    ];
    for (const listener of this.listeners) {
      listener({ workerId: tracked.state.workerId, endpointId: tracked.state.endpointId, exit, lastLines });
    }
  }

  private require(workerId: string): Tracked {
    const tracked = this.tracked.get(workerId);
    if (!tracked || tracked.exit !== undefined) {
      throw new Error(`worker ${workerId} is not running`);
    }
    return tracked;
  }

  private statePath(workerId: string): string {
    return join(this.workerDir, `${workerId}.json`);
  }

  private logReaders(workerId: string): LogFileReader[] {
    return (["stdout", "stderr"] as const).map((stream) => new LogFileReader(this.logPath(workerId, stream), stream));
  }

  private logPath(workerId: string, stream: "stdout" | "stderr"): string {
    return join(this.logDir, `${workerId}.${stream}.log`);
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is gone.
  }
}

/** True if the process still runs and is the one recorded (not a later process that reused the pid). */
function alive(state: ProcessState): boolean {
  try {
    process.kill(state.pid, 0);
  } catch {
    return false;
  }
  const status = processState(state.pid);
  if (status === "Z" || status === "X") {
    return false;
  }
  return state.kernelStart === null || kernelStartTime(state.pid) === state.kernelStart;
}

/** Field 22 of /proc/<pid>/stat: when the process started, in clock ticks since boot (Linux). */
function kernelStartTime(pid: number): string | null {
  return statFields(pid)?.[19] ?? null;
}

/** Field 3 of /proc/<pid>/stat: R, S, T (stopped), Z (zombie)... */
function processState(pid: number): string | null {
  return statFields(pid)?.[0] ?? null;
}

function statFields(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may contain spaces; the fields after its closing parenthesis do not.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return null;
  }
}

function tail(path: string, count: number): string[] {
  try {
    return readFileSync(path, "utf8")
      .split("\n")
      .filter((line) => line.length > 0)
      .slice(-count);
  } catch {
    return [];
  }
}
