import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createExternalEndpoint,
  registerWorker,
  startTestControlPlane,
  TEST_ADMIN_KEY,
  type TestControlPlane,
} from "../support/control-plane-process.js";

/** `{"input": [[[...]]]}` with `depth` levels of arrays under `input`. */
const nestedInput = (depth: number) => `{"input":${"[".repeat(depth)}${"]".repeat(depth)}}`;

describe("deeply nested JSON bodies", () => {
  let cp: TestControlPlane;
  let endpointId: string;

  beforeAll(async () => {
    cp = await startTestControlPlane({ maxJsonDepth: 64 });
    endpointId = await createExternalEndpoint(cp, ["true"]);
  });

  afterAll(async () => {
    await cp.dispose();
  });

  const post = (path: string, body: string, authorization = `Bearer ${TEST_ADMIN_KEY}`, type = "application/json") =>
    fetch(`${cp.url}${path}`, { method: "POST", headers: { authorization, "content-type": type }, body });

  const expectTooDeep = async (response: Response) => {
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    const problem = (await response.json()) as { code: string; detail: string; errors: { field: string }[] };
    expect(problem.code).toBe("validation_failed");
    expect(problem.detail).toContain("64 levels");
    expect(problem.errors).toEqual([{ field: "body", message: "nests deeper than 64 levels" }]);
  };

  it("refuses 10,000 levels on /run and /runsync with a 400 naming the limit", async () => {
    await expectTooDeep(await post(`/v2/${endpointId}/run`, nestedInput(10_000)));
    await expectTooDeep(await post(`/v2/${endpointId}/runsync`, nestedInput(10_000)));
  });

  it("accepts a job input at the limit and refuses one level more", async () => {
    // `{"input": ...}` is one level, so the input itself may nest 63 deep.
    const accepted = await post(`/v2/${endpointId}/run`, nestedInput(63));
    expect(accepted.status).toBe(200);
    await expectTooDeep(await post(`/v2/${endpointId}/run`, nestedInput(64)));
  });

  it("refuses it on management routes", async () => {
    const env = `{"name":"deep","command":["x"],"env":${'{"a":'.repeat(5000)}1${"}".repeat(5000)}}`;
    await expectTooDeep(await post("/v1/templates", env));
  });

  it("refuses it on worker routes, whose JSON comes under a form content type", async () => {
    const worker = await registerWorker(cp, endpointId);
    await post(`/v2/${endpointId}/run`, '{"input":{"n":1}}');
    const take = await fetch(`${cp.url}/v2/${endpointId}/job-take/${worker.id}?job_in_progress=0`, {
      headers: { authorization: worker.token },
    });
    expect(take.status).toBe(200);
    const job = (await take.json()) as { id: string };
    const deepOutput = `{"output":${"[".repeat(10_000)}${"]".repeat(10_000)}}`;
    await expectTooDeep(
      await post(
        `/v2/${endpointId}/job-done/${worker.id}/${job.id}`,
        deepOutput,
        worker.token,
        "application/x-www-form-urlencoded",
      ),
    );
    await expectTooDeep(
      await post(
        `/v2/${endpointId}/job-stream/${worker.id}/${job.id}`,
        deepOutput,
        worker.token,
        "application/x-www-form-urlencoded",
      ),
    );
    // The server is unharmed and the job can still end normally.
    const done = await post(
      `/v2/${endpointId}/job-done/${worker.id}/${job.id}`,
      '{"output":{"ok":true}}',
      worker.token,
      "application/x-www-form-urlencoded",
    );
    expect(done.status).toBe(200);
    const status = await cp.call<{ status: string }>("GET", `/v2/${endpointId}/status/${job.id}`);
    expect(status.body.status).toBe("COMPLETED");
  });
});
