import { spawnSync } from "node:child_process";
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { inProcessControlPlane } from "../support/api-client.js";
import {
  createCommandEndpoint,
  requireService,
  startTestControlPlane,
  TEST_ADMIN_KEY,
  type TestControlPlane,
} from "../support/control-plane-process.js";
import { eventually, NODE, processRunning, VENV_PYTHON } from "../support/workers.js";

/** The router's test worker: a node:http server on $PORT (see the file for its routes). */
const LB_WORKER = [NODE, "test/fixtures/lb-test-worker.mjs"];

interface WorkerView {
  id: string;
  status: string;
}

interface WhoAmI {
  workerId: string;
  pid: number;
  headers: Record<string, string>;
  url: string;
  readyAt: number | null;
  port: number;
  healthPort: number;
}

interface Events {
  workerId: string;
  readyAt: number | null;
  events: { kind: string; path: string; at: number }[];
}

describe("load-balancing endpoints: requests routed to the workers' own HTTP servers", () => {
  let cp: TestControlPlane;

  beforeAll(async () => {
    // A port range of its own, so that parallel test files do not contend for the same ports.
    const first = 21_000 + Math.floor(Math.random() * 400) * 100;
    cp = await startTestControlPlane({
      lbPortRange: `${first}-${first + 99}`,
      lbHealthIntervalMs: 100,
      lbColdStartWaitMs: 8_000,
      lbUnhealthyTimeoutMs: 1_500,
      metricsIntervalMs: 200,
      autoscalerTickMs: 100,
      workerStopGraceMs: 1_000,
      lbDomain: "lb.test",
    });
  });

  afterAll(async () => {
    await cp.dispose();
  });

  const lbEndpoint = (settings: Record<string, unknown>) =>
    createCommandEndpoint(cp, LB_WORKER, { type: "LOAD_BALANCER", scalerType: "REQUEST_COUNT", ...settings });
  const route = (endpointId: string, path: string, init: RequestInit = {}, key = TEST_ADMIN_KEY) =>
    fetch(`${cp.url}/lb/${endpointId}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${key}`, ...(init.headers as Record<string, string> | undefined) },
    });
  const workersOf = async (endpointId: string) =>
    (await cp.call<WorkerView[]>("GET", `/v1/endpoints/${endpointId}/workers`)).body;
  const idleWorkers = (endpointId: string, count: number) =>
    eventually(
      async () => {
        const workers = await workersOf(endpointId);
        return workers.filter((w) => w.status === "IDLE").length === count ? workers : undefined;
      },
      20_000,
      `${count} idle worker(s)`,
    );

  it("starts a worker for the first request (0 → 1), which waits and then succeeds, then scales back to 0", async () => {
    const endpointId = await lbEndpoint({ workersMin: 0, workersMax: 2, idleTimeout: 1 });
    expect(await workersOf(endpointId)).toEqual([]);
    const response = await route(endpointId, "/whoami?x=1&y=two", { headers: { "x-forwarded-for": "10.0.0.9" } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as WhoAmI;
    const workers = await workersOf(endpointId);
    expect(workers.map((w) => w.id)).toEqual([body.workerId]);
    // The path and query reach the worker as sent; X-Forwarded-* are set; the platform's key is not passed on.
    expect(body.url).toBe("/whoami?x=1&y=two");
    expect(body.headers["x-forwarded-for"]).toBe("10.0.0.9, 127.0.0.1");
    expect(body.headers["x-forwarded-host"]).toBe(new URL(cp.url).host);
    expect(body.headers["x-forwarded-proto"]).toBe("http");
    expect(body.headers.authorization).toBeUndefined();
    // Idle past idleTimeout (1 s) with workersMin 0: back to no worker.
    await eventually(async () => ((await workersOf(endpointId)).length === 0 ? true : undefined), 20_000, "scale to 0");
  });

  it("passes any method, status, headers and request body through", async () => {
    const endpointId = await lbEndpoint({ workersMin: 1, workersMax: 1, idleTimeout: 60 });
    const response = await route(endpointId, "/echo", {
      method: "PUT",
      body: JSON.stringify({ hello: "worker" }),
      headers: { "content-type": "application/json" },
    });
    expect(response.status).toBe(201);
    const body = (await response.json()) as { workerId: string; method: string; body: string };
    expect(response.headers.get("x-worker")).toBe(body.workerId);
    expect(body).toMatchObject({ method: "PUT", body: '{"hello":"worker"}' });
    const missing = await route(endpointId, "/nope");
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: "no route /nope" });
  });

  it("spreads concurrent requests over the healthy workers by least outstanding requests", async () => {
    const endpointId = await lbEndpoint({ workersMin: 3, workersMax: 3, idleTimeout: 60, scalerValue: 10 });
    await idleWorkers(endpointId, 3);
    const answers = await Promise.all(
      Array.from({ length: 12 }, async () => {
        // Held long enough that all 12 are in flight together, however slow the machine.
        const response = await route(endpointId, "/slow?ms=1500");
        expect(response.status).toBe(200);
        return ((await response.json()) as { workerId: string }).workerId;
      }),
    );
    const perWorker = new Map<string, number>();
    for (const workerId of answers) {
      perWorker.set(workerId, (perWorker.get(workerId) ?? 0) + 1);
    }
    expect([...perWorker.values()].sort()).toEqual([4, 4, 4]);
  });

  it("scales out by concurrent requests per worker (REQUEST_COUNT)", async () => {
    const endpointId = await lbEndpoint({ workersMin: 0, workersMax: 3, idleTimeout: 60, scalerValue: 1 });
    const requests = Array.from({ length: 3 }, () => route(endpointId, "/slow?ms=4000"));
    const workers = await eventually(
      async () => {
        const list = await workersOf(endpointId);
        return list.length === 3 ? list : undefined;
      },
      15_000,
      "3 workers for 3 concurrent requests",
    );
    expect(workers).toHaveLength(3);
    for (const response of await Promise.all(requests)) {
      expect(response.status).toBe(200);
    }
  });

  it("streams a response as it is produced (the first event arrives before the last is produced)", async () => {
    const endpointId = await lbEndpoint({ workersMin: 1, workersMax: 1, idleTimeout: 60 });
    await idleWorkers(endpointId, 1);
    const response = await route(endpointId, "/stream?n=4&interval=300");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    const arrivals: { i: number; producedAt: number; arrivedAt: number }[] = [];
    let buffer = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        break;
      }
      buffer += decoder.decode(value, { stream: true });
      let end = buffer.indexOf("\n\n");
      while (end >= 0) {
        const event = JSON.parse(buffer.slice(0, end).replace(/^data: /, "")) as { i: number; producedAt: number };
        arrivals.push({ ...event, arrivedAt: Date.now() });
        buffer = buffer.slice(end + 2);
        end = buffer.indexOf("\n\n");
      }
    }
    expect(arrivals.map((a) => a.i)).toEqual([0, 1, 2, 3]);
    const first = arrivals[0] as (typeof arrivals)[number];
    const last = arrivals[3] as (typeof arrivals)[number];
    expect(first.arrivedAt).toBeLessThan(last.producedAt);
  });

  it("propagates a client's disconnect to the worker, and frees the worker", async () => {
    const endpointId = await lbEndpoint({ workersMin: 1, workersMax: 1, idleTimeout: 60 });
    await idleWorkers(endpointId, 1);
    const abort = new AbortController();
    const pending = route(endpointId, "/hang", { signal: abort.signal }).catch((error: Error) => error);
    await eventually(
      async () => {
        const { body } = await cp.call<WorkerView[]>("GET", `/v1/endpoints/${endpointId}/workers`);
        return body[0]?.status === "RUNNING" ? true : undefined;
      },
      10_000,
      "the worker RUNNING the request",
    );
    abort.abort();
    expect(await pending).toBeInstanceOf(Error);
    const events = await eventually(
      async () => {
        const body = (await (await route(endpointId, "/_events")).json()) as Events;
        return body.events.some((e) => e.kind === "aborted" && e.path === "/hang") ? body : undefined;
      },
      10_000,
      "the worker to see the abort",
    );
    expect(events.events.filter((e) => e.path === "/hang").map((e) => e.kind)).toEqual(["request", "aborted"]);
    await idleWorkers(endpointId, 1);
  });

  it("answers 502 when a worker dies mid-request, and replaces the worker", async () => {
    const endpointId = await lbEndpoint({ workersMin: 1, workersMax: 1, idleTimeout: 60 });
    await idleWorkers(endpointId, 1);
    const victim = (await (await route(endpointId, "/whoami")).json()) as WhoAmI;
    const pending = route(endpointId, "/hang", { method: "POST", body: "x" });
    pending.catch(() => {});
    await eventually(
      async () => ((await workersOf(endpointId))[0]?.status === "RUNNING" ? true : undefined),
      10_000,
      "the request in flight",
    );
    process.kill(victim.pid, "SIGKILL");
    const response = await pending;
    expect(response.status).toBe(502);
    expect(await response.json()).toMatchObject({ code: "worker_failed" });
    const replaced = await eventually(
      async () => {
        const workers = await workersOf(endpointId);
        return workers.length === 1 && workers[0]?.id !== victim.workerId && workers[0]?.status === "IDLE"
          ? workers[0]
          : undefined;
      },
      20_000,
      "a replacement worker",
    );
    const after = (await (await route(endpointId, "/whoami")).json()) as WhoAmI;
    expect(after.workerId).toBe(replaced.id);
  });

  it("retries a GET once on another worker when its worker dies before answering", async () => {
    const endpointId = await lbEndpoint({ workersMin: 2, workersMax: 2, idleTimeout: 60, scalerValue: 10 });
    await idleWorkers(endpointId, 2);
    // Equal load goes to the worker picked least recently: A, then B, then A again.
    const a = (await (await route(endpointId, "/whoami")).json()) as WhoAmI;
    const b = (await (await route(endpointId, "/whoami")).json()) as WhoAmI;
    expect(b.workerId).not.toBe(a.workerId);
    const pending = route(endpointId, "/slow?ms=1500");
    await eventually(
      async () =>
        (await workersOf(endpointId)).find((w) => w.id === a.workerId)?.status === "RUNNING" ? true : undefined,
      10_000,
      "the GET in flight on the first worker",
    );
    process.kill(a.pid, "SIGKILL");
    const response = await pending;
    expect(response.status).toBe(200);
    expect(((await response.json()) as { workerId: string }).workerId).toBe(b.workerId);
  });

  it("routes {endpointId}.{lb-domain} Host headers with their whole path", async () => {
    const endpointId = await lbEndpoint({ workersMin: 1, workersMax: 1, idleTimeout: 60 });
    await idleWorkers(endpointId, 1);
    const { port } = new URL(cp.url);
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = httpRequest(
        {
          host: "127.0.0.1",
          port,
          path: "/whoami?via=host",
          headers: { host: `${endpointId}.lb.test`, authorization: `Bearer ${TEST_ADMIN_KEY}` },
        },
        (response) => {
          let body = "";
          response.on("data", (chunk: Buffer) => {
            body += chunk.toString();
          });
          response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
        },
      );
      request.on("error", reject);
      request.end();
    });
    expect(answer.status).toBe(200);
    const body = JSON.parse(answer.body) as WhoAmI;
    expect(body.url).toBe("/whoami?via=host");
    expect(body.headers["x-forwarded-host"]).toBe(`${endpointId}.lb.test`);
    // Other hosts still reach the API.
    expect((await cp.call("GET", `/v1/endpoints/${endpointId}`)).status).toBe(200);
  });

  it("keeps a worker answering /ping 204 out of rotation (INITIALIZING) until it answers 200", async () => {
    const endpointId = await lbEndpoint({
      workersMin: 0,
      workersMax: 1,
      idleTimeout: 60,
      env: { LB_INIT_MS: "2500" },
    });
    const sentAt = Date.now();
    const pending = route(endpointId, "/whoami");
    const initializing = await eventually(
      async () => {
        const workers = await workersOf(endpointId);
        return workers[0]?.status === "INITIALIZING" ? workers[0] : undefined;
      },
      10_000,
      "an INITIALIZING worker",
    );
    const response = await pending;
    expect(response.status).toBe(200);
    const body = (await response.json()) as WhoAmI;
    expect(body.workerId).toBe(initializing.id);
    const events = (await (await route(endpointId, "/_events")).json()) as Events;
    const ready = events.readyAt as number;
    expect(ready - sentAt).toBeGreaterThanOrEqual(2_000);
    // The worker saw no request before its first 200 answer to /ping.
    expect(events.events[0]?.at).toBeGreaterThanOrEqual(ready);
  });

  it("stops and replaces a worker whose /ping keeps failing past the unhealthy timeout", async () => {
    const endpointId = await lbEndpoint({ workersMin: 1, workersMax: 2, idleTimeout: 60 });
    await idleWorkers(endpointId, 1);
    const sick = (await (await route(endpointId, "/whoami")).json()) as WhoAmI;
    expect((await route(endpointId, "/_sick", { method: "POST" })).status).toBe(200);
    // Out of rotation and UNHEALTHY from its first failed /ping, with the reason.
    const unhealthy = await eventually(
      async () => {
        const workers = await cp.call<(WorkerView & { reason: string | null })[]>(
          "GET",
          `/v1/endpoints/${endpointId}/workers`,
        );
        return workers.body.find((w) => w.id === sick.workerId && w.status === "UNHEALTHY");
      },
      5_000,
      "the sick worker UNHEALTHY",
    );
    expect(unhealthy.reason).toMatch(/GET \/ping answered 500/);
    const markedAt = Date.now();
    // Then stopped (its process ends) and replaced by a worker that serves.
    await eventually(
      async () => {
        const workers = await workersOf(endpointId);
        return !workers.some((w) => w.id === sick.workerId) && workers.some((w) => w.status === "IDLE")
          ? workers
          : undefined;
      },
      20_000,
      "the sick worker replaced",
    );
    expect(Date.now() - markedAt).toBeGreaterThanOrEqual(1_000);
    expect(processRunning(sick.pid)).toBe(false);
    const served = (await (await route(endpointId, "/whoami")).json()) as WhoAmI;
    expect(served.workerId).not.toBe(sick.workerId);
    const events = (
      await cp.call<{ action: string; workerId: string | null; reason: string }[]>(
        "GET",
        `/v1/endpoints/${endpointId}/scaling-events`,
      )
    ).body;
    const replaced = events.find((e) => e.action === "replace_worker" && e.workerId === sick.workerId);
    expect(replaced?.reason).toMatch(/failed its health check for \d+ s \(limit 2 s\); replaced/);
  });

  it("gives a worker a separate PORT_HEALTH when the endpoint's env asks for one, and checks /ping there", async () => {
    // RunPod's settings name the app's own ports; here each worker gets free ones from the range instead.
    const endpointId = await lbEndpoint({
      workersMin: 0,
      workersMax: 1,
      idleTimeout: 60,
      env: { PORT: "8000", PORT_HEALTH: "8001" },
    });
    // The fixture answers /ping on PORT_HEALTH only (404 on PORT): it becomes ready only if asked there.
    const response = await route(endpointId, "/whoami");
    expect(response.status).toBe(200);
    const body = (await response.json()) as WhoAmI;
    expect(body.port).not.toBe(8000);
    expect(body.healthPort).not.toBe(8001);
    expect(body.healthPort).not.toBe(body.port);
    expect(body.readyAt).not.toBeNull();
    await idleWorkers(endpointId, 1);
  });

  it("proxies a WebSocket upgrade both ways, counting the connection as a request in flight", async () => {
    const endpointId = await lbEndpoint({ workersMin: 1, workersMax: 1, idleTimeout: 60 });
    await idleWorkers(endpointId, 1);
    const base = cp.url.replace(/^http/, "ws");
    const socket = new WebSocket(`${base}/lb/${endpointId}/ws?room=a`, {
      headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` },
    });
    const messages: string[] = [];
    socket.on("message", (data) => messages.push(String(data)));
    await new Promise<void>((resolve, reject) => {
      socket.once("open", () => resolve());
      socket.once("error", reject);
    });
    const hello = JSON.parse(await eventually(async () => messages[0], 5_000, "the worker's hello")) as {
      workerId: string;
      headers: Record<string, string>;
      url: string;
    };
    expect(hello.url).toBe("/ws?room=a");
    expect(hello.headers.authorization).toBeUndefined();
    expect(hello.headers["x-forwarded-for"]).toBe("127.0.0.1");
    socket.send("one");
    socket.send("two");
    await eventually(async () => (messages.length >= 3 ? messages : undefined), 5_000, "two echoes");
    expect(messages.slice(1)).toEqual([`${hello.workerId}:one`, `${hello.workerId}:two`]);
    // While it is open, the worker serves a request.
    await eventually(
      async () => (await workersOf(endpointId)).find((w) => w.status === "RUNNING"),
      5_000,
      "the worker RUNNING",
    );
    socket.close();
    await idleWorkers(endpointId, 1);
    // A refused upgrade (no WebSocket at that path) is the worker's answer; a missing key is ours.
    const refused = (path: string, headers: Record<string, string>) =>
      new Promise<number>((resolve, reject) => {
        const attempt = new WebSocket(`${base}/lb/${endpointId}${path}`, { headers });
        attempt.once("unexpected-response", (_request, response) => {
          resolve(response.statusCode ?? 0);
          attempt.terminate();
        });
        attempt.once("open", () => reject(new Error(`${path} opened`)));
        // Terminating a connection that never opened reports that as an error; it is expected here.
        attempt.on("error", () => {});
      });
    expect(await refused("/elsewhere", { authorization: `Bearer ${TEST_ADMIN_KEY}` })).toBe(400);
    expect(await refused("/ws", {})).toBe(401);
  });

  it("answers 503 with Retry-After when no healthy worker comes up in time", async () => {
    // A command that exits at once never becomes healthy.
    const endpointId = await createCommandEndpoint(cp, [NODE, "-e", "process.exit(3)"], {
      type: "LOAD_BALANCER",
      workersMax: 1,
    });
    const started = Date.now();
    const response = await route(endpointId, "/anything");
    expect(response.status).toBe(503);
    expect(Date.now() - started).toBeGreaterThanOrEqual(7_500);
    expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await response.json()).toMatchObject({ code: "worker_unavailable" });
  });

  it("authenticates like the job API and refuses queue endpoints", async () => {
    const endpointId = await lbEndpoint({ workersMin: 0, workersMax: 1 });
    expect((await fetch(`${cp.url}/lb/${endpointId}/whoami`)).status).toBe(401);
    const other = await lbEndpoint({ workersMin: 0, workersMax: 1 });
    const key = await cp.call<{ key: string }>("POST", "/v1/keys", {
      name: "invoke-other",
      scope: "invoke",
      endpointIds: [other],
    });
    expect(key.status).toBe(201);
    const refused = await route(endpointId, "/whoami", {}, key.body.key);
    expect(refused.status).toBe(403);
    const queueEndpoint = await createCommandEndpoint(cp, LB_WORKER, { workersMax: 0 });
    const wrongType = await route(queueEndpoint, "/whoami");
    expect(wrongType.status).toBe(400);
    expect(await wrongType.json()).toMatchObject({ code: "endpoint_type_mismatch" });
    const { body } = await cp.call<{ type: string }>("GET", `/v1/endpoints/${queueEndpoint}`);
    expect(body.type).toBe("QUEUE");
    // And jobs are refused by load-balancing endpoints, which have no handler to take them.
    const job = await cp.call<{ code: string }>("POST", `/v2/${endpointId}/run`, { input: {} });
    expect(job.status).toBe(400);
    expect(job.body.code).toBe("endpoint_type_mismatch");
  });

  /** Calls an example worker's JSON and streaming routes through the router. */
  const exerciseExample = async (endpointId: string) => {
    const generated = await route(endpointId, "/v1/generate", {
      method: "POST",
      body: JSON.stringify({ prompt: "abc" }),
      headers: { "content-type": "application/json" },
    });
    expect(generated.status).toBe(200);
    expect(await generated.json()).toMatchObject({ text: "cba", tokens: 3 });
    const streamed = await route(endpointId, "/v1/stream?prompt=one%20two&intervalMs=10");
    expect(streamed.status).toBe(200);
    expect(streamed.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const text = await streamed.text();
    expect(text).toMatch(/"token": ?"one"/);
    expect(text).toMatch(/"token": ?"two"/);
    expect(text).toMatch(/\[DONE\]/);
  };

  it("runs the Hono example worker (examples/lb-hono-worker) from zero", async () => {
    const endpointId = await createCommandEndpoint(cp, [NODE, "examples/lb-hono-worker/dist/server.js"], {
      type: "LOAD_BALANCER",
      workersMax: 1,
      env: { MODEL_LOAD_MS: "300" },
    });
    await exerciseExample(endpointId);
  });

  it("runs the FastAPI example worker (examples/lb-fastapi-worker) from zero", async () => {
    const fastapi = spawnSync(VENV_PYTHON, ["-c", "import fastapi, uvicorn"]).status === 0;
    if (
      !requireService(
        fastapi,
        "fastapi and uvicorn in .venv (pip install -r examples/lb-fastapi-worker/requirements.txt)",
      )
    ) {
      return;
    }
    const endpointId = await createCommandEndpoint(cp, [VENV_PYTHON, "examples/lb-fastapi-worker/app.py"], {
      type: "LOAD_BALANCER",
      workersMax: 1,
      env: { MODEL_LOAD_SECONDS: "0.3" },
    });
    await exerciseExample(endpointId);
  });

  it("exports request metrics for load-balancing endpoints", async () => {
    const text = await (
      await fetch(`${cp.url}/metrics`, { headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` } })
    ).text();
    expect(text).toMatch(/runfleet_lb_requests_total\{endpoint="[^"]+",code="200"\} \d+/);
    expect(text).toMatch(/runfleet_lb_request_seconds_bucket/);
    expect(text).toMatch(/runfleet_lb_requests_in_flight\{endpoint="[^"]+"\} 0/);
  });

  it("keeps a request series (requests, errors, latency, in flight) in the endpoint's metric history", async () => {
    const endpointId = await lbEndpoint({ workersMin: 1, workersMax: 1, idleTimeout: 60 });
    await idleWorkers(endpointId, 1);
    const from = new Date(Date.now() - 1_000).toISOString();
    // 6 answered 200 after about 150 ms, 2 answered 404 (not errors), one 500, one held over samples.
    const held = route(endpointId, "/slow?ms=1500");
    await Promise.all([
      ...Array.from({ length: 6 }, () => route(endpointId, "/slow?ms=150").then((r) => r.text())),
      ...Array.from({ length: 2 }, () => route(endpointId, "/missing").then((r) => r.text())),
      route(endpointId, "/fail").then((r) => r.text()),
    ]);
    await (await held).text();
    interface Bucket {
      requests: number;
      requestErrors: number;
      requestsInFlight: number;
      requestLatency: { p50: number | null; count: number };
    }
    const metrics = await eventually(
      async () => {
        const answer = await cp.call<{ points: Bucket[]; requestLatency: { p50: number | null; count: number } }>(
          "GET",
          `/v1/endpoints/${endpointId}/metrics?from=${encodeURIComponent(from)}&step=10`,
        );
        const total = answer.body.points.reduce((sum, point) => sum + point.requests, 0);
        return total >= 10 ? answer.body : undefined;
      },
      10_000,
      "10 requests in the metric history",
    );
    const points = metrics.points;
    expect(points.reduce((sum, point) => sum + point.requests, 0)).toBe(10);
    expect(points.reduce((sum, point) => sum + point.requestErrors, 0)).toBe(1);
    expect(Math.max(...points.map((point) => point.requestsInFlight))).toBeGreaterThan(0);
    expect(metrics.requestLatency.count).toBe(10);
    expect(metrics.requestLatency.p50).toBeGreaterThanOrEqual(100);
  });
});

describe("the router in-process (Web Request/Response, as embedders call controlPlane.fetch)", () => {
  it("routes a request with a body and streams an answer to a real worker process", async () => {
    const first = 25_000 + Math.floor(Math.random() * 400) * 10;
    const { controlPlane, api, dispose } = await inProcessControlPlane({
      lbPortRange: `${first}-${first + 9}`,
      lbHealthIntervalMs: 100,
      autoscalerTickMs: 100,
      workerStopGraceMs: 1_000,
    });
    try {
      const template = await api.POST("/v1/templates", { body: { name: "lb-inproc", command: LB_WORKER } });
      const endpoint = await api.POST("/v1/endpoints", {
        body: { name: "lb-inproc", templateId: template.data?.id ?? "", type: "LOAD_BALANCER", computeType: "CPU" },
      });
      const endpointId = endpoint.data?.id ?? "";
      const call = (path: string, init: RequestInit = {}) =>
        controlPlane.fetch(
          new Request(`http://control-plane.test/lb/${endpointId}${path}`, {
            ...init,
            headers: { authorization: `Bearer ${TEST_ADMIN_KEY}`, "content-type": "text/plain" },
          }),
        );
      const echoed = await call("/echo", { method: "POST", body: "in-process" });
      expect(echoed.status).toBe(201);
      expect(await echoed.json()).toMatchObject({ method: "POST", body: "in-process" });
      const streamed = await call("/stream?n=3&interval=20");
      expect(streamed.status).toBe(200);
      expect((await streamed.text()).match(/^data: /gm)).toHaveLength(3);
    } finally {
      await dispose();
    }
  });
});
