import { type AddressInfo, createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { pickWorker, type RoutableWorker } from "./pick-worker.js";
import { pingHealth } from "./ping-health.js";
import { bindable, PortAllocator, parsePortRange, wantsSeparateHealthPort } from "./port-allocator.js";
import { routedTarget } from "./routed-request.js";

const w = (workerId: string, inFlight: number, lastPicked = 0): RoutableWorker => ({ workerId, inFlight, lastPicked });

describe("pickWorker (least outstanding requests)", () => {
  it.each([
    ["no worker", [], [], undefined],
    ["the one with fewest requests in flight", [w("a", 3), w("b", 1), w("c", 2)], [], "b"],
    ["among equals, the one picked least recently", [w("a", 1, 7), w("b", 1, 3), w("c", 1, 5)], [], "b"],
    ["never one already tried", [w("a", 0), w("b", 5)], ["a"], "b"],
    ["none when all were tried", [w("a", 0)], ["a"], undefined],
  ] as [string, RoutableWorker[], string[], string | undefined][])("%s", (_name, workers, tried, expected) => {
    expect(pickWorker(workers, new Set(tried))?.workerId).toBe(expected);
  });

  it("considers only the workers it is told are eligible", () => {
    const workers = [w("a", 0), w("b", 4), w("c", 2)];
    expect(pickWorker(workers, undefined, (worker) => worker.workerId !== "a")?.workerId).toBe("c");
    expect(pickWorker(workers, new Set(["c"]), (worker) => worker.workerId !== "a")?.workerId).toBe("b");
  });
});

describe("pingHealth (RunPod's /ping contract)", () => {
  it.each([
    [{ kind: "answered", status: 200 }, false, "healthy"],
    [{ kind: "answered", status: 204 }, false, "initializing"],
    [{ kind: "answered", status: 204 }, true, "initializing"],
    [{ kind: "answered", status: 500 }, true, "unhealthy"],
    [{ kind: "answered", status: 503 }, false, "unhealthy"],
    [{ kind: "answered", status: 404 }, false, "unhealthy"],
    [{ kind: "failed", reason: "ECONNREFUSED" }, false, "initializing"],
    [{ kind: "failed", reason: "ECONNREFUSED" }, true, "unhealthy"],
  ] as const)("%o (ready before: %s) → %s", (outcome, everReady, expected) => {
    expect(pingHealth(outcome, everReady)).toBe(expected);
  });
});

describe("PortAllocator", () => {
  it("hands out ports of the range that no worker holds, wrapping around, and fails when none is left", async () => {
    const held = new Set<number>([20_001]);
    const ports = new PortAllocator(
      parsePortRange("20000-20002"),
      () => held,
      async () => true,
    );
    const a = await ports.allocate();
    held.add(a);
    const b = await ports.allocate();
    held.add(b);
    expect([a, b]).toEqual([20_000, 20_002]);
    await expect(ports.allocate()).rejects.toThrow(/no free port/);
    held.delete(20_000);
    expect(await ports.allocate()).toBe(20_000);
  });

  it("skips ports something else on the host holds", async () => {
    const taken = new Set([20_000, 20_001]);
    const ports = new PortAllocator(
      parsePortRange("20000-20002"),
      () => [],
      async (port) => !taken.has(port),
    );
    expect(await ports.allocate()).toBe(20_002);
  });

  it("probes a port by binding it on 127.0.0.1", async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen({ port: 0, host: "127.0.0.1" }, resolve));
    const port = (server.address() as AddressInfo).port;
    expect(await bindable(port)).toBe(false);
    await new Promise((resolve) => server.close(resolve));
    expect(await bindable(port)).toBe(true);
  });
});

describe("routedTarget (which requests the router takes)", () => {
  it.each([
    ["/lb/ep1/v1/generate?x=1", undefined, undefined, { endpointId: "ep1", target: "/v1/generate?x=1" }],
    ["/lb/ep1", undefined, undefined, { endpointId: "ep1", target: "/" }],
    ["/lb/ep1?x=1", undefined, undefined, { endpointId: "ep1", target: "/?x=1" }],
    ["/lb/ep1/", undefined, undefined, { endpointId: "ep1", target: "/" }],
    ["/lb/e%20p/x", undefined, undefined, { endpointId: "e p", target: "/x" }],
    ["/lb/%E0%A4%A/x", undefined, undefined, { endpointId: "%E0%A4%A", target: "/x" }],
    ["/lb/", undefined, undefined, undefined],
    ["/lb//x", undefined, undefined, undefined],
    ["/lbx/ep1", undefined, undefined, undefined],
    ["/v2/ep1/run", undefined, undefined, undefined],
    ["/v1/chat?q=1", "ep1.lb.example:8080", "lb.example", { endpointId: "ep1", target: "/v1/chat?q=1" }],
    ["/v1/chat", "EP1.LB.Example", "lb.example", { endpointId: "ep1", target: "/v1/chat" }],
    ["/v1/chat", "a.b.lb.example", "lb.example", undefined],
    ["/v1/chat", "lb.example", "lb.example", undefined],
    ["/v1/chat", "ep1.lb.example", undefined, undefined],
    ["/lb/ep2/x", "api.example", "lb.example", { endpointId: "ep2", target: "/x" }],
  ] as const)("%s (Host %s, domain %s)", (url, host, domain, expected) => {
    expect(routedTarget(url, host, domain)).toEqual(expected);
  });
});

describe("wantsSeparateHealthPort (RunPod's PORT_HEALTH setting)", () => {
  it.each([
    [{}, false],
    [{ PORT: "8000" }, false],
    [{ PORT_HEALTH: "8000", PORT: "8000" }, false],
    [{ PORT_HEALTH: "" }, false],
    [{ PORT_HEALTH: "8001", PORT: "8000" }, true],
    [{ PORT_HEALTH: "8001" }, true],
  ])("%o → %s", (env, expected) => {
    expect(wantsSeparateHealthPort(env)).toBe(expected);
  });
});
