import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createExternalEndpoint,
  registerWorker,
  startTestControlPlane,
  type TestControlPlane,
} from "../support/control-plane-process.js";
import { eventually } from "../support/workers.js";

interface JobStatus {
  status: string;
  retries?: number;
  output?: unknown;
  workerId?: string;
}

/**
 * A worker cut off from the control plane for longer than a lease finishes its job and keeps trying to
 * report it; by then the job was re-queued. Its result is still taken while nobody else took the job.
 */
describe("a result reported after the job's lease ran out", () => {
  let cp: TestControlPlane;

  beforeAll(async () => {
    cp = await startTestControlPlane({ jobLeaseMs: 500 });
  });

  afterAll(async () => {
    await cp.dispose();
  });

  const take = async (endpointId: string, worker: { id: string; token: string }) => {
    const response = await fetch(`${cp.url}/v2/${endpointId}/job-take/${worker.id}?job_in_progress=0`, {
      headers: { authorization: worker.token },
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { id: string }).id;
  };
  const finish = async (endpointId: string, worker: { id: string; token: string }, jobId: string, output: unknown) =>
    (
      await fetch(`${cp.url}/v2/${endpointId}/job-done/${worker.id}/${jobId}`, {
        method: "POST",
        headers: { authorization: worker.token, "content-type": "application/json" },
        body: JSON.stringify({ output }),
      })
    ).status;
  const requeued = (endpointId: string, jobId: string) =>
    eventually(
      async () => {
        const { body } = await cp.call<JobStatus>("GET", `/v2/${endpointId}/status/${jobId}`);
        return body.status === "IN_QUEUE" && body.retries === 1 ? body : undefined;
      },
      10_000,
      "the job to be re-queued after its lease",
    );

  it("is accepted from the worker that ran the job while the job waits in the queue", async () => {
    const endpointId = await createExternalEndpoint(cp, ["true"]);
    const worker = await registerWorker(cp, endpointId);
    const { body: job } = await cp.call<{ id: string }>("POST", `/v2/${endpointId}/run`, { input: { n: 1 } });
    expect(await take(endpointId, worker)).toBe(job.id);
    await requeued(endpointId, job.id);

    expect(await finish(endpointId, worker, job.id, { late: true })).toBe(200);
    const { body } = await cp.call<JobStatus>("GET", `/v2/${endpointId}/status/${job.id}`);
    expect(body).toMatchObject({ status: "COMPLETED", output: { late: true }, workerId: worker.id });
    // It is no longer in the queue: nobody gets it to run again.
    const health = await cp.call<{ jobs: { inQueue: number } }>("GET", `/v2/${endpointId}/health`);
    expect(health.body.jobs.inQueue).toBe(0);
  });

  it("is refused (409) once another worker took the job, and from a worker that never ran it", async () => {
    const endpointId = await createExternalEndpoint(cp, ["true"]);
    const first = await registerWorker(cp, endpointId);
    const second = await registerWorker(cp, endpointId);
    const { body: job } = await cp.call<{ id: string }>("POST", `/v2/${endpointId}/run`, { input: { n: 2 } });
    expect(await take(endpointId, first)).toBe(job.id);
    await requeued(endpointId, job.id);
    expect(await finish(endpointId, second, job.id, { from: "a stranger" })).toBe(409);

    expect(await take(endpointId, second)).toBe(job.id);
    expect(await finish(endpointId, first, job.id, { late: true })).toBe(409);
    expect(await finish(endpointId, second, job.id, { from: "second" })).toBe(200);
    const { body } = await cp.call<JobStatus>("GET", `/v2/${endpointId}/status/${job.id}`);
    expect(body).toMatchObject({ status: "COMPLETED", output: { from: "second" } });
  });
});
