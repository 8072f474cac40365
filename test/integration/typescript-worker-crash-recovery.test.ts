import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { TEST_ADMIN_KEY } from "../support/control-plane-process.js";
import {
  type AdminCall,
  adminCall,
  crashTestServeArgs,
  expectAllCompleted,
  freePort,
  type ServeProcess,
  startServeProcess,
} from "../support/control-plane-subprocess.js";
import { eventually, NODE, processRunning, startWorker, stopAllWorkers } from "../support/workers.js";

const ECHO = [NODE, "examples/echo-worker/dist/worker.js"];

/** `runfleet serve` processes and data directories of this file, ended and removed after it. */
const serves: ServeProcess[] = [];
const dataDirs: string[] = [];
/** Worker processes the control planes of this file started (by pid), killed if a test left one. */
const workerPids = new Set<number>();

afterAll(async () => {
  await stopAllWorkers();
  for (const serve of serves) {
    if (serve.child.exitCode === null && serve.child.signalCode === null) {
      serve.child.kill("SIGTERM");
      await serve.exited;
    }
  }
  for (const pid of workerPids) {
    if (processRunning(pid)) {
      process.kill(-pid, "SIGKILL");
    }
  }
  for (const dir of dataDirs) {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A control plane in its own process, on a port and data directory it keeps across restarts. */
async function controlPlane(extraArgs: string[] = [], logLevel = "warn") {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), "runfleet-ts-crash-"));
  dataDirs.push(dataDir);
  const args = crashTestServeArgs(port, dataDir, extraArgs);
  const env = { RUNFLEET_ADMIN_KEY: TEST_ADMIN_KEY, RUNFLEET_LOG_LEVEL: logLevel };
  let current: ServeProcess | undefined;
  const start = async () => {
    current = await startServeProcess(args, env);
    serves.push(current);
    return current;
  };
  await start();
  const call: AdminCall = adminCall(() => current, TEST_ADMIN_KEY);
  return {
    call,
    dataDir,
    port,
    current: () => current as ServeProcess,
    start,
    kill: async () => {
      current?.child.kill("SIGKILL");
      await current?.exited;
    },
  };
}

async function endpointOf(call: AdminCall, command: string[], settings: Record<string, unknown>): Promise<string> {
  const name = `t-${Math.random().toString(36).slice(2)}`;
  const template = await call<{ id: string }>("POST", "/v1/templates", { name, command });
  const endpoint = await call<{ id: string }>("POST", "/v1/endpoints", {
    name,
    templateId: template.body.id,
    computeType: "CPU",
    ...settings,
  });
  expect(endpoint.status).toBe(201);
  return endpoint.body.id;
}

describe("a TypeScript worker whose control plane is killed with SIGKILL", () => {
  it("delivers results finished while the control plane was down: no job runs twice", async () => {
    const cp = await controlPlane();
    const endpointId = await endpointOf(cp.call, ECHO, { workersMax: 0 });
    const executions = join(cp.dataDir, "executions.log");
    const worker = await cp.call<{ env: Record<string, string> }>("POST", `/v1/endpoints/${endpointId}/workers`, {
      concurrency: 20,
    });
    startWorker(ECHO, { ...worker.body.env, ECHO_CONCURRENCY: "20", ECHO_EXECUTIONS_FILE: executions });

    const ids: string[] = [];
    for (let i = 0; i < 60; i++) {
      const { status, body } = await cp.call<{ id: string }>("POST", `/v2/${endpointId}/run`, {
        input: { sleepMs: 400 + (i % 20) * 50 },
      });
      expect(status).toBe(200);
      ids.push(body.id);
    }
    // Down while 20 jobs run: they all finish during the outage, which outlasts the lease (3 s) and the
    // runtime's former retries (~1.2 s).
    await eventually(
      () => (existsSync(executions) && readFileSync(executions, "utf8").split("\n").length > 25 ? true : undefined),
      20_000,
      "jobs to be running",
    );
    await cp.kill();
    await new Promise((resolve) => setTimeout(resolve, 4000));
    await cp.start();

    await expectAllCompleted(cp.call, endpointId, ids, 60_000);
    const runs = new Map<string, number>();
    for (const id of readFileSync(executions, "utf8").split("\n").filter(Boolean)) {
      runs.set(id, (runs.get(id) ?? 0) + 1);
    }
    expect([...runs.entries()].filter(([, count]) => count > 1)).toEqual([]);
    expect(runs.size).toBe(ids.length);
  });

  it("is adopted by the restarted control plane, and exits on its own when none comes back", async () => {
    const cp = await controlPlane(["--worker-orphan-timeout-ms", "10000"]);
    const endpointId = await endpointOf(cp.call, ECHO, { workersMin: 1, workersMax: 1, idleTimeout: 60 });
    const workerId = await eventually(
      async () => {
        const { body } = await cp.call<{ id: string; status: string }[]>("GET", `/v1/endpoints/${endpointId}/workers`);
        return body[0]?.status === "IDLE" ? body[0].id : undefined;
      },
      20_000,
      "the worker to be idle",
    );
    const state = JSON.parse(readFileSync(join(cp.dataDir, "process-workers", `${workerId}.json`), "utf8")) as {
      pid: number;
    };
    workerPids.add(state.pid);

    // Killed and back within the orphan timeout: the same process serves the endpoint, none is added.
    await cp.kill();
    await cp.start();
    const job = await cp.call<{ status: string; output: { workerId: string } }>(
      "POST",
      `/v2/${endpointId}/runsync?wait=30000`,
      { input: { message: "after the restart" } },
    );
    expect(job.body).toMatchObject({ status: "COMPLETED", output: { workerId } });
    expect(processRunning(state.pid)).toBe(true);
    const { body: workers } = await cp.call<{ id: string }[]>("GET", `/v1/endpoints/${endpointId}/workers`);
    expect(workers.map((w) => w.id)).toEqual([workerId]);
    // One worker's state (next to the files of the control plane and its orphan watchdog).
    expect(readdirSync(join(cp.dataDir, "process-workers")).filter((file) => file.endsWith(".json"))).toEqual([
      `${workerId}.json`,
    ]);

    // Killed for good: the worker stops polling a dead address and exits after the orphan timeout (10 s, so that the restart above fits in it).
    await cp.kill();
    await eventually(() => (processRunning(state.pid) ? undefined : true), 30_000, "the orphaned worker to exit");
    const stderr = readFileSync(join(cp.dataDir, "logs", `${workerId}.stderr.log`), "utf8");
    expect(stderr).toMatch(/no answer from the control plane for \d+ ms \(orphan timeout 10000 ms\)/);
  });
});

describe("a TypeScript worker frozen longer than its orphan timeout (a FlashBoot standby)", () => {
  it("does not count the frozen time as silence of its control plane", async () => {
    const cp = await controlPlane(["--worker-orphan-timeout-ms", "1500"]);
    const endpointId = await endpointOf(cp.call, ECHO, { workersMax: 0 });
    const worker = await cp.call<{ worker: { id: string }; env: Record<string, string> }>(
      "POST",
      `/v1/endpoints/${endpointId}/workers`,
      {},
    );
    const started = startWorker(ECHO, worker.body.env);
    const pid = started.child.pid as number;
    const first = await cp.call<{ status: string }>("POST", `/v2/${endpointId}/runsync?wait=20000`, { input: {} });
    expect(first.body.status).toBe("COMPLETED");
    // Paused as the process driver pauses a standby, for twice the orphan timeout.
    process.kill(-pid, "SIGSTOP");
    await new Promise((resolve) => setTimeout(resolve, 3000));
    process.kill(-pid, "SIGCONT");
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(processRunning(pid)).toBe(true);
    const second = await cp.call<{ status: string; output: { workerId: string } }>(
      "POST",
      `/v2/${endpointId}/runsync?wait=20000`,
      { input: {} },
    );
    expect(second.body).toMatchObject({ status: "COMPLETED", output: { workerId: worker.body.worker.id } });
  });
});

describe("a client that hangs up", () => {
  it("is logged at debug level, not as an unexpected error", async () => {
    const cp = await controlPlane([], "debug");
    const endpointId = await endpointOf(cp.call, ECHO, { workersMax: 0 });
    const before = cp.current().stderr().length;
    // A /run whose body never finishes: the client closes the connection in the middle of it.
    await new Promise<void>((done, fail) => {
      const socket = connect(cp.port, "127.0.0.1", () => {
        socket.write(
          `POST /v2/${endpointId}/run HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${TEST_ADMIN_KEY}\r\n` +
            'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"input":',
        );
        setTimeout(() => {
          socket.destroy();
          done();
        }, 300);
      });
      socket.on("error", fail);
    });
    const logged = await eventually(
      () => {
        const text = cp.current().stderr().slice(before);
        return text.includes("the client hung up") || text.includes("unexpected error") ? text : undefined;
      },
      10_000,
      "a log line about the hang-up",
    );
    expect(logged).not.toContain("unexpected error");
    const line = JSON.parse(logged.split("\n").find((l) => l.includes("the client hung up")) ?? "{}") as {
      level?: number;
    };
    expect(line.level).toBe(20);
  });
});
