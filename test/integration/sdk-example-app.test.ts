import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createCommandEndpoint,
  startTestControlPlane,
  TEST_ADMIN_KEY,
  type TestControlPlane,
} from "../support/control-plane-process.js";
import { runNodeScript } from "../support/control-plane-subprocess.js";
import { NODE } from "../support/workers.js";

describe("examples/sdk-app against a control plane with the echo endpoint", () => {
  let cp: TestControlPlane;

  beforeAll(async () => {
    cp = await startTestControlPlane({ autoscalerTickMs: 100 });
    const endpointId = await createCommandEndpoint(cp, [NODE, "examples/echo-worker/dist/worker.js"], {
      idleTimeout: 60,
    });
    // The example looks the endpoint up by name.
    await cp.call("PATCH", `/v1/endpoints/${endpointId}`, { name: "echo-example" });
  });

  afterAll(async () => {
    await cp?.dispose();
  });

  it("runs its three jobs: progress, a stream and a typed failure", async () => {
    const result = await runNodeScript("examples/sdk-app/dist/app.js", [], {
      RUNFLEET_BASE_URL: cp.url,
      RUNFLEET_API_KEY: TEST_ADMIN_KEY,
      ENDPOINT_NAME: "echo-example",
    });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('progress: {"step":1}');
    expect(result.stdout).toMatch(/job \S+: hello from the SDK \(worker wk_/);
    expect(result.stdout).toContain("chunk: 0\nchunk: 1\nchunk: 2\n");
    expect(result.stdout).toMatch(/as expected, job \S+ of endpoint \S+ failed: on purpose/);
  });
});
