import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";

/** The repository root, where worker commands are resolved from. */
export const REPO_ROOT = resolve(import.meta.dirname, "../..");

/** The Node 24 binary the repository pins (system Node may be older). */
export const NODE = process.execPath;

/** The Python interpreter of the venv `.ci/run` creates (with `runpod` from PyPI). */
export const VENV_PYTHON = resolve(REPO_ROOT, ".venv/bin/python");

/** True when the venv with the `runpod` package exists. */
export function hasPythonRunpod(): boolean {
  return existsSync(VENV_PYTHON);
}

/** A worker process started by a test, with what it printed. */
export interface WorkerProcess {
  child: ChildProcess;
  output: () => string;
  /** Resolves with the exit code (or signal) once the process ends. */
  exited: Promise<number | NodeJS.Signals | null>;
}

const started = new Set<ChildProcess>();

/**
 * Starts a worker command with the environment the control plane handed out for it. runpod's start-up
 * fitness checks (which connect to 8.8.8.8:53) are skipped even when a test builds the environment itself:
 * nothing a test starts reaches outside the machine.
 */
export function startWorker(command: string[], env: Record<string, string>): WorkerProcess {
  const [file, ...args] = command as [string, ...string[]];
  const child = spawn(file, args, {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/tmp",
      RUNPOD_SKIP_AUTO_SYSTEM_CHECKS: "true",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group, so that killing it also kills helpers it forks (the runpod SDK pings from
    // a child process, which would otherwise outlive it and keep its jobs' leases alive).
    detached: true,
  });
  started.add(child);
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | NodeJS.Signals | null>((done) => {
    child.once("exit", (code, signal) => {
      started.delete(child);
      done(code ?? signal);
    });
  });
  return { child, output: () => output, exited };
}

/** Sends a signal to a worker's whole process group, as a machine dying or a driver stopping it would. */
export function killWorker(worker: WorkerProcess, signal: NodeJS.Signals = "SIGKILL"): void {
  if (worker.child.pid !== undefined) {
    try {
      process.kill(-worker.child.pid, signal);
    } catch {
      // Already gone.
    }
  }
}

/** Ends every worker a test started (SIGKILL: tests leave nothing behind). */
export async function stopAllWorkers(): Promise<void> {
  const pending = [...started].map(
    (child) =>
      new Promise<void>((done) => {
        if (child.exitCode !== null || child.signalCode !== null) {
          done();
          return;
        }
        child.once("exit", () => done());
        try {
          process.kill(-(child.pid as number), "SIGKILL");
        } catch {
          child.kill("SIGKILL");
        }
      }),
  );
  await Promise.all(pending);
}

/**
 * Polls `check` until it returns a value other than undefined, or throws after `timeoutMs`. `what` names
 * the awaited condition in the error; as a function it is asked at the timeout, to show the state then.
 */
export async function eventually<T>(
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 15_000,
  what: string | (() => string) = "condition",
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) {
        return value;
      }
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      const described = typeof what === "function" ? what() : what;
      throw new Error(`timed out waiting for ${described}${last ? `: ${String(last)}` : ""}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A running sample of a count (workers, containers) during a test. */
export interface PeakSampler {
  /** Stops sampling and resolves with the highest count seen. */
  stop: () => Promise<number>;
}

/** Samples `count` every `everyMs` until stopped, to learn how high it went (a burst's peak of workers). */
export function samplePeak(count: () => Promise<number>, everyMs = 25): PeakSampler {
  let peak = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      peak = Math.max(peak, await count());
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    stop: async () => {
      sampling = false;
      await sampler;
      return peak;
    },
  };
}

/**
 * True while a process runs. A zombie (ended, not yet reaped by its parent) does not: `kill(pid, 0)`
 * still succeeds for one, for as long as its parent takes to reap it.
 */
export function processRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return !/^[ZX]$/.test(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0] ?? "");
  } catch {
    return false; // reaped meanwhile
  }
}
