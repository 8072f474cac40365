import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createExternalEndpoint,
  registerWorker,
  requireService,
  startTestControlPlane,
  type TestControlPlane,
} from "../support/control-plane-process.js";
import { eventually, hasPythonRunpod, startWorker, stopAllWorkers, VENV_PYTHON } from "../support/workers.js";

const HANDLER = "examples/python-runpod-worker/handler.py";
const run = requireService(hasPythonRunpod(), "Python venv with runpod (.venv/bin/python)");

interface JobStatus {
  id: string;
  status: string;
  output?: unknown;
  error?: unknown;
  workerId?: string;
}

describe.runIf(run)("the unmodified Python RunPod worker", () => {
  let cp: TestControlPlane;
  let endpointId: string;
  let streamEndpointId: string;

  beforeAll(async () => {
    cp = await startTestControlPlane();
    endpointId = await createExternalEndpoint(cp, [VENV_PYTHON, HANDLER]);
    const worker = await registerWorker(cp, endpointId);
    startWorker([VENV_PYTHON, HANDLER], worker.env);
    streamEndpointId = await createExternalEndpoint(cp, [VENV_PYTHON, HANDLER]);
    const streamWorker = await registerWorker(cp, streamEndpointId);
    startWorker([VENV_PYTHON, HANDLER], { ...streamWorker.env, WORKER_HANDLER: "stream" });
  });

  afterAll(async () => {
    await stopAllWorkers();
    await cp.dispose();
  });

  it("completes a runsync job with the handler's output", async () => {
    const { status, body } = await cp.call<JobStatus>("POST", `/v2/${endpointId}/runsync?wait=30000`, {
      input: { mode: "echo", x: 1 },
    });
    expect(status).toBe(200);
    expect(body.status).toBe("COMPLETED");
    expect(body.output).toMatchObject({ echo: { mode: "echo", x: 1 } });
    expect(body.workerId).toMatch(/^wk_/);
  });

  it("shows a progress update while the job runs, then the result", async () => {
    const { body: accepted } = await cp.call<JobStatus>("POST", `/v2/${endpointId}/run`, {
      input: { mode: "progress" },
    });
    const progress = await eventually(
      async () => {
        const { body } = await cp.call<JobStatus>("GET", `/v2/${endpointId}/status/${accepted.id}`);
        return body.status === "IN_PROGRESS" && body.output !== undefined ? body : undefined;
      },
      20_000,
      "a progress update",
    );
    expect(progress.output).toEqual({ step: 1, of: 2 });
    const { body: done } = await cp.call<JobStatus>("GET", `/v2/${endpointId}/status-sync/${accepted.id}?wait=20000`);
    expect(done.status).toBe("COMPLETED");
    expect(done.output).toEqual({ done: true });
  });

  it("reports a raised exception as FAILED with RunPod's JSON-string error", async () => {
    const { body } = await cp.call<JobStatus>("POST", `/v2/${endpointId}/runsync?wait=30000`, {
      input: { mode: "fail", message: "boom" },
    });
    expect(body.status).toBe("FAILED");
    expect(typeof body.error).toBe("string");
    expect(JSON.parse(body.error as string)).toMatchObject({
      error_type: expect.stringContaining("ValueError"),
      error_message: "boom",
    });
  });

  it("reports a returned error as FAILED", async () => {
    const { body } = await cp.call<JobStatus>("POST", `/v2/${endpointId}/runsync?wait=30000`, {
      input: { mode: "error", message: "bad input" },
    });
    expect(body.status).toBe("FAILED");
    expect(body.error).toBe("bad input");
  });

  it("streams a generator handler's chunks and aggregates them at the end", async () => {
    const { body: accepted } = await cp.call<JobStatus>("POST", `/v2/${streamEndpointId}/run`, {
      input: { chunks: 4 },
    });
    const chunks: unknown[] = [];
    let status = "IN_QUEUE";
    const deadline = Date.now() + 30_000;
    while (!["COMPLETED", "FAILED"].includes(status) && Date.now() < deadline) {
      const { body } = await cp.call<{ status: string; stream: { output: unknown }[] }>(
        "GET",
        `/v2/${streamEndpointId}/stream/${accepted.id}?wait=2000`,
      );
      status = body.status;
      chunks.push(...body.stream.map((item) => item.output));
    }
    expect(chunks).toEqual([{ chunk: 0 }, { chunk: 1 }, { chunk: 2 }, { chunk: 3 }]);
    const { body: done } = await cp.call<JobStatus>("GET", `/v2/${streamEndpointId}/status/${accepted.id}`);
    expect(done.status).toBe("COMPLETED");
    expect(done.output).toEqual([{ chunk: 0 }, { chunk: 1 }, { chunk: 2 }, { chunk: 3 }]);
  });
});
