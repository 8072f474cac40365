import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createExternalEndpoint,
  registerWorker,
  startTestControlPlane,
  type TestControlPlane,
} from "../support/control-plane-process.js";
import { eventually, NODE, REPO_ROOT, startWorker, stopAllWorkers } from "../support/workers.js";

const ECHO = [NODE, "examples/echo-worker/dist/worker.js"];

interface JobStatus {
  id: string;
  status: string;
  output?: unknown;
  error?: unknown;
  workerId?: string;
}

describe("the TypeScript worker runtime (@runfleet/sdk/worker) under a control plane", () => {
  let cp: TestControlPlane;
  let endpointId: string;

  beforeAll(async () => {
    cp = await startTestControlPlane();
    endpointId = await createExternalEndpoint(cp, ECHO);
    const worker = await registerWorker(cp, endpointId, 4);
    startWorker(ECHO, { ...worker.env, ECHO_CONCURRENCY: "4" });
  });

  afterAll(async () => {
    await stopAllWorkers();
    await cp.dispose();
  });

  const runsync = async (input: unknown) =>
    (await cp.call<JobStatus>("POST", `/v2/${endpointId}/runsync?wait=20000`, { input })).body;

  it("runs an async handler", async () => {
    expect(await runsync({ message: "hi" })).toMatchObject({
      status: "COMPLETED",
      output: { echo: { message: "hi" } },
    });
  });

  it("reports a thrown error as FAILED with the JSON-string error", async () => {
    const job = await runsync({ fail: "nope" });
    expect(job.status).toBe("FAILED");
    expect(JSON.parse(job.error as string)).toMatchObject({ error_type: "Error", error_message: "nope" });
  });

  it("streams an async generator's chunks and aggregates them", async () => {
    const { body } = await cp.call<JobStatus>("POST", `/v2/${endpointId}/run`, { input: { chunks: 3 } });
    const done = await eventually(async () => {
      const { body: status } = await cp.call<JobStatus>("GET", `/v2/${endpointId}/status/${body.id}`);
      return status.status === "COMPLETED" ? status : undefined;
    });
    expect(done.output).toEqual([{ chunk: 0 }, { chunk: 1 }, { chunk: 2 }]);
  });

  it("shows progress while the job runs", async () => {
    const { body } = await cp.call<JobStatus>("POST", `/v2/${endpointId}/run`, {
      input: { progress: true, sleepMs: 1500 },
    });
    const running = await eventually(async () => {
      const { body: status } = await cp.call<JobStatus>("GET", `/v2/${endpointId}/status/${body.id}`);
      return status.status === "IN_PROGRESS" && status.output !== undefined ? status : undefined;
    });
    expect(running.output).toEqual({ step: 1 });
  });

  it("runs several jobs at once with concurrency", async () => {
    const started = Date.now();
    const results = await Promise.all([1, 2, 3, 4].map((i) => runsync({ sleepMs: 800, i })));
    expect(results.every((r) => r.status === "COMPLETED")).toBe(true);
    expect(Date.now() - started).toBeLessThan(2500);
  });

  it("aborts the handler's signal when the job is cancelled, freeing its slot", async () => {
    const { body } = await cp.call<JobStatus>("POST", `/v2/${endpointId}/run`, { input: { sleepMs: 60_000 } });
    await eventually(async () => {
      const { body: status } = await cp.call<JobStatus>("GET", `/v2/${endpointId}/status/${body.id}`);
      return status.status === "IN_PROGRESS" ? true : undefined;
    });
    await cp.call("POST", `/v2/${endpointId}/cancel/${body.id}`);
    // The worker's in-flight list drops the job once the handler saw the abort: its heartbeat stops naming it.
    const workers = await eventually(async () => {
      const { body: list } = await cp.call<{ runningJobIds: string[] }[]>("GET", `/v1/endpoints/${endpointId}/workers`);
      return list.every((w) => !w.runningJobIds.includes(body.id)) ? list : undefined;
    });
    expect(workers).toHaveLength(1);
    expect((await runsync({ message: "after" })).status).toBe("COMPLETED");
  });
});

describe("the TypeScript worker runtime without a control plane", () => {
  const run = (args: string[]) =>
    spawnSync(ECHO[0] as string, [...ECHO.slice(1), ...args], {
      cwd: REPO_ROOT,
      encoding: "utf8",
      env: { PATH: process.env.PATH },
    });

  it("runs --test-input once and exits 0 on success", () => {
    const result = run(["--test-input", '{"input": {"message": "local"}}']);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      id: "local_test",
      status: "COMPLETED",
      output: { echo: { message: "local" } },
    });
  });

  it("exits 1 when the handler fails", () => {
    const result = run(["--test-input", '{"input": {"fail": "bad"}}']);
    expect(result.status).toBe(1);
    expect(JSON.parse(result.stdout).status).toBe("FAILED");
  });

  it("exits 1 with a message naming the field when the test input has no input", () => {
    const result = run(["--test-input", '{"id": "x"}']);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/"input" field/);
  });
});
