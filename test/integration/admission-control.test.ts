import { connect } from "node:net";
import type { ControlPlaneOptions } from "@runfleet/control-plane";
import { afterEach, describe, expect, it } from "vitest";
import {
  createExternalEndpoint,
  startTestControlPlane,
  TEST_ADMIN_KEY,
  type TestControlPlane,
} from "../support/control-plane-process.js";

describe("admission control of job submissions", () => {
  let cp: TestControlPlane | undefined;

  afterEach(async () => {
    await cp?.dispose();
    cp = undefined;
  });

  const start = async (options: ControlPlaneOptions) => {
    cp = await startTestControlPlane(options);
    return { cp, endpointId: await createExternalEndpoint(cp, ["true"]) };
  };

  const submit = (cp: TestControlPlane, endpointId: string, route = "run", key = TEST_ADMIN_KEY) =>
    fetch(`${cp.url}/v2/${endpointId}/${route}${route === "runsync" ? "?wait=1" : ""}`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ input: { n: 1 } }),
    });

  const expectRefused = async (response: Response, detail: RegExp) => {
    expect(response.status).toBe(429);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(Number(response.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    const problem = (await response.json()) as { code: string; detail: string };
    expect(problem.code).toBe("rate_limited");
    expect(problem.detail).toMatch(detail);
  };

  it("limits each key's submission rate with a token bucket, key by key", async () => {
    const { cp, endpointId } = await start({ submitRatePerKey: 1, submitBurstPerKey: 3 });
    for (let i = 0; i < 3; i++) {
      expect((await submit(cp, endpointId)).status).toBe(200);
    }
    await expectRefused(await submit(cp, endpointId), /submitRatePerKey/);
    await expectRefused(await submit(cp, endpointId, "runsync"), /submitRatePerKey/);
    const other = await cp.call<{ key: string }>("POST", "/v1/keys", { name: "other", scope: "invoke" });
    expect(other.status).toBe(201);
    expect((await submit(cp, endpointId, "run", other.body.key)).status).toBe(200);
    // Only the admitted jobs exist.
    const health = await cp.call<{ jobs: { inQueue: number } }>("GET", `/v2/${endpointId}/health`);
    expect(health.body.jobs.inQueue).toBe(4);
  });

  it("caps an endpoint's queue, and admits again once it drains", async () => {
    const { cp, endpointId } = await start({ maxQueuedJobsPerEndpoint: 2 });
    const other = await createExternalEndpoint(cp, ["true"]);
    expect((await submit(cp, endpointId)).status).toBe(200);
    expect((await submit(cp, endpointId)).status).toBe(200);
    await expectRefused(await submit(cp, endpointId), /2 jobs waiting.*maxQueuedJobsPerEndpoint/);
    await expectRefused(await submit(cp, endpointId, "runsync"), /maxQueuedJobsPerEndpoint/);
    expect((await submit(cp, other)).status).toBe(200);
    expect((await cp.call("POST", `/v2/${endpointId}/purge-queue`)).status).toBe(200);
    expect((await submit(cp, endpointId)).status).toBe(200);
  });

  it("caps submissions in flight, not runsyncs that only wait for their result", async () => {
    const { cp, endpointId } = await start({ maxInFlightSubmissions: 2 });
    // Two runsyncs wait (no worker runs their jobs) without holding a slot.
    const waiting = [submit(cp, endpointId, "runsync"), submit(cp, endpointId, "runsync")];
    expect((await submit(cp, endpointId)).status).toBe(200);
    expect((await Promise.all(waiting)).map((r) => r.status)).toEqual([200, 200]);
    // Two submissions whose bodies are still on their way hold both slots (admission is decided before
    // the body is read): a third is refused at once.
    const slow = [await openSlowRun(cp, endpointId), await openSlowRun(cp, endpointId)];
    await new Promise((r) => setTimeout(r, 200));
    await expectRefused(await submit(cp, endpointId), /serving 2 submissions.*maxInFlightSubmissions/);
    const answers = await Promise.all(slow.map((request) => request.finish()));
    expect(answers.map((answer) => answer.split(" ")[1])).toEqual(["200", "200"]);
    expect((await submit(cp, endpointId)).status).toBe(200);
    const health = await cp.call<{ jobs: { inQueue: number } }>("GET", `/v2/${endpointId}/health`);
    expect(health.body.jobs.inQueue).toBe(6);
  });
});

/** A `/run` sent over a raw socket, its body held back until `finish`; answers the status line. */
async function openSlowRun(cp: TestControlPlane, endpointId: string): Promise<{ finish: () => Promise<string> }> {
  const { port } = new URL(cp.url);
  const socket = connect(Number(port), "127.0.0.1");
  await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
  const body = JSON.stringify({ input: { slow: true } });
  socket.write(
    `POST /v2/${endpointId}/run HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${TEST_ADMIN_KEY}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body.slice(0, 5)}`,
  );
  let received = "";
  socket.on("data", (chunk) => {
    received += chunk.toString();
  });
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  return {
    finish: async () => {
      socket.write(body.slice(5));
      await closed;
      return received.split("\r\n")[0] ?? "";
    },
  };
}
