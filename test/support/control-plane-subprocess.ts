import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import type { WorkerSpec } from "@runfleet/control-plane";
import { expect } from "vitest";
import { eventually, NODE, REPO_ROOT } from "./workers.js";

/** The built `runfleet` command. */
export const RUNFLEET_BIN = resolve(REPO_ROOT, "control-plane/dist/bin/runfleet.js");

/** Finds a free loopback port (so a restarted control plane can take the same one). */
export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => done(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/**
 * `runfleet serve` arguments of the crash tests: short leases, holds and sweeps, so that a control plane
 * killed and restarted notices lost workers and re-queues their jobs within seconds.
 */
export function crashTestServeArgs(port: number, dataDir: string, extra: readonly string[] = []): string[] {
  return [
    "--port",
    String(port),
    "--data-dir",
    dataDir,
    "--job-lease-ms",
    "3000",
    "--take-hold-ms",
    "2000",
    "--sweep-interval-ms",
    "100",
    ...extra,
  ];
}

/** A `runfleet serve` process. */
export interface ServeProcess {
  child: ChildProcess;
  url: string;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | NodeJS.Signals | null>;
}

/**
 * How long `runfleet serve` may take to print its banner. Start-up (migrations, recovery, the first
 * listen) takes about a second on a quiet machine and ~9 s on a 2-core one running other suites too.
 */
const BANNER_TIMEOUT_MS = 45_000;

/**
 * Runs `runfleet serve` as a real process and waits for its banner. A process that gives no banner in
 * time is killed before the error is thrown: the caller never got a handle to stop it with.
 */
export async function startServeProcess(args: string[], env: Record<string, string> = {}): Promise<ServeProcess> {
  const child = spawn(NODE, ["--disable-warning=ExperimentalWarning", RUNFLEET_BIN, "serve", ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | NodeJS.Signals | null>((done) =>
    child.once("exit", (code, signal) => done(code ?? signal)),
  );
  const url = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      fail(new Error(`no banner within ${BANNER_TIMEOUT_MS / 1000} s:\n${stdout}\n${stderr}`));
    }, BANNER_TIMEOUT_MS);
    const check = () => {
      const match = /listening on (http:\/\/\S+)/.exec(stdout);
      if (match?.[1]) {
        clearTimeout(timer);
        done(match[1]);
      }
    };
    child.stdout?.on("data", check);
    child.once("exit", (code) => {
      clearTimeout(timer);
      fail(new Error(`runfleet serve exited with ${code}:\n${stdout}\n${stderr}`));
    });
  });
  return { child, url, stdout: () => stdout, stderr: () => stderr, exited };
}

/** What a `runfleet` subprocess did. */
export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built `runfleet` command as a subprocess with only `env` (plus PATH and a HOME without a
 * profile file). Asynchronous, so that a control plane running in the test's process keeps serving.
 */
export function runfleetCli(args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  return runNodeScript(RUNFLEET_BIN, args, env);
}

/**
 * Runs a Node script of the repository as a subprocess with only `env` (plus PATH and HOME), on `node`
 * (the repository's Node 24 unless another binary is given).
 */
export function runNodeScript(
  script: string,
  args: string[],
  env: Record<string, string | undefined> = {},
  node = NODE,
): Promise<CliResult> {
  return new Promise((done) => {
    execFile(
      node,
      [script, ...args],
      { cwd: REPO_ROOT, env: { PATH: process.env.PATH, HOME: "/nonexistent", ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = (error as { code?: unknown } | null)?.code;
        done({ status: error ? (typeof code === "number" ? code : null) : 0, stdout, stderr });
      },
    );
  });
}

/** A call to the API with the admin key, answering status and parsed body. */
export type AdminCall = <T>(method: string, path: string, body?: unknown) => Promise<{ status: number; body: T }>;

/**
 * Calls whichever `runfleet serve` process `current` returns (restart tests replace it), with `key`.
 */
export function adminCall(current: () => ServeProcess | undefined, key: string): AdminCall {
  return async <T>(method: string, path: string, body?: unknown) => {
    const response = await fetch(`${current()?.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as T };
  };
}

/** Waits, job by job, until every one of `ids` has COMPLETED (each must stay known: 200). */
export async function expectAllCompleted(
  call: AdminCall,
  endpointId: string,
  ids: readonly string[],
  timeoutMs: number,
): Promise<void> {
  for (const id of ids) {
    const done = await eventually(
      async () => {
        const { status, body } = await call<{ status: string }>("GET", `/v2/${endpointId}/status/${id}`);
        expect(status).toBe(200);
        return body.status === "COMPLETED" ? body : undefined;
      },
      timeoutMs,
      `job ${id} to complete after the restart`,
    );
    expect(done.status).toBe("COMPLETED");
  }
}

/**
 * The load of the container drivers' crash tests: two slow jobs the workers are running (both seen
 * IN_PROGRESS) and ten queued behind them, so that a crash finds work in both states.
 */
export async function jobsAcrossACrash(
  call: AdminCall,
  endpointId: string,
): Promise<{ running: string[]; queued: string[] }> {
  const submit = async (input: Record<string, unknown>) =>
    (await call<{ id: string }>("POST", `/v2/${endpointId}/run`, { input })).body.id;
  const running = await Promise.all([0, 1].map((i) => submit({ sleepMs: 3000, message: `s${i}` })));
  await eventually(
    async () => {
      const statuses = await Promise.all(
        running.map(
          async (id) => (await call<{ status: string }>("GET", `/v2/${endpointId}/status/${id}`)).body.status,
        ),
      );
      return statuses.every((s) => s === "IN_PROGRESS") ? true : undefined;
    },
    60_000,
    "both slow jobs to start",
  );
  const queued: string[] = [];
  for (let i = 0; i < 10; i++) {
    queued.push(await submit({ message: `q${i}` }));
  }
  return { running, queued };
}

/** A worker of `image` that idles forever: what a crash test plants as an orphan no record claims. */
export function idleWorkerSpec(workerId: string, endpointId: string, image: string): WorkerSpec {
  return {
    workerId,
    endpointId,
    command: ["node", "-e", "setInterval(() => {}, 1000)"],
    image,
    env: {},
    gpuIds: [],
    gpuCount: 0,
    gpuTypeIds: [],
    cpuLimit: null,
    memoryLimitMb: null,
    containerDiskInGb: null,
    volumeMounts: [],
    registryCredentials: null,
    ports: [],
  };
}

/**
 * Ends the process workers a control plane recorded in its data directory: those of a replica killed on
 * purpose, which no other replica adopts (its orphan watchdog then exits by itself). Each is ended only if
 * its pid still names the process recorded (same kernel start time), with its process group.
 */
export function endRecordedWorkers(dataDir: string): void {
  const dir = join(dataDir, "process-workers");
  for (const file of existsSync(dir) ? readdirSync(dir) : []) {
    if (!file.endsWith(".json")) {
      continue;
    }
    const { pid, kernelStart } = JSON.parse(readFileSync(join(dir, file), "utf8")) as {
      pid: number;
      kernelStart: string | null;
    };
    let started: string | undefined;
    try {
      // Field 22 of /proc/<pid>/stat, counted after the command name (which may hold spaces).
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      started = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
    } catch {
      continue;
    }
    if (kernelStart !== null && started === kernelStart) {
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        // Ended meanwhile.
      }
    }
  }
}
