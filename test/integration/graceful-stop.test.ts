import { afterAll, describe, expect, it } from "vitest";
import {
  createExternalEndpoint,
  registerWorker,
  startTestControlPlane,
  TEST_ADMIN_KEY,
  type TestControlPlane,
} from "../support/control-plane-process.js";
import { NODE } from "../support/workers.js";

/**
 * A graceful stop answers the long polls it holds instead of cutting their connections: a worker's
 * job-take gets "no job" and a `runsync` gets its job as it is, to be polled later. A request a follower
 * relays to a leader that stops is then answered rather than failing with `502 leader_failed`.
 */
describe("a graceful stop with long polls held", () => {
  let cp: TestControlPlane | undefined;

  afterAll(async () => {
    await cp?.dispose();
  });

  it("answers a held job-take and a held runsync before it closes their connections", async () => {
    // Holds longer than the 2 s after which a stop cuts the connections still open.
    cp = await startTestControlPlane({ takeHoldMs: 30_000 });
    const idle = [NODE, "-e", "setInterval(() => {}, 1000)"];
    const withWorker = await createExternalEndpoint(cp, idle);
    const withoutWorker = await createExternalEndpoint(cp, idle);
    const worker = await registerWorker(cp, withWorker);
    const take = fetch(`${cp.url}/v2/${withWorker}/job-take/${worker.id}?job_in_progress=0`, {
      headers: { authorization: worker.token },
    });
    const runsync = fetch(`${cp.url}/v2/${withoutWorker}/runsync`, {
      method: "POST",
      headers: { authorization: `Bearer ${TEST_ADMIN_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ input: { n: 1 } }),
    });
    // Both held: nothing answers them while the control plane runs.
    const early = await Promise.race([take, runsync, new Promise((resolve) => setTimeout(() => resolve("held"), 500))]);
    expect(early).toBe("held");

    const stopping = cp.stop();
    const taken = await take;
    expect(taken.status).toBe(204);
    const synced = await runsync;
    expect(synced.status).toBe(200);
    expect(await synced.json()).toMatchObject({ status: "IN_QUEUE" });
    await stopping;
  }, 30_000);
});
