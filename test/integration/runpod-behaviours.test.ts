import { execFile } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { promisify } from "node:util";
import runpodSdk from "runpod-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createCommandEndpoint,
  registerWorker,
  requireService,
  startTestControlPlane,
  TEST_ADMIN_KEY,
  type TestControlPlane,
} from "../support/control-plane-process.js";
import {
  eventually,
  hasPythonRunpod,
  REPO_ROOT,
  startWorker,
  stopAllWorkers,
  VENV_PYTHON,
} from "../support/workers.js";

/**
 * RunPod Python workers (`runpod` from PyPI, unmodified) and RunPod's clients against Runfleet, for the
 * behaviours where Runfleet once differed from RunPod: how fast a worker stops, refresh_worker, log
 * lines, late progress updates, ttl expiry, fitness-check failures and webhookV2.
 */
const FIXTURE = "test/fixtures/runpod_behaviours.py";
const run = requireService(hasPythonRunpod(), "Python venv with runpod (.venv/bin/python)");
const exec = promisify(execFile);
/** Every RunPod worker started here skips the SDK's network check (it would connect to 8.8.8.8:53). */
const QUIET = { RUNPOD_SKIP_AUTO_SYSTEM_CHECKS: "true" };
/** The grace period before a stopped worker is killed: a stop that takes this long was a kill. */
const STOP_GRACE_MS = 40_000;

interface JobStatus {
  id: string;
  status: string;
  output?: unknown;
  error?: unknown;
  reason?: string;
  workerId?: string;
  delayTime?: number;
}

interface WorkerView {
  id: string;
  status: string;
}

describe.runIf(run)("RunPod Python workers behave as on RunPod", () => {
  let cp: TestControlPlane;
  const hooks: { body: JobStatus; at: number }[] = [];
  let hookServer: Server;
  let hookUrl: string;

  beforeAll(async () => {
    // The production hold of job-take and job-stop polls: a worker that waited for one to end would be
    // killed at the end of the grace period instead of exiting.
    cp = await startTestControlPlane({ takeHoldMs: 60_000, workerStopGraceMs: STOP_GRACE_MS });
    hookServer = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk: Buffer) => {
        body += chunk.toString();
      });
      request.on("end", () => {
        hooks.push({ body: JSON.parse(body) as JobStatus, at: Date.now() });
        response.writeHead(200).end();
      });
    });
    await new Promise<void>((done) => hookServer.listen(0, "127.0.0.1", done));
    hookUrl = `http://127.0.0.1:${(hookServer.address() as AddressInfo).port}/hook`;
  });

  afterAll(async () => {
    await stopAllWorkers();
    await cp.dispose();
    await new Promise((done) => hookServer.close(done));
  });

  const workersOf = async (endpointId: string) =>
    (await cp.call<WorkerView[]>("GET", `/v1/endpoints/${endpointId}/workers`)).body;
  const idleWorker = (endpointId: string) =>
    eventually(
      async () => (await workersOf(endpointId)).find((w) => w.status === "IDLE"),
      60_000,
      "an idle Python worker",
    );

  it("stops an idle worker on SIGTERM at once, without waiting for its held polls or the kill", async () => {
    const endpointId = await createCommandEndpoint(cp, [VENV_PYTHON, FIXTURE], {
      workersMin: 1,
      workersMax: 1,
      env: QUIET,
    });
    const worker = await idleWorker(endpointId);
    // Its job-take and job-stop polls are held now; the stop must answer them once it has signalled.
    await new Promise((r) => setTimeout(r, 500));
    const started = Date.now();
    const { status } = await cp.call("DELETE", `/v1/endpoints/${endpointId}/workers/${worker.id}`);
    const took = Date.now() - started;
    expect(status).toBe(204);
    // Exited on its own: well inside the grace period after which it would have been killed.
    expect(took).toBeLessThan(STOP_GRACE_MS / 2);
    await cp.call("DELETE", `/v1/endpoints/${endpointId}`);
  }, 120_000);

  it("runs every job of a refresh_worker endpoint with workersMax 1 on a fresh worker, promptly", async () => {
    const endpointId = await createCommandEndpoint(cp, [VENV_PYTHON, FIXTURE], {
      workersMax: 1,
      idleTimeout: 5,
      env: { ...QUIET, WORKER_MODE: "refresh" },
    });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push((await cp.call<{ id: string }>("POST", `/v2/${endpointId}/run`, { input: { n: i } })).body.id);
    }
    const done: JobStatus[] = [];
    for (const id of ids) {
      const { body } = await cp.call<JobStatus>("GET", `/v2/${endpointId}/status-sync/${id}?wait=90000`);
      expect(body.status).toBe("COMPLETED");
      done.push(body);
    }
    expect(new Set(done.map((job) => job.workerId)).size).toBe(3);
    const { body: records } = await cp.call<{ id: string; startedAt: string; completedAt: string }[]>(
      "GET",
      `/v1/endpoints/${endpointId}/jobs?limit=10`,
    );
    const byId = new Map(records.map((record) => [record.id, record]));
    for (let i = 1; i < ids.length; i++) {
      const previous = byId.get(ids[i - 1] as string);
      const next = byId.get(ids[i] as string);
      // From one job's end to the next one's start on a new worker: its predecessor's exit and a cold
      // start (seconds for Python on a loaded machine), not the grace period of a worker that never ended.
      const gap = Date.parse(next?.startedAt ?? "") - Date.parse(previous?.completedAt ?? "");
      expect(gap).toBeLessThan(STOP_GRACE_MS);
    }
    await cp.call("DELETE", `/v1/endpoints/${endpointId}`);
  }, 180_000);

  it("gives each log line its own instant, as the worker prints it (PYTHONUNBUFFERED)", async () => {
    const endpointId = await createCommandEndpoint(cp, [VENV_PYTHON, FIXTURE], {
      workersMin: 1,
      workersMax: 1,
      env: QUIET,
    });
    const worker = await idleWorker(endpointId);
    const { body } = await cp.call<JobStatus>("POST", `/v2/${endpointId}/runsync?wait=60000`, {
      input: { mode: "log", lines: 3, gap: 0.5 },
    });
    expect(body.status).toBe("COMPLETED");
    const { body: logs } = await cp.call<{ lines: { at: string; line: string }[] }>(
      "GET",
      `/v1/endpoints/${endpointId}/workers/${worker.id}/logs?tail=500`,
    );
    const printed = logs.lines.filter((line) => /^log line \d$/.test(line.line));
    expect(printed.map((line) => line.line)).toEqual(["log line 0", "log line 1", "log line 2"]);
    const instants = printed.map((line) => Date.parse(line.at));
    expect((instants[1] as number) - (instants[0] as number)).toBeGreaterThanOrEqual(300);
    expect((instants[2] as number) - (instants[1] as number)).toBeGreaterThanOrEqual(300);
    await cp.call("DELETE", `/v1/endpoints/${endpointId}`);
  }, 120_000);

  it("accepts and ignores a progress update that arrives after the job ended", async () => {
    const endpointId = await createCommandEndpoint(cp, [VENV_PYTHON, FIXTURE], { workersMax: 0 });
    const registered = await registerWorker(cp, endpointId);
    const worker = startWorker([VENV_PYTHON, FIXTURE], { ...registered.env, ...QUIET });
    const { body } = await cp.call<JobStatus>("POST", `/v2/${endpointId}/runsync?wait=60000`, {
      input: { mode: "late-progress", delay: 0.3 },
    });
    expect(body).toMatchObject({ status: "COMPLETED", output: { done: true } });
    // The SDK logs the update as sent only when the control plane accepted it.
    await eventually(
      () => (/Progress Update Sent/.test(worker.output()) ? true : undefined),
      20_000,
      "the late progress update",
    );
    expect(worker.output()).not.toMatch(/Failed to return job results/);
    const { body: after } = await cp.call<JobStatus>("GET", `/v2/${endpointId}/status/${body.id}`);
    expect(after).toMatchObject({ status: "COMPLETED", output: { done: true } });
    expect(registered.env.PYTHONUNBUFFERED).toBe("1");
  }, 120_000);

  it("ends a job whose ttl ran out TIMED_OUT, keeps it readable by both RunPod clients, and sends its webhook", async () => {
    const endpointId = await createCommandEndpoint(cp, [VENV_PYTHON, FIXTURE], { workersMax: 0 });
    startWorker([VENV_PYTHON, FIXTURE], { ...(await registerWorker(cp, endpointId)).env, ...QUIET });
    // The Python client submits the job (running 30 s, ttl 10 s) and polls it to its end.
    const script = `
import json, sys, runpod
runpod.api_key = sys.argv[1]
runpod.endpoint_url_base = sys.argv[2]
endpoint = runpod.Endpoint(sys.argv[3])
job = endpoint.run({"input": {"mode": "sleep", "seconds": 30}, "policy": {"ttl": 10000}, "webhook": sys.argv[4]})
output = job.output(timeout=60)
print(json.dumps({"id": job.job_id, "status": job.status(), "output": output}))
`;
    const { stdout } = await exec(VENV_PYTHON, ["-c", script, TEST_ADMIN_KEY, `${cp.url}/v2`, endpointId, hookUrl], {
      cwd: REPO_ROOT,
      timeout: 90_000,
    });
    const python = JSON.parse(stdout.trim().split("\n").at(-1) as string) as { id: string; status: string };
    expect(python.status).toBe("TIMED_OUT");
    const client = runpodSdk(TEST_ADMIN_KEY, { baseUrl: `${cp.url}/v2` }).endpoint(endpointId);
    const status = (await client?.status(python.id)) as JobStatus & { completed: boolean };
    expect(status).toMatchObject({ id: python.id, status: "TIMED_OUT", completed: true });
    expect(status.error).toMatch(/ttl of 10000 ms expired while it ran on worker wk_/);
    const hook = await eventually(() => hooks.find((h) => h.body.id === python.id), 20_000, "the ttl webhook");
    expect(hook.body).toMatchObject({ status: "TIMED_OUT", error: status.error });
    // Queued past its ttl (no worker to take it): the same, with the reason it never ran.
    const idle = await createCommandEndpoint(cp, [VENV_PYTHON, FIXTURE], { workersMax: 0 });
    const blocked = (await cp.call<{ id: string }>("POST", `/v2/${idle}/run`, { input: {}, policy: { ttl: 10_000 } }))
      .body;
    const expired = await eventually(
      async () => {
        const { body } = await cp.call<JobStatus>("GET", `/v2/${idle}/status/${blocked.id}`);
        return body.status === "TIMED_OUT" ? body : undefined;
      },
      30_000,
      "the queued job's expiry",
    );
    expect(expired.error).toMatch(/ttl of 10000 ms expired while it was queued/);
  }, 180_000);

  it("says which fitness check failed, and why, when a worker reports itself unhealthy", async () => {
    const endpointId = await createCommandEndpoint(cp, [VENV_PYTHON, FIXTURE], {
      workersMax: 1,
      env: { ...QUIET, WORKER_MODE: "unfit" },
    });
    const { body: accepted } = await cp.call<{ id: string }>("POST", `/v2/${endpointId}/run`, { input: {} });
    const queued = await eventually(
      async () => {
        const { body } = await cp.call<JobStatus>("GET", `/v2/${endpointId}/status/${accepted.id}`);
        return body.reason?.includes("crash-looping") ? body : undefined;
      },
      90_000,
      "the crash-loop reason",
    );
    expect(queued.status).toBe("IN_QUEUE");
    expect(queued.reason).toMatch(
      /fitness check gpu_driver_loaded failed: RuntimeError: nvidia driver 535 or newer is required, found none/,
    );
    await cp.call("DELETE", `/v1/endpoints/${endpointId}`);
  }, 120_000);

  it("refuses webhookV2 clearly, through both RunPod clients", async () => {
    const endpointId = await createCommandEndpoint(cp, [VENV_PYTHON, FIXTURE], { workersMax: 0 });
    const client = runpodSdk(TEST_ADMIN_KEY, { baseUrl: `${cp.url}/v2` }).endpoint(endpointId);
    const refused = await client?.run({ input: {}, webhookV2: hookUrl }).then(
      () => undefined,
      (error: { response?: { status: number; data: { detail: string; errors?: { field: string }[] } } }) =>
        error.response,
    );
    expect(refused?.status).toBe(400);
    expect(refused?.data.errors?.map((f) => f.field)).toEqual(["webhookV2"]);
    expect(refused?.data.detail).toMatch(/webhookV2: is not supported.*use `webhook`/);
    const script = `
import sys, runpod, requests
runpod.api_key = sys.argv[1]
runpod.endpoint_url_base = sys.argv[2]
try:
    runpod.Endpoint(sys.argv[3]).run({"input": {"prompt": "hi"}, "webhookV2": sys.argv[4]})
    print("accepted")
except requests.HTTPError as error:
    print(error.response.status_code, error.response.text)
`;
    const { stdout } = await exec(VENV_PYTHON, ["-c", script, TEST_ADMIN_KEY, `${cp.url}/v2`, endpointId, hookUrl], {
      cwd: REPO_ROOT,
      timeout: 60_000,
    });
    expect(stdout).toMatch(/^400 .*webhookV2: is not supported/);
    const { body: jobs } = await cp.call<unknown[]>("GET", `/v1/endpoints/${endpointId}/jobs`);
    expect(jobs).toEqual([]);
  }, 60_000);
});
