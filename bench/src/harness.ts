import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { Agent, request } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

/** The repository root. */
export const ROOT = resolve(import.meta.dirname, "../..");
/** The admin key of benchmark control planes. */
export const KEY = "rf_bench_admin_key_0123456789abcdef";
/** The TypeScript echo worker. */
export const ECHO = [process.execPath, "examples/echo-worker/dist/worker.js"];

/** A control plane run as its own process, so its memory and CPU are its own. */
export interface BenchControlPlane {
  url: string;
  /** Its data directory (the SQLite file is `runfleet.sqlite` there, process workers' logs under `logs/`). */
  dataDir: string;
  pid: number;
  call: <T>(method: string, path: string, body?: unknown) => Promise<T>;
  stop: () => Promise<void>;
}

/** A TCP port free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  return new Promise((done) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => done(typeof address === "object" && address ? address.port : 0));
    });
  });
}

const children = new Set<ChildProcess>();
/** The echo workers started by {@link startEchoWorkers} and still running. */
const echoWorkers = new Set<ChildProcess>();

/** Starts `runfleet serve` on a fresh data directory with extra flags. */
export async function startControlPlane(
  flags: string[] = [],
  options: {
    /**
     * A follower of a cluster on PostgreSQL prints no banner until it leads: wait for it to answer
     * `/healthz` instead. @defaultValue false
     */
    follower?: boolean;
  } = {},
): Promise<BenchControlPlane> {
  const dataDir = mkdtempSync(join(tmpdir(), "runfleet-bench-"));
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      // The flags of `runfleet` itself (control-plane/src/bin/runfleet.ts).
      "--max-semi-space-size=4",
      "--heap-growing-percent=50",
      "--disable-warning=ExperimentalWarning",
      // Extra Node flags for the control plane only, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile it.
      ...(process.env.BENCH_CP_NODE_FLAGS?.split(" ").filter(Boolean) ?? []),
      join(ROOT, "control-plane/dist/bin/runfleet.js"),
      "serve",
      "--port",
      String(port),
      "--data-dir",
      dataDir,
      "--admin-key",
      KEY,
      "--log-level",
      "warn",
      ...flags,
    ],
    { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] },
  );
  children.add(child);
  const url = await new Promise<string>((done, fail) => {
    let out = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match?.[1]) {
        done(match[1]);
      }
    });
    child.once("exit", (code) => fail(new Error(`control plane exited with ${code}`)));
    if (options.follower) {
      const probe = (): void => {
        fetch(`http://127.0.0.1:${port}/healthz`).then(
          (response) => (response.ok ? done(`http://127.0.0.1:${port}`) : setTimeout(probe, 100)),
          () => setTimeout(probe, 100),
        );
      };
      probe();
    }
  });
  // node:http with keep-alive rather than fetch: the load generator shares the machine with what it
  // measures, and fetch costs several times the CPU per request.
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const target = new URL(url);
  const call = <T>(method: string, path: string, body?: unknown): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = request(
        {
          host: target.hostname,
          port: target.port,
          path,
          method,
          agent,
          headers: {
            authorization: `Bearer ${KEY}`,
            ...(payload === undefined
              ? {}
              : { "content-type": "application/json", "content-length": Buffer.byteLength(payload) }),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            if ((res.statusCode ?? 0) >= 300) {
              reject(new Error(`${method} ${path}: ${res.statusCode} ${text}`));
            } else {
              resolve((text ? JSON.parse(text) : undefined) as T);
            }
          });
        },
      );
      req.on("error", reject);
      req.end(payload);
    });
  return {
    url,
    dataDir,
    pid: child.pid as number,
    call,
    stop: async () => {
      agent.destroy();
      await new Promise<void>((done) => {
        child.once("exit", () => done());
        child.kill("SIGTERM");
      });
      children.delete(child);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The echo worker's container image, built by scripts/worker-images.sh. */
export const ECHO_IMAGE = "runfleet/echo-worker:dev";

/** What runs the echo worker: its command on this host (process driver), or its image (docker driver). */
export type EchoTemplate = { command: string[] } | { imageName: string };

/** The Python interpreter of the venv with RunPod's `runpod` package (made by .ci/run). */
export const PYTHON = join(ROOT, ".venv/bin/python");

/** Creates a CPU endpoint running `command` on this host (process driver), with endpoint settings. */
export async function commandEndpoint(
  cp: BenchControlPlane,
  command: string[],
  settings: Record<string, unknown> = {},
): Promise<string> {
  const name = `bench-${Math.random().toString(36).slice(2)}`;
  const template = await cp.call<{ id: string }>("POST", "/v1/templates", { name, command });
  const endpoint = await cp.call<{ id: string }>("POST", "/v1/endpoints", {
    name,
    templateId: template.id,
    computeType: "CPU",
    driver: "process",
    ...settings,
  });
  return endpoint.id;
}

/** Creates a CPU endpoint running the echo worker. */
export async function echoEndpoint(
  cp: BenchControlPlane,
  settings: Record<string, unknown> = {},
  runs: EchoTemplate = { command: ECHO },
): Promise<string> {
  const name = `bench-${Math.random().toString(36).slice(2)}`;
  const template = await cp.call<{ id: string }>("POST", "/v1/templates", { name, ...runs });
  const endpoint = await cp.call<{ id: string }>("POST", "/v1/endpoints", {
    name,
    templateId: template.id,
    computeType: "CPU",
    ...settings,
  });
  return endpoint.id;
}

/** Starts `count` warm echo workers (external, so the autoscaler leaves them be) with a concurrency each. */
export async function startEchoWorkers(
  cp: BenchControlPlane,
  endpointId: string,
  count: number,
  concurrency: number,
): Promise<void> {
  for (let i = 0; i < count; i++) {
    const { env } = await cp.call<{ env: Record<string, string> }>("POST", `/v1/endpoints/${endpointId}/workers`, {
      concurrency,
    });
    const child = spawn(ECHO[0] as string, ECHO.slice(1), {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "", ...env, ECHO_CONCURRENCY: String(concurrency) },
      stdio: "ignore",
      detached: true,
    });
    children.add(child);
    echoWorkers.add(child);
    child.once("exit", () => echoWorkers.delete(child));
  }
  const deadline = Date.now() + 20_000;
  for (;;) {
    const workers = await cp.call<{ readyAt: string | null }[]>("GET", `/v1/endpoints/${endpointId}/workers`);
    // Ready once they asked for a job (with a backlog they go straight to RUNNING).
    if (workers.filter((w) => w.readyAt !== null).length >= count) {
      return;
    }
    if (Date.now() > deadline) {
      throw new Error("workers did not become ready");
    }
    await sleep(50);
  }
}

/** Kills every process the benchmark started. */
export function killAll(): void {
  for (const child of children) {
    try {
      process.kill(-(child.pid as number), "SIGKILL");
    } catch {
      child.kill("SIGKILL");
    }
  }
  children.clear();
  echoWorkers.clear();
}

/** Runs `task` `count` times with at most `concurrency` at once. */
export async function pool(count: number, concurrency: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        await task(next++);
      }
    }),
  );
}

/** Sleeps. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Percentile of sorted-or-not samples. */
export function percentile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
}

/** Resident memory of a process in bytes (Linux). */
export function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) * 1024 : Number.NaN;
}

/** The processes whose parent is `pid` (Linux, from /proc). */
export function childPidsOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) {
      continue;
    }
    // Undefined when it ended meanwhile.
    if (Number(statFields(Number(entry))?.[1]) === pid) {
      children.push(Number(entry));
    }
  }
  return children;
}

/** CPU time a process has used so far (user + system), in ms, from /proc (Linux; 100 ticks per second). */
export function cpuMsOf(pid: number): number {
  const fields = statFields(pid);
  if (!fields) {
    throw new Error(`process ${pid} is gone`);
  }
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** The fields of /proc/<pid>/stat after the command name, or undefined when the process is gone. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined;
  }
}

/**
 * CPU time of a process and all its descendants, in ms: its own, that of the children it has reaped
 * (PostgreSQL's backends come and go), and that of the descendants still alive. Linux, 100 ticks a second.
 */
export function treeCpuMs(pid: number): number {
  const fields = statFields(pid);
  if (!fields) {
    return 0;
  }
  const own = (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) * 10;
  return own + childPidsOf(pid).reduce((sum, child) => sum + treeCpuMs(child), 0);
}

/** Where the CPU of a benchmark phase went, in ms, by the part of the system that spent it. */
export interface CpuParts {
  /** The control-plane processes. */
  controlPlane: number;
  /** The database server (PostgreSQL's postmaster and its backends); 0 for SQLite, which runs inside. */
  database: number;
  /** The echo workers. */
  workers: number;
  /** The benchmark's own process: the load generator. */
  client: number;
}

/** A reading of {@link CpuParts} so far; subtract two to get a phase's share. */
export function readCpuParts(controlPlanePids: readonly number[], databasePid?: number): CpuParts {
  const client = process.cpuUsage();
  return {
    controlPlane: controlPlanePids.reduce((sum, pid) => sum + treeCpuMs(pid), 0),
    database: databasePid === undefined ? 0 : treeCpuMs(databasePid),
    workers: [...echoWorkers].reduce((sum, child) => sum + (child.pid === undefined ? 0 : treeCpuMs(child.pid)), 0),
    client: (client.user + client.system) / 1000,
  };
}

/** The CPU of each part between two readings, per unit of work (e.g. per job). */
export function cpuPartsPer(before: CpuParts, after: CpuParts, units: number): CpuParts & { total: number } {
  const part = (key: keyof CpuParts) => (after[key] - before[key]) / units;
  const parts = {
    controlPlane: part("controlPlane"),
    database: part("database"),
    workers: part("workers"),
    client: part("client"),
  };
  return { ...parts, total: parts.controlPlane + parts.database + parts.workers + parts.client };
}
