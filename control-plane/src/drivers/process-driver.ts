import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensurePrivateDir, openPrivateFile, PRIVATE_FILE_MODE, tightenPrivateDir } from "../util/private-files.js";
import { sleep } from "../util/sleep.js";
import { growthPath, LogFileReader, LogGrowthRecorder } from "./log-file.js";
import { OWNER_FILE, WATCHDOG_FILE } from "./orphan-watchdog.js";
import { parseEnviron, startProcessSession } from "./process-exec.js";
import {
  identify,
  isAlive,
  kernelStartTime,
  type ProcessIdentity,
  processState,
  readIdentity,
  signalGroup,
} from "./process-identity.js";
import type {
  DriverWorker,
  ExecOptions,
  ExecSession,
  WorkerDriver,
  WorkerExit,
  WorkerLogLine,
  WorkerSpec,
} from "./worker-driver.js";

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
  /** The Python interpreter that runs the pty relay of terminal sessions. @defaultValue "python3" */
  python?: string;
  /**
   * How long workers go on once this control plane is gone (SIGKILLed, or stopped without stopping them)
   * and no other has claimed them: then the orphan watchdog stops them (see orphan-watchdog.ts). The
   * server passes `--worker-orphan-timeout-ms`. @defaultValue 0 (no watchdog: workers run until stopped)
   */
  orphanTimeoutMs?: number;
  /** Time the orphan watchdog gives a worker between SIGTERM and SIGKILL. @defaultValue 10000 */
  stopGraceMs?: number;
}

/** The watchdog's entry point, built next to this file's directory. */
const WATCHDOG_SCRIPT = fileURLToPath(new URL("../bin/orphan-watchdog.js", import.meta.url));

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
  /** Watch its stdout and stderr while it runs, so that each line gets its own instant. */
  recorders: LogGrowthRecorder[];
}

/**
 * Runs workers as processes on this host. Each worker is the leader of its own process group, so that
 * stop, pause (SIGSTOP) and resume (SIGCONT) reach every process it forks (the runpod SDK pings from a
 * child process). Output goes straight to log files rather than through pipes, so a worker outlives a
 * crash of the control plane, which adopts it on its next start from the state file kept per worker.
 */
export class ProcessDriver implements WorkerDriver {
  readonly kind = "process" as const;
  readonly canPause = true;
  readonly schedulesGpus = false;
  private readonly tracked = new Map<string, Tracked>();
  private readonly listeners: ((exit: WorkerExit) => void)[] = [];
  private readonly poller: NodeJS.Timeout;
  private readonly logDir: string;
  private readonly workerDir: string;
  /** The orphan watchdog this driver started or found, once a worker needs one. */
  private watchdog: ProcessIdentity | undefined;

  constructor(private readonly options: ProcessDriverOptions) {
    this.logDir = join(options.stateDir, "logs");
    this.workerDir = join(options.stateDir, "process-workers");
    // Worker logs and state hold job data: private to this user (also when left open by an older version).
    ensurePrivateDir(this.logDir);
    ensurePrivateDir(this.workerDir);
    tightenPrivateDir(this.logDir);
    tightenPrivateDir(this.workerDir);
    if (this.orphanTimeoutMs > 0) {
      // Claimed before adopting: a watchdog counting down for the workers of a dead control plane sees
      // their new owner at its next check.
      writeFileSync(join(this.workerDir, OWNER_FILE), JSON.stringify(identify(process.pid)), {
        mode: PRIVATE_FILE_MODE,
      });
    }
    this.adopt();
    if ([...this.tracked.values()].some((tracked) => tracked.exit === undefined)) {
      this.ensureWatchdog();
    }
    this.poller = setInterval(() => this.pollAdopted(), options.pollIntervalMs ?? 1000);
    this.poller.unref();
  }

  async start(spec: WorkerSpec): Promise<DriverWorker> {
    if (spec.command.length === 0) {
      throw new Error("the template has no command: the process driver runs a command on this host");
    }
    const [file, ...args] = spec.command as [string, ...string[]];
    const out = openPrivateFile(this.logPath(spec.workerId, "stdout"), "a");
    const err = openPrivateFile(this.logPath(spec.workerId, "stderr"), "a");
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
    writeFileSync(this.statePath(spec.workerId), JSON.stringify(state), { mode: PRIVATE_FILE_MODE });
    const tracked: Tracked = {
      state,
      child,
      paused: false,
      exit: undefined,
      recorders: this.recordGrowth(spec.workerId),
    };
    this.tracked.set(spec.workerId, tracked);
    child.once("exit", (code, signal) => this.exited(tracked, code ?? signal));
    this.ensureWatchdog();
    return {
      workerId: spec.workerId,
      endpointId: spec.endpointId,
      state: "running",
      exit: null,
      startedAt: state.startedAt,
    };
  }

  async stop(workerId: string, graceMs: number, onSignalled?: () => void): Promise<void> {
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
    onSignalled?.();
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

  async inventory(): Promise<DriverWorker[]> {
    return (await this.list()).filter((worker) => worker.state !== "exited");
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
    return inTimeOrder(
      this.logReaders(workerId).map((reader) => [...reader.readNew(), ...reader.flush()].slice(-tail)),
    ).slice(-tail);
  }

  async *followLogs(workerId: string, tail: number, signal: AbortSignal): AsyncGenerator<WorkerLogLine> {
    const readers = this.logReaders(workerId);
    // What is written already; a half-written last line waits for its newline.
    yield* inTimeOrder(readers.map((reader) => reader.readNew().slice(-tail))).slice(-tail);
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

  /**
   * Runs a command as a child of the control plane in the worker's working directory and with the
   * worker's environment, both read from the kernel (`/proc/<pid>/cwd`, `/proc/<pid>/environ`), so that
   * they are exact for adopted workers too. It runs as the control plane's user, on this host: nothing
   * isolates it from the host (docs/debugging.md says so).
   */
  async exec(workerId: string, options: ExecOptions): Promise<ExecSession> {
    const tracked = this.require(workerId);
    if (tracked.paused) {
      throw new Error(`worker ${workerId} is paused (a FlashBoot standby)`);
    }
    const { pid } = tracked.state;
    let env: Record<string, string>;
    let cwd: string;
    try {
      env = parseEnviron(readFileSync(`/proc/${pid}/environ`));
      cwd = readlinkSync(`/proc/${pid}/cwd`);
    } catch (error) {
      throw new Error(
        `the environment of worker ${workerId} (pid ${pid}) cannot be read: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
    return startProcessSession({ cwd, env, python: this.options.python }, options);
  }

  onExit(listener: (exit: WorkerExit) => void): void {
    this.listeners.push(listener);
  }

  async close(): Promise<void> {
    clearInterval(this.poller);
    for (const tracked of this.tracked.values()) {
      tracked.child?.removeAllListeners("exit");
      tracked.child?.unref();
      for (const recorder of tracked.recorders) {
        recorder.close();
      }
    }
    // Workers left running (not stopped on shutdown) are adopted by the next start, or, if none comes
    // within the orphan timeout, stopped by the watchdog: this control plane no longer counts as there.
    const ownerPath = join(this.workerDir, OWNER_FILE);
    const owner = readIdentity(ownerPath);
    if (owner?.pid === process.pid) {
      rmSync(ownerPath, { force: true });
    }
    const running = [...this.tracked.values()].some((tracked) => tracked.exit === undefined && alive(tracked.state));
    if (!running && this.watchdog && isAlive(this.watchdog)) {
      // Nothing left to guard: ended now rather than at its next check.
      process.kill(this.watchdog.pid, "SIGTERM");
    }
  }

  /** Removes a stopped worker's state and logs. */
  forget(workerId: string): void {
    rmSync(this.statePath(workerId), { force: true });
    for (const stream of ["stdout", "stderr"] as const) {
      rmSync(this.logPath(workerId, stream), { force: true });
      rmSync(growthPath(this.logPath(workerId, stream)), { force: true });
    }
    this.tracked.delete(workerId);
  }

  private get orphanTimeoutMs(): number {
    return this.options.orphanTimeoutMs ?? 0;
  }

  /**
   * Makes sure an orphan watchdog watches this directory's workers: the one recorded in its file if it
   * still runs (it outlived an earlier control plane), else a new one. It runs in its own session, so
   * that nothing that ends this process (a SIGKILL, a terminal's hang-up) ends it too.
   */
  private ensureWatchdog(): void {
    if (this.orphanTimeoutMs <= 0 || (this.watchdog && isAlive(this.watchdog))) {
      return;
    }
    const file = join(this.workerDir, WATCHDOG_FILE);
    const recorded = readIdentity(file);
    if (recorded && isAlive(recorded)) {
      this.watchdog = recorded;
      return;
    }
    const log = openPrivateFile(join(this.logDir, "orphan-watchdog.log"), "a");
    let child: ChildProcess;
    try {
      child = spawn(
        process.execPath,
        [WATCHDOG_SCRIPT, this.workerDir, String(this.orphanTimeoutMs), String(this.options.stopGraceMs ?? 10_000)],
        { detached: true, stdio: ["ignore", log, log] },
      );
    } finally {
      closeSync(log);
    }
    child.unref();
    // A failed spawn is reported on this event (and leaves no pid): the next worker start tries again.
    child.once("error", () => undefined);
    if (child.pid === undefined) {
      return;
    }
    this.watchdog = identify(child.pid);
    writeFileSync(file, JSON.stringify(this.watchdog), { mode: PRIVATE_FILE_MODE });
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
      const running = alive(state);
      const tracked: Tracked = {
        state,
        child: undefined,
        paused: false,
        exit: running ? undefined : "lost",
        recorders: running ? this.recordGrowth(state.workerId) : [],
      };
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
    for (const recorder of tracked.recorders) {
      recorder.close();
    }
    rmSync(this.statePath(tracked.state.workerId), { force: true });
    // Both streams in the order they were written: the cause of a crash may be on either.
    const lastLines = inTimeOrder(
      this.logReaders(tracked.state.workerId).map((reader) => [...reader.readNew(), ...reader.flush()].slice(-20)),
    )
      .slice(-20)
      .map((line) => line.line);
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

  private recordGrowth(workerId: string): LogGrowthRecorder[] {
    return (["stdout", "stderr"] as const).map((stream) => new LogGrowthRecorder(this.logPath(workerId, stream)));
  }

  private logReaders(workerId: string): LogFileReader[] {
    return (["stdout", "stderr"] as const).map((stream) => new LogFileReader(this.logPath(workerId, stream), stream));
  }

  private logPath(workerId: string, stream: "stdout" | "stderr"): string {
    return join(this.logDir, `${workerId}.${stream}.log`);
  }
}

/** True if the worker's process still runs and is the one recorded. */
function alive(state: ProcessState): boolean {
  return isAlive(state);
}

/** Lines of several streams merged by the instant each was written (stable: a stream keeps its order). */
function inTimeOrder(streams: WorkerLogLine[][]): WorkerLogLine[] {
  return streams.flat().sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}
