import { execFile } from "node:child_process";
import { promisify } from "node:util";
import runpodSdk from "runpod-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createExternalEndpoint,
  registerWorker,
  requireService,
  startTestControlPlane,
  TEST_ADMIN_KEY,
  type TestControlPlane,
} from "../support/control-plane-process.js";
import { hasPythonRunpod, REPO_ROOT, startWorker, stopAllWorkers, VENV_PYTHON } from "../support/workers.js";

const HANDLER = "examples/python-runpod-worker/handler.py";
const run = requireService(hasPythonRunpod(), "Python venv with runpod (.venv/bin/python)");
const exec = promisify(execFile);

describe.runIf(run)("RunPod's own clients against Runfleet", () => {
  let cp: TestControlPlane;
  let endpointId: string;
  let streamEndpointId: string;

  beforeAll(async () => {
    cp = await startTestControlPlane();
    endpointId = await createExternalEndpoint(cp, [VENV_PYTHON, HANDLER]);
    for (let i = 0; i < 2; i++) {
      startWorker([VENV_PYTHON, HANDLER], (await registerWorker(cp, endpointId)).env);
    }
    streamEndpointId = await createExternalEndpoint(cp, [VENV_PYTHON, HANDLER]);
    startWorker([VENV_PYTHON, HANDLER], {
      ...(await registerWorker(cp, streamEndpointId)).env,
      WORKER_HANDLER: "stream",
    });
  });

  afterAll(async () => {
    await stopAllWorkers();
    await cp.dispose();
  });

  describe("the npm runpod-sdk client (baseUrl option)", () => {
    const client = () => {
      const endpoint = runpodSdk(TEST_ADMIN_KEY, { baseUrl: `${cp.url}/v2` }).endpoint(endpointId);
      if (!endpoint) {
        throw new Error("runpod-sdk returned no endpoint");
      }
      return endpoint;
    };

    it("runs a job with runSync", async () => {
      const result = await client().runSync({ input: { mode: "echo", via: "js" } }, 30_000);
      expect(result).toMatchObject({ status: "COMPLETED", output: { echo: { mode: "echo", via: "js" } } });
    });

    it("runs a job with run, then polls status", async () => {
      const accepted = await client().run({ input: { mode: "echo", n: 2 } });
      expect(accepted).toMatchObject({ status: "IN_QUEUE" });
      const id = (accepted as { id: string }).id;
      let status: { status: string; output?: unknown } = { status: "IN_QUEUE" };
      for (let i = 0; i < 100 && status.status !== "COMPLETED"; i++) {
        status = (await client().status(id)) as typeof status;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(status).toMatchObject({ status: "COMPLETED", output: { echo: { n: 2 } } });
    });

    it("streams chunks", async () => {
      const endpoint = runpodSdk(TEST_ADMIN_KEY, { baseUrl: `${cp.url}/v2` }).endpoint(streamEndpointId);
      const accepted = (await endpoint?.run({ input: { chunks: 3 } })) as { id: string };
      const chunks: unknown[] = [];
      for await (const item of endpoint?.stream(accepted.id) ?? []) {
        chunks.push((item as { output: unknown }).output);
      }
      expect(chunks).toEqual([{ chunk: 0 }, { chunk: 1 }, { chunk: 2 }]);
    });

    it("cancels a job, reads health and purges the queue", async () => {
      const slow = (await client().run({ input: { mode: "sleep", seconds: 5 } })) as { id: string };
      const cancelled = await client().cancel(slow.id);
      expect(cancelled).toMatchObject({ id: slow.id, status: "CANCELLED" });
      const health = await client().health();
      expect(Object.keys(health.workers).sort()).toEqual([
        "idle",
        "initializing",
        "ready",
        "running",
        "throttled",
        "unhealthy",
      ]);
      expect(Object.keys(health.jobs).sort()).toEqual(["completed", "failed", "inProgress", "inQueue", "retried"]);
      const purged = await client().purgeQueue();
      expect(purged).toMatchObject({ status: "completed" });
    });
  });

  describe("the Python runpod client (runpod.endpoint_url_base)", () => {
    it("runs, polls, streams and reads health", async () => {
      const script = `
import json, sys, runpod
runpod.api_key = sys.argv[1]
runpod.endpoint_url_base = sys.argv[2]
endpoint = runpod.Endpoint(sys.argv[3])
out = {}
out["run_sync"] = endpoint.run_sync({"mode": "echo", "via": "python"}, timeout=30)
job = endpoint.run({"input": {"mode": "echo", "n": 7}})
out["output"] = job.output(timeout=30)
out["status"] = job.status()
out["health"] = endpoint.health()
stream_job = runpod.Endpoint(sys.argv[4]).run({"input": {"chunks": 2}})
out["stream"] = list(stream_job.stream())
print(json.dumps(out))
`;
      const { stdout } = await exec(
        VENV_PYTHON,
        ["-c", script, TEST_ADMIN_KEY, `${cp.url}/v2`, endpointId, streamEndpointId],
        {
          cwd: REPO_ROOT,
          timeout: 90_000,
        },
      );
      const out = JSON.parse(stdout.trim().split("\n").at(-1) as string);
      expect(out.run_sync).toMatchObject({ echo: { via: "python" } });
      expect(out.output).toMatchObject({ echo: { n: 7 } });
      expect(out.status).toBe("COMPLETED");
      expect(out.health.workers).toHaveProperty("unhealthy");
      expect(out.stream).toEqual([{ chunk: 0 }, { chunk: 1 }]);
    });
  });
});
