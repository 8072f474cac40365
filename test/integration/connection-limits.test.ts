import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createExternalEndpoint,
  registerWorker,
  startTestControlPlane,
  TEST_ADMIN_KEY,
  type TestControlPlane,
} from "../support/control-plane-process.js";

/** A raw connection to the control plane that records what it receives and when it is closed. */
async function rawConnection(
  cp: TestControlPlane,
): Promise<{ socket: Socket; received: () => string; closed: Promise<number> }> {
  const socket = connect(Number(new URL(cp.url).port), "127.0.0.1");
  await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
  let received = "";
  socket.on("data", (chunk) => {
    received += chunk.toString();
  });
  socket.on("error", () => {});
  const opened = Date.now();
  const closed = new Promise<number>((resolve) => socket.once("close", () => resolve(Date.now() - opened)));
  return { socket, received: () => received, closed };
}

describe("request timeouts and the connection cap, over real sockets", () => {
  let cp: TestControlPlane;
  let endpointId: string;

  beforeAll(async () => {
    cp = await startTestControlPlane({
      requestTimeoutMs: 1500,
      headersTimeoutMs: 1000,
      maxConnections: 40,
      takeHoldMs: 3000,
    });
    endpointId = await createExternalEndpoint(cp, ["true"]);
  });

  afterAll(async () => {
    await cp.dispose();
  });

  it("answers a body trickled slower than requestTimeoutMs with 408 and closes the connection", async () => {
    const { socket, received, closed } = await rawConnection(cp);
    const body = JSON.stringify({ input: { prompt: "x".repeat(200) } });
    socket.write(
      `POST /v2/${endpointId}/run HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TEST_ADMIN_KEY}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
    );
    let sent = 0;
    const trickle = setInterval(() => {
      if (!socket.destroyed && sent < body.length) {
        socket.write(body[sent++] as string);
      }
    }, 100);
    const lifetime = await closed;
    clearInterval(trickle);
    expect(received()).toMatch(/^HTTP\/1\.1 408/);
    expect(sent).toBeLessThan(body.length);
    expect(lifetime).toBeLessThan(10_000);
  });

  it("closes a connection whose headers trickle slower than headersTimeoutMs", async () => {
    const { socket, received, closed } = await rawConnection(cp);
    socket.write("GET /healthz HTTP/1.1\r\n");
    const trickle = setInterval(() => {
      if (!socket.destroyed) {
        socket.write("X-Slow: y\r\n");
      }
    }, 100);
    const lifetime = await closed;
    clearInterval(trickle);
    expect(received()).toMatch(/^HTTP\/1\.1 408/);
    expect(lifetime).toBeLessThan(10_000);
  });

  it("does not cut long polls that outlast the request timeout", async () => {
    const worker = await registerWorker(cp, endpointId);
    const started = Date.now();
    // job-take is held for takeHoldMs (3 s, twice the request timeout) and answered 204.
    const take = await fetch(`${cp.url}/v2/${endpointId}/job-take/${worker.id}?job_in_progress=0`, {
      headers: { authorization: worker.token },
    });
    expect(take.status).toBe(204);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2900);
    // runsync waits 3 s for a job no worker runs, and answers its non-terminal status.
    const sync = await fetch(`${cp.url}/v2/${endpointId}/runsync?wait=3000`, {
      method: "POST",
      headers: { authorization: `Bearer ${TEST_ADMIN_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ input: {} }),
    });
    expect(sync.status).toBe(200);
    expect(((await sync.json()) as { status: string }).status).toBe("IN_QUEUE");
  });

  it("closes connections past maxConnections as they arrive", async () => {
    const held = await Promise.all(Array.from({ length: 40 }, () => rawConnection(cp)));
    const extra = await rawConnection(cp);
    expect(await extra.closed).toBeLessThan(5000);
    expect(extra.received()).toBe("");
    for (const connection of held) {
      connection.socket.destroy();
    }
    await Promise.all(held.map((connection) => connection.closed));
    expect((await fetch(`${cp.url}/healthz`)).status).toBe(200);
  });
});
