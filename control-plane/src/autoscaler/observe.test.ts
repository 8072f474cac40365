import { describe, expect, test } from "vitest";
import { ENDPOINT_DEFAULTS } from "../domain/endpoint-settings.js";
import type { EndpointRecord, WorkerRecord } from "../store/records.js";
import { observeEndpoint } from "./observe.js";

const endpoint: EndpointRecord = {
  ...ENDPOINT_DEFAULTS,
  id: "ep",
  name: "ep",
  templateId: "tpl",
  version: 2,
  createdAt: 0,
  updatedAt: 0,
};
const worker = (id: string, over: Partial<WorkerRecord> = {}): WorkerRecord => ({
  id,
  endpointId: "ep",
  driver: "process",
  tokenHash: "",
  concurrency: 1,
  endpointVersion: 2,
  gpuIds: [],
  createdAt: 100,
  readyAt: 200,
  lastSeenAt: null,
  unhealthyReason: null,
  draining: false,
  placement: "active",
  port: null,
  healthPort: null,
  ...over,
});

describe("observeEndpoint", () => {
  test("maps worker statuses to decide()'s phases and passes the queue through", () => {
    const observed = observeEndpoint({
      endpoint,
      workers: [
        worker("booting", { readyAt: null }),
        worker("busy"),
        worker("idle"),
        worker("standby", { placement: "standby" }),
        worker("throttled", { placement: "throttled", readyAt: null }),
        worker("draining", { draining: true }),
        worker("external", { driver: "external", endpointVersion: 1 }),
      ],
      runningJobs: (id) => (id === "busy" ? 1 : 0),
      inProgress: 1,
      queue: { queuedNormal: 3, oldestQueuedAt: 900 },
      idleSince: new Map(),
      launchedAt: (id) => (id === "booting" ? 150 : undefined),
      backoff: undefined,
      initTimeoutMs: 1000,
      now: 1000,
    });
    expect(observed.workers.map((w) => [w.id, w.phase, w.managed, w.bootingSince])).toEqual([
      ["booting", "booting", true, 150],
      ["busy", "busy", true, null],
      ["idle", "idle", true, null],
      ["standby", "standby", true, null],
      ["throttled", "throttled", true, null],
      ["draining", "stopping", true, null],
      ["external", "idle", false, null],
    ]);
    expect(observed).toMatchObject({ queuedNormal: 3, inProgress: 1, oldestQueuedAt: 900, initTimeoutMs: 1000 });
  });

  test("an idle worker is idle from the first observation that sees it, and forgotten once busy", () => {
    const idleSince = new Map<string, number>();
    const observe = (now: number, busy: boolean) =>
      observeEndpoint({
        endpoint,
        workers: [worker("w")],
        runningJobs: () => (busy ? 1 : 0),
        inProgress: busy ? 1 : 0,
        queue: { queuedNormal: 0, oldestQueuedAt: undefined },
        idleSince,
        launchedAt: () => undefined,
        backoff: undefined,
        initTimeoutMs: 1000,
        now,
      }).workers[0]?.idleSince;
    expect(observe(1000, false)).toBe(1000);
    expect(observe(1500, false)).toBe(1000);
    expect(observe(2000, true)).toBeNull();
    expect(observe(2500, false)).toBe(2500);
  });

  test("a booting worker without a launch instant counts from its registration; a back-off passes only while it runs", () => {
    const base = {
      endpoint,
      workers: [worker("adopted", { readyAt: null })],
      runningJobs: () => 0,
      inProgress: 0,
      queue: { queuedNormal: 0, oldestQueuedAt: undefined },
      idleSince: new Map<string, number>(),
      launchedAt: () => undefined,
      initTimeoutMs: 1000,
    };
    const running = observeEndpoint({ ...base, backoff: { until: 5000, reason: "crash" }, now: 1000 });
    expect(running.workers[0]?.bootingSince).toBe(100);
    expect(running.backoff).toEqual({ until: 5000, reason: "crash" });
    expect(observeEndpoint({ ...base, backoff: { until: 5000, reason: "crash" }, now: 6000 }).backoff).toBeUndefined();
  });
});
