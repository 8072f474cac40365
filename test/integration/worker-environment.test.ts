import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createCommandEndpoint,
  createExternalEndpoint,
  registerWorker,
  requireService,
  startTestControlPlane,
  type TestControlPlane,
} from "../support/control-plane-process.js";
import { hasPythonRunpod, VENV_PYTHON } from "../support/workers.js";

const HANDLER = "examples/python-runpod-worker/handler.py";
const run = requireService(hasPythonRunpod(), "Python venv with runpod (.venv/bin/python)");

interface JobStatus {
  status: string;
  output?: { env?: Record<string, string | null> };
  error?: unknown;
}

describe("the environment the control plane gives its workers", () => {
  let cp: TestControlPlane;

  beforeAll(async () => {
    cp = await startTestControlPlane();
  });

  afterAll(async () => {
    await cp.dispose();
  });

  // The runpod SDK's start-up fitness checks connect to 8.8.8.8:53 and end the worker when that fails:
  // a worker the control plane starts must have them skipped, or it reaches outside the machine.
  it.runIf(run)("has a RunPod Python worker it starts skip runpod's fitness checks", async () => {
    const endpointId = await createCommandEndpoint(cp, [VENV_PYTHON, HANDLER], { workersMax: 1, idleTimeout: 5 });
    const { status, body } = await cp.call<JobStatus>("POST", `/v2/${endpointId}/runsync?wait=60000`, {
      input: { mode: "env", names: ["RUNPOD_SKIP_AUTO_SYSTEM_CHECKS", "RUNFLEET_WORKER_ORPHAN_TIMEOUT_MS"] },
    });
    expect(status).toBe(200);
    expect(body.status, JSON.stringify(body)).toBe("COMPLETED");
    expect(body.output?.env).toEqual({
      RUNPOD_SKIP_AUTO_SYSTEM_CHECKS: "true",
      RUNFLEET_WORKER_ORPHAN_TIMEOUT_MS: "300000",
    });
  });

  it("gives the same default to registered external workers", async () => {
    const endpointId = await createExternalEndpoint(cp, ["true"]);
    const { env } = await registerWorker(cp, endpointId);
    expect(env.RUNPOD_SKIP_AUTO_SYSTEM_CHECKS).toBe("true");
  });

  it("lets a template or an endpoint opt back in to the checks", async () => {
    const template = await cp.call<{ id: string }>("POST", "/v1/templates", {
      name: "checks-on",
      command: ["true"],
      env: { RUNPOD_SKIP_AUTO_SYSTEM_CHECKS: "false" },
    });
    const fromTemplate = await cp.call<{ id: string }>("POST", "/v1/endpoints", {
      name: "checks-on-template",
      templateId: template.body.id,
      computeType: "CPU",
      workersMax: 0,
    });
    expect((await registerWorker(cp, fromTemplate.body.id)).env.RUNPOD_SKIP_AUTO_SYSTEM_CHECKS).toBe("false");
    const fromEndpoint = await cp.call<{ id: string }>("POST", "/v1/endpoints", {
      name: "checks-on-endpoint",
      templateId: template.body.id,
      computeType: "CPU",
      workersMax: 0,
      env: { RUNPOD_SKIP_AUTO_SYSTEM_CHECKS: "FALSE_BY_ENDPOINT" },
    });
    expect((await registerWorker(cp, fromEndpoint.body.id)).env.RUNPOD_SKIP_AUTO_SYSTEM_CHECKS).toBe(
      "FALSE_BY_ENDPOINT",
    );
  });
});
