import { afterEach, describe, expect, it } from "vitest";
import {
  createExternalEndpoint,
  registerWorker,
  startTestControlPlane,
  TEST_ADMIN_KEY,
  type TestControlPlane,
} from "../support/control-plane-process.js";
import { mountSmallFilesystem, type SmallFilesystem } from "../support/small-filesystem.js";
import { eventually } from "../support/workers.js";

const fs = mountSmallFilesystem(4);
const suite = fs ? describe : describe.skip;
fs?.dispose();

suite("a control plane whose disk fills up", () => {
  let disk: SmallFilesystem;
  let cp: TestControlPlane | undefined;

  afterEach(async () => {
    await cp?.stop();
    cp = undefined;
    disk?.dispose();
  });

  const start = async () => {
    disk = mountSmallFilesystem(4) as SmallFilesystem;
    cp = await startTestControlPlane({}, disk.dir);
    return cp;
  };

  const run = (cp: TestControlPlane, endpointId: string, i: number) =>
    fetch(`${cp.url}/v2/${endpointId}/run`, {
      method: "POST",
      headers: { authorization: `Bearer ${TEST_ADMIN_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ input: { i, padding: "x".repeat(4000) } }),
    });

  /** Submits jobs until one is refused; returns the refusal. The WAL may still hold a little room. */
  const runUntilRefused = async (cp: TestControlPlane, endpointId: string) => {
    for (let i = 0; i < 2000; i++) {
      const response = await run(cp, endpointId, i);
      if (response.status !== 200) {
        return response;
      }
    }
    throw new Error("2,000 jobs of 4 KB were accepted on a full 4 MB filesystem");
  };

  it("refuses writes with a 507 naming the cause, is not ready meanwhile, and recovers when space returns", async () => {
    const cp = await start();
    const endpointId = await createExternalEndpoint(cp, ["true"]);
    expect((await run(cp, endpointId, -1)).status).toBe(200);

    disk.fill();
    const refused = await runUntilRefused(cp, endpointId);
    expect(refused.status).toBe(507);
    expect(refused.headers.get("content-type")).toBe("application/problem+json");
    expect(refused.headers.get("retry-after")).toBe("30");
    const problem = (await refused.json()) as { code: string; detail: string };
    expect(problem.code).toBe("storage_full");
    expect(problem.detail).toMatch(/disk is full/);

    const notReady = await fetch(`${cp.url}/readyz`);
    expect(notReady.status).toBe(503);
    const readiness = (await notReady.json()) as { status: string; checks: { store: string } };
    expect(readiness.status).toBe("not_ready");
    expect(readiness.checks.store).toMatch(/disk is full/);
    // Reads still work while writes fail.
    expect((await cp.call("GET", `/v2/${endpointId}/health`)).status).toBe(200);

    disk.free();
    // Readiness comes back by itself, without any traffic retrying a write.
    await eventually(async () => ((await fetch(`${cp.url}/readyz`)).status === 200 ? true : undefined), 10_000);
    expect((await run(cp, endpointId, 10_000)).status).toBe(200);
  });

  it("keeps the jobs a failed purge-queue did not cancel queued, and hands them out", async () => {
    const cp = await start();
    const endpointId = await createExternalEndpoint(cp, ["true"]);
    const first = (await (await run(cp, endpointId, 0)).json()) as { id: string };

    disk.fill();
    // Whatever was still accepted is queued too; the first refusal shows the disk is full now.
    expect((await runUntilRefused(cp, endpointId)).status).toBe(507);
    const queued = (await cp.call<{ jobs: { inQueue: number } }>("GET", `/v2/${endpointId}/health`)).body.jobs.inQueue;
    expect(queued).toBeGreaterThanOrEqual(1);

    const purge = await cp.call<{ code: string }>("POST", `/v2/${endpointId}/purge-queue`);
    expect(purge.status).toBe(507);
    expect(purge.body.code).toBe("storage_full");
    const status = await cp.call<{ status: string }>("GET", `/v2/${endpointId}/status/${first.id}`);
    expect(status.body.status).toBe("IN_QUEUE");

    disk.free();
    await eventually(async () => ((await fetch(`${cp.url}/readyz`)).status === 200 ? true : undefined), 10_000);
    // The jobs are still in the dispatch queue: a worker gets the first one at once.
    const worker = await registerWorker(cp, endpointId);
    const take = await fetch(`${cp.url}/v2/${endpointId}/job-take/${worker.id}?job_in_progress=0`, {
      headers: { authorization: worker.token },
    });
    expect(take.status).toBe(200);
    expect(((await take.json()) as { id: string }).id).toBe(first.id);
    const purged = await cp.call<{ removed: number }>("POST", `/v2/${endpointId}/purge-queue`);
    expect(purged.body.removed).toBe(queued - 1);
  });
});
