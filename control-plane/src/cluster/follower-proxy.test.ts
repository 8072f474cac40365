import { createServer, type RequestListener, type Server } from "node:http";
import {
  type AddressInfo,
  connect,
  createServer as createTcpServer,
  type Socket,
  type Server as TcpServer,
} from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../logging/logger.js";
import { FORWARDED_BY_HEADER, FollowerProxy, NOT_LEADER_HEADER } from "./follower-proxy.js";
import type { LeaderAddress } from "./leader-directory.js";

const servers: (Server | TcpServer)[] = [];
const proxies: FollowerProxy[] = [];

afterEach(async () => {
  for (const proxy of proxies.splice(0)) {
    await proxy.close();
  }
  for (const server of servers.splice(0)) {
    if ("closeAllConnections" in server) {
      server.closeAllConnections();
    }
    await new Promise((done) => server.close(done));
  }
});

/** A server on a free loopback port; returns its URL. */
async function serve(listener: RequestListener): Promise<string> {
  const server = createServer(listener);
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A leader that answers with what it received. */
const echoLeader: RequestListener = (request, response) => {
  const chunks: Buffer[] = [];
  request.on("data", (chunk: Buffer) => chunks.push(chunk));
  request.on("end", () => {
    response.writeHead(200, { "content-type": "application/json" }).end(
      JSON.stringify({
        method: request.method,
        url: request.url,
        headers: request.headers,
        body: Buffer.concat(chunks).toString(),
      }),
    );
  });
};

/**
 * A follower in front of whatever `leaders` yields, one published leader per lookup (the last one
 * repeats); returns its URL and how many lookups it made.
 */
async function follower(
  leaders: readonly (string | undefined)[],
  waitMs = 5_000,
): Promise<{ url: string; lookups: () => number }> {
  let lookups = 0;
  const proxy = new FollowerProxy({
    directory: {
      lookup: async (): Promise<LeaderAddress | undefined> => {
        const url = leaders[Math.min(lookups, leaders.length - 1)];
        lookups += 1;
        return url === undefined ? undefined : { replicaId: `rep_${lookups}`, url, since: 0, sshAddress: null };
      },
    },
    replicaId: "rep_follower",
    waitMs,
    retryMs: 50,
    logger: createLogger("fatal"),
  });
  proxies.push(proxy);
  return { url: await serve(proxy.handle), lookups: () => lookups };
}

describe("FollowerProxy", () => {
  it("relays a request to the leader with its key, Host and body, naming itself", async () => {
    const leader = await serve(echoLeader);
    const { url } = await follower([leader]);
    const response = await fetch(`${url}/v2/ep_1/run?x=1`, {
      method: "POST",
      headers: { authorization: "Bearer key_1", "content-type": "application/json" },
      body: JSON.stringify({ input: { n: 1 } }),
    });
    expect(response.status).toBe(200);
    const seen = (await response.json()) as {
      method: string;
      url: string;
      headers: Record<string, string>;
      body: string;
    };
    expect(seen).toMatchObject({ method: "POST", url: "/v2/ep_1/run?x=1", body: '{"input":{"n":1}}' });
    expect(seen.headers.authorization).toBe("Bearer key_1");
    expect(seen.headers.host).toBe(new URL(url).host);
    expect(seen.headers[FORWARDED_BY_HEADER]).toBe("rep_follower");
    expect(seen.headers["x-forwarded-for"]).toBe("127.0.0.1");
  });

  it("holds a request while no leader is published, and relays it once one is", async () => {
    const leader = await serve(echoLeader);
    const { url, lookups } = await follower([undefined, undefined, undefined, leader]);
    const response = await fetch(`${url}/v1/endpoints`);
    expect(response.status).toBe(200);
    expect(lookups()).toBe(4);
  });

  it("answers 503 leader_unavailable with Retry-After once no leader answered within its wait", async () => {
    const { url } = await follower([undefined], 200);
    const started = Date.now();
    const response = await fetch(`${url}/v1/endpoints`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("1");
    expect(((await response.json()) as { code: string }).code).toBe("leader_unavailable");
  });

  it("sends a POST again when the published leader refused the connection (it never got it)", async () => {
    const gone = await serve(echoLeader);
    await new Promise((done) => servers.pop()?.close(done));
    const leader = await serve(echoLeader);
    const { url } = await follower([gone, leader]);
    const response = await fetch(`${url}/v2/ep_1/run`, { method: "POST", body: '{"input":{}}' });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { body: string }).body).toBe('{"input":{}}');
  });

  it("looks again when the control plane it reached answers that it does not lead", async () => {
    const notLeader = await serve((_request, response) => {
      response.writeHead(503, { [NOT_LEADER_HEADER]: "1", "content-type": "application/problem+json" }).end("{}");
    });
    const leader = await serve(echoLeader);
    const { url } = await follower([notLeader, leader]);
    const response = await fetch(`${url}/v2/ep_1/run`, { method: "POST", body: "{}" });
    expect(response.status).toBe(200);
  });

  it("answers 502 leader_failed when the leader fails after taking a POST, and tries a GET once more", async () => {
    let requests = 0;
    const failing = await serve((request, response) => {
      requests += 1;
      request.resume();
      request.on("end", () => {
        if (request.method === "GET" && requests > 2) {
          response.end("second try");
          return;
        }
        response.socket?.destroy();
      });
    });
    const { url } = await follower([failing]);
    const post = await fetch(`${url}/v2/ep_1/run`, { method: "POST", body: "{}" });
    expect(post.status).toBe(502);
    expect(((await post.json()) as { code: string }).code).toBe("leader_failed");
    expect(requests).toBe(1);
    const get = await fetch(`${url}/v2/ep_1/status/job_1`);
    expect(get.status).toBe(200);
    expect(await get.text()).toBe("second try");
    expect(requests).toBe(3);
  });

  it("answers /metrics with its own figures: not leading, and its relayed requests by outcome", async () => {
    const leader = await serve(echoLeader);
    const { url } = await follower([leader]);
    await (await fetch(`${url}/v1/endpoints`)).text();
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/^runfleet_replica_leader 0$/m);
    expect(metrics).toMatch(/^runfleet_follower_requests_total\{outcome="relayed"\} 1$/m);
  });

  it("answers liveness itself, leader or not", async () => {
    const { url } = await follower([undefined], 0);
    const response = await fetch(`${url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });

  it("refuses to relay a request another follower relayed, so that requests never chain", async () => {
    const leader = await serve(echoLeader);
    const { url } = await follower([leader]);
    const response = await fetch(`${url}/v1/endpoints`, { headers: { [FORWARDED_BY_HEADER]: "rep_other" } });
    expect(response.status).toBe(503);
    expect(response.headers.get(NOT_LEADER_HEADER)).toBe("1");
  });

  describe("SSH connections", () => {
    /** A TCP server standing for a leader's SSH gateway: it greets, then echoes in upper case. */
    async function sshGateway(): Promise<{ address: string; accepted: () => number }> {
      let accepted = 0;
      const server = createTcpServer((socket) => {
        accepted += 1;
        socket.write("SSH-2.0-Leader\r\n");
        socket.on("data", (chunk: Buffer) => socket.write(chunk.toString().toUpperCase()));
      });
      servers.push(server);
      await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
      return { address: `127.0.0.1:${(server.address() as AddressInfo).port}`, accepted: () => accepted };
    }

    /** A port nothing listens on (a leader that died). */
    async function deadAddress(): Promise<string> {
      const server = createTcpServer();
      await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
      const port = (server.address() as AddressInfo).port;
      await new Promise((done) => server.close(done));
      return `127.0.0.1:${port}`;
    }

    /** A follower relaying SSH connections to the leaders `addresses` publishes, one per lookup. */
    async function sshFollower(addresses: readonly (string | null | undefined)[], waitMs = 5_000) {
      let lookups = 0;
      const proxy = new FollowerProxy({
        directory: {
          lookup: async (): Promise<LeaderAddress | undefined> => {
            const sshAddress = addresses[Math.min(lookups, addresses.length - 1)];
            lookups += 1;
            return sshAddress === undefined
              ? undefined
              : { replicaId: `rep_${lookups}`, url: "http://127.0.0.1:9", since: 0, sshAddress };
          },
        },
        replicaId: "rep_follower",
        waitMs,
        retryMs: 50,
        logger: createLogger("fatal"),
      });
      proxies.push(proxy);
      const front = createTcpServer((socket) => proxy.relaySsh(socket));
      servers.push(front);
      await new Promise<void>((done) => front.listen(0, "127.0.0.1", done));
      return { port: (front.address() as AddressInfo).port, lookups: () => lookups };
    }

    /** Connects, sends `line` and collects what comes back until the connection closes or `until` is seen. */
    function converse(port: number, line: string, until: string): Promise<{ received: string; closed: boolean }> {
      return new Promise((resolve) => {
        const socket: Socket = connect({ host: "127.0.0.1", port });
        let received = "";
        socket.on("error", () => undefined);
        socket.write(line);
        socket.on("data", (chunk: Buffer) => {
          received += chunk.toString();
          if (received.includes(until)) {
            socket.destroy();
            resolve({ received, closed: false });
          }
        });
        socket.on("close", () => resolve({ received, closed: true }));
      });
    }

    it("relays the bytes both ways to the leader's gateway, what the client sent first included", async () => {
      const gateway = await sshGateway();
      const follower = await sshFollower([gateway.address]);
      const { received, closed } = await converse(follower.port, "ssh-2.0-client\r\n", "SSH-2.0-CLIENT");
      expect(closed).toBe(false);
      expect(received).toBe("SSH-2.0-Leader\r\nSSH-2.0-CLIENT\r\n");
      expect(gateway.accepted()).toBe(1);
    });

    it("waits while no leader is published, and tries the next leader when the published one is gone", async () => {
      const gateway = await sshGateway();
      const follower = await sshFollower([undefined, await deadAddress(), gateway.address]);
      const { received } = await converse(follower.port, "hello", "HELLO");
      expect(received).toBe("SSH-2.0-Leader\r\nHELLO");
      expect(follower.lookups()).toBe(3);
    });

    it("hangs up when the leader runs no SSH gateway, or when none answers within the wait", async () => {
      const withoutGateway = await sshFollower([null]);
      expect(await converse(withoutGateway.port, "hello", "HELLO")).toEqual({ received: "", closed: true });
      const started = Date.now();
      const noLeader = await sshFollower([undefined], 300);
      expect(await converse(noLeader.port, "hello", "HELLO")).toEqual({ received: "", closed: true });
      expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    });
  });
});
