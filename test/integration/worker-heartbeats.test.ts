import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createExternalEndpoint,
  registerWorker,
  startTestControlPlane,
  type TestControlPlane,
} from "../support/control-plane-process.js";
import { eventually, NODE, startWorker, stopAllWorkers } from "../support/workers.js";

const ECHO = [NODE, "examples/echo-worker/dist/worker.js"];

interface JobStatus {
  id: string;
  status: string;
  retries?: number;
}

/**
 * A busy worker names all its running jobs in its heartbeat (`/ping?job_id=a,b,c`). With ~40-character
 * job ids, 400 jobs already make a request head larger than Node's default limit of 16 KB: the server
 * answered 431, the leases ran out and every job ran twice.
 */
describe("heartbeats of a worker running hundreds of jobs", () => {
  let cp: TestControlPlane;

  beforeAll(async () => {
    cp = await startTestControlPlane({ jobLeaseMs: 3000 });
  });

  afterAll(async () => {
    await stopAllWorkers();
    await cp.dispose();
  });

  const submit = async (endpointId: string, count: number, input: unknown) => {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const { status, body } = await cp.call<{ id: string }>("POST", `/v2/${endpointId}/run`, { input });
      expect(status).toBe(200);
      ids.push(body.id);
    }
    return ids;
  };

  it("accepts a ping naming jobs up to the 65,536 characters the contract allows", async () => {
    const endpointId = await createExternalEndpoint(cp, ["true"]);
    const worker = await registerWorker(cp, endpointId, 1000);
    const ids = await submit(endpointId, 600, { n: 1 });
    // The worker takes all 600 (as a runpod worker at concurrency 600 would)...
    const taken: string[] = [];
    while (taken.length < ids.length) {
      const response = await fetch(
        `${cp.url}/v2/${endpointId}/job-take-batch/${worker.id}?batch_size=1000&job_in_progress=1`,
        { headers: { authorization: worker.token } },
      );
      expect(response.status).toBe(200);
      taken.push(...((await response.json()) as { id: string }[]).map((job) => job.id));
    }
    const jobIds = taken.join(",");
    expect(jobIds.length).toBeGreaterThan(20_000);
    // ... and pings for them, unsplit, past the lease: every job must stay with it.
    const ping = async (list: string) =>
      (
        await fetch(`${cp.url}/v2/${endpointId}/ping/${worker.id}?gpu=none&job_id=${list}`, {
          headers: { authorization: worker.token },
        })
      ).status;
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      expect(await ping(jobIds)).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const { body: jobs } = await cp.call<JobStatus[]>(
      "GET",
      `/v1/endpoints/${endpointId}/jobs?status=IN_PROGRESS&limit=1000`,
    );
    expect(jobs.filter((job) => ids.includes(job.id)).length).toBe(600);
    expect(jobs.every((job) => (job.retries ?? 0) === 0)).toBe(true);

    // The limit itself: 65,536 characters of ids (commas percent-encoded, as URLSearchParams sends them).
    const longest = Array.from({ length: 32_768 }, (_, i) => String.fromCharCode(97 + (i % 26))).join(",");
    expect(longest.length).toBe(65_535);
    expect(await ping(encodeURIComponent(`${longest}x`))).toBe(200);
    // One character more is a clear 400, not a 431 from the HTTP parser.
    expect(await ping(encodeURIComponent(`${longest}xy`))).toBe(400);
    // Ids are ASCII: 65,536 characters that are not, percent-encoded to ~390 KB, get a clear 400 too, never
    // a connection reset for a request head past what the server reads (found by the API fuzzer).
    expect(await ping(encodeURIComponent("Á".repeat(65_536)))).toBe(400);
  });

  it("keeps every job of a TypeScript worker at concurrency 500 leased: each runs once", async () => {
    const endpointId = await createExternalEndpoint(cp, ECHO);
    // Jobs outlast the lease (3 s) more than twice: only heartbeats keep them with their worker. They are
    // all queued first, so that the worker holds all 500 at once.
    const ids = await submit(endpointId, 500, { sleepMs: 7000 });
    const worker = await registerWorker(cp, endpointId, 500);
    startWorker(ECHO, { ...worker.env, ECHO_CONCURRENCY: "500" });
    const statuses = await eventually(
      async () => {
        const { body } = await cp.call<JobStatus[]>(
          "GET",
          `/v1/endpoints/${endpointId}/jobs?status=COMPLETED&limit=1000`,
        );
        return body.length >= ids.length ? body : undefined;
      },
      60_000,
      "500 jobs to complete",
    );
    expect(statuses.filter((job) => (job.retries ?? 0) > 0)).toEqual([]);
  });
});
