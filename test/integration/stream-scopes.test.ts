import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createExternalEndpoint,
  registerWorker,
  startTestControlPlane,
  type TestControlPlane,
} from "../support/control-plane-process.js";

interface StreamAnswer {
  status: string;
  stream: { output: unknown }[];
}

/** `/stream` hands each chunk out once: taking chunks is a change, which a read-only key may not make. */
describe("who may take a job's stream chunks", () => {
  let cp: TestControlPlane;
  let endpointId: string;
  let worker: { id: string; token: string };

  beforeAll(async () => {
    cp = await startTestControlPlane();
    endpointId = await createExternalEndpoint(cp, ["true"]);
    worker = await registerWorker(cp, endpointId);
  });

  afterAll(async () => {
    await cp.dispose();
  });

  const key = async (scope: string, endpointIds?: string[]) => {
    const { status, body } = await cp.call<{ key: string }>("POST", "/v1/keys", {
      name: `${scope}-key`,
      scope,
      ...(endpointIds ? { endpointIds } : {}),
    });
    expect(status).toBe(201);
    return body.key;
  };

  /** A running job with one chunk streamed and not yet taken. */
  const jobWithChunk = async (chunk: unknown) => {
    const { body: job } = await cp.call<{ id: string }>("POST", `/v2/${endpointId}/run`, { input: { n: 1 } });
    const taken = await fetch(`${cp.url}/v2/${endpointId}/job-take/${worker.id}?job_in_progress=0`, {
      headers: { authorization: worker.token },
    });
    expect(((await taken.json()) as { id: string }).id).toBe(job.id);
    const streamed = await fetch(`${cp.url}/v2/${endpointId}/job-stream/${worker.id}/${job.id}`, {
      method: "POST",
      headers: { authorization: worker.token, "content-type": "application/json" },
      body: JSON.stringify({ output: chunk }),
    });
    expect(streamed.status).toBe(200);
    return job.id;
  };

  it("refuses a read key (403), leaving the chunks to the client that runs the job", async () => {
    const jobId = await jobWithChunk({ chunk: 1 });
    const read = await cp.call<{ code: string; detail: string }>(
      "GET",
      `/v2/${endpointId}/stream/${jobId}?wait=0`,
      undefined,
      await key("read"),
    );
    expect(read.status).toBe(403);
    expect(read.body).toMatchObject({ code: "forbidden", detail: expect.stringMatching(/scope read/) });
    // A read key still follows the job through /status.
    const status = await cp.call("GET", `/v2/${endpointId}/status/${jobId}`, undefined, await key("read"));
    expect(status.status).toBe(200);

    const invoke = await cp.call<StreamAnswer>(
      "GET",
      `/v2/${endpointId}/stream/${jobId}?wait=0`,
      undefined,
      await key("invoke", [endpointId]),
    );
    expect(invoke.status).toBe(200);
    expect(invoke.body.stream).toEqual([{ output: { chunk: 1 } }]);
  });

  it("lets an admin key take them, and refuses an invoke key of another endpoint", async () => {
    const jobId = await jobWithChunk({ chunk: 2 });
    const other = await cp.call(
      "GET",
      `/v2/${endpointId}/stream/${jobId}?wait=0`,
      undefined,
      await key("invoke", [await createExternalEndpoint(cp, ["true"])]),
    );
    expect(other.status).toBe(403);
    const admin = await cp.call<StreamAnswer>("GET", `/v2/${endpointId}/stream/${jobId}?wait=0`);
    expect(admin.body.stream).toEqual([{ output: { chunk: 2 } }]);
  });
});
