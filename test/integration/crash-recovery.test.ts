import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { requireService, TEST_ADMIN_KEY } from "../support/control-plane-process.js";
import {
  adminCall,
  crashTestServeArgs,
  expectAllCompleted,
  freePort,
  type ServeProcess,
  startServeProcess,
} from "../support/control-plane-subprocess.js";
import { eventually, hasPythonRunpod, startWorker, stopAllWorkers, VENV_PYTHON } from "../support/workers.js";

const HANDLER = "examples/python-runpod-worker/handler.py";
const run = requireService(hasPythonRunpod(), "Python venv with runpod (.venv/bin/python)");

describe.runIf(run)("a control plane killed with SIGKILL", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "runfleet-crash-"));
  let serve: ServeProcess | undefined;

  afterAll(async () => {
    await stopAllWorkers();
    // A graceful stop, so that the control plane also stops any worker it started.
    serve?.child.kill("SIGTERM");
    await serve?.exited;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("loses no acknowledged job: queued ones stay queued and running ones finish", async () => {
    const port = await freePort();
    const args = crashTestServeArgs(port, dataDir);
    const env = { RUNFLEET_ADMIN_KEY: TEST_ADMIN_KEY, RUNFLEET_LOG_LEVEL: "warn" };
    serve = await startServeProcess(args, env);
    const call = adminCall(() => serve, TEST_ADMIN_KEY);
    const template = await call<{ id: string }>("POST", "/v1/templates", {
      name: "py",
      command: [VENV_PYTHON, HANDLER],
    });
    const endpoint = await call<{ id: string }>("POST", "/v1/endpoints", {
      name: "py",
      templateId: template.body.id,
      computeType: "CPU",
      workersMax: 0,
    });
    const endpointId = endpoint.body.id;
    const worker = await call<{ env: Record<string, string> }>("POST", `/v1/endpoints/${endpointId}/workers`, {});
    startWorker([VENV_PYTHON, HANDLER], worker.body.env);

    // One job the worker is running when the control plane dies, and twenty waiting behind it.
    const slow = await call<{ id: string }>("POST", `/v2/${endpointId}/run`, { input: { mode: "sleep", seconds: 2 } });
    await eventually(
      async () => {
        const { body } = await call<{ status: string }>("GET", `/v2/${endpointId}/status/${slow.body.id}`);
        return body.status === "IN_PROGRESS" ? true : undefined;
      },
      20_000,
      "the slow job to start",
    );
    const queued: string[] = [];
    for (let i = 0; i < 20; i++) {
      const { status, body } = await call<{ id: string }>("POST", `/v2/${endpointId}/run`, {
        input: { mode: "echo", i },
      });
      expect(status).toBe(200);
      queued.push(body.id);
    }

    serve.child.kill("SIGKILL");
    await serve.exited;
    serve = await startServeProcess(args, env);

    // Every acknowledged job is still known, and all of them end COMPLETED (the worker reconnects).
    await expectAllCompleted(call, endpointId, [slow.body.id, ...queued], 40_000);
  });
});
