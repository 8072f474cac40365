import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestControlPlane, type TestControlPlane } from "../support/control-plane-process.js";
import { eventually } from "../support/workers.js";

// An endpoint created without computeType is a GPU endpoint. On a control plane with no GPU it can use, its
// worker waits THROTTLED forever: the endpoint, its queued jobs and the worker all say why, and what to do.

describe("a GPU endpoint on a control plane without GPUs", () => {
  let cp: TestControlPlane;

  beforeAll(async () => {
    cp = await startTestControlPlane({ gpus: "" });
  });

  afterAll(async () => {
    await cp?.dispose();
  });

  it("says why its workers wait THROTTLED: on the endpoint, the queued job and the worker", async () => {
    const template = await cp.call<{ id: string }>("POST", "/v1/templates", {
      name: "gpu-shortfall",
      command: [process.execPath, "examples/echo-worker/dist/worker.js"],
    });
    const endpoint = await cp.call<{ id: string; computeType: string }>("POST", "/v1/endpoints", {
      name: "gpu-shortfall",
      templateId: template.body.id,
    });
    expect(endpoint.body.computeType).toBe("GPU");
    const endpointId = endpoint.body.id;
    const job = await cp.call<{ id: string }>("POST", `/v2/${endpointId}/run`, { input: { n: 1 } });

    const why =
      /GPU endpoint \(computeType GPU, the default\) whose workers each need 1 GPU\(s\), but this control plane has no GPUs.*set computeType CPU/;
    const worker = await eventually(
      async () => {
        const { body } = await cp.call<{ status: string; reason: string | null }[]>(
          "GET",
          `/v1/endpoints/${endpointId}/workers`,
        );
        return body[0]?.status === "THROTTLED" ? body[0] : undefined;
      },
      10_000,
      "a THROTTLED worker",
    );
    expect(worker.reason).toMatch(why);
    const status = await cp.call<{ status: string; reason?: string }>("GET", `/v2/${endpointId}/status/${job.body.id}`);
    expect(status.body).toMatchObject({ status: "IN_QUEUE", reason: expect.stringMatching(why) });
    const described = await cp.call<{ reason?: string }>("GET", `/v1/endpoints/${endpointId}`);
    expect(described.body.reason).toMatch(why);
    await cp.call("DELETE", `/v1/endpoints/${endpointId}`);
  });
});
