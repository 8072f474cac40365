import { describe, expect, it } from "vitest";
import type { EndpointRecord } from "../store/records.js";
import { endpointRecord } from "../testing/endpoint-record.js";
import { decide, initTimeoutOf, type Observed, type ObservedWorker, type ScalingAction } from "./decide.js";

const NOW = 1_800_000_000_000;

const endpoint = (settings: Partial<EndpointRecord> = {}): EndpointRecord =>
  endpointRecord({ workersMax: 3, ...settings });

const worker = (id: string, phase: ObservedWorker["phase"], extra: Partial<ObservedWorker> = {}): ObservedWorker => ({
  id,
  phase,
  idleSince: phase === "idle" ? NOW - 1000 : null,
  version: 1,
  managed: true,
  bootingSince: phase === "booting" ? NOW - 1000 : null,
  unhealthySince: null,
  ...extra,
});

const observed = (extra: Partial<Observed> = {}): Observed => ({
  queuedNormal: 0,
  inProgress: 0,
  oldestQueuedAt: undefined,
  workers: [],
  backoff: undefined,
  initTimeoutMs: 420_000,
  unhealthyTimeoutMs: undefined,
  ...extra,
});

const kinds = (actions: ScalingAction[]) => actions.map((a) => ("workerId" in a ? `${a.kind}:${a.workerId}` : a.kind));

const cases: [
  string,
  Partial<EndpointRecord>,
  Partial<Observed>,
  { desired: number; actions: string[]; held?: RegExp },
][] = [
  [
    "QUEUE_DELAY starts one worker at once from zero",
    {},
    { queuedNormal: 5, oldestQueuedAt: NOW },
    { desired: 1, actions: ["start"] },
  ],
  [
    "QUEUE_DELAY holds while the oldest job waited less than scalerValue",
    {},
    { queuedNormal: 5, oldestQueuedAt: NOW - 3000, workers: [worker("a", "busy")], inProgress: 1 },
    { desired: 1, actions: [] },
  ],
  [
    "QUEUE_DELAY adds a worker once the oldest job waited longer than scalerValue",
    {},
    { queuedNormal: 5, oldestQueuedAt: NOW - 5000, workers: [worker("a", "busy")], inProgress: 1 },
    { desired: 2, actions: ["start"] },
  ],
  [
    "QUEUE_DELAY adds one at a time while a worker boots",
    {},
    {
      queuedNormal: 5,
      oldestQueuedAt: NOW - 9000,
      workers: [worker("a", "busy"), worker("b", "booting")],
      inProgress: 1,
    },
    { desired: 2, actions: [] },
  ],
  [
    "REQUEST_COUNT wants ceil((queued + in progress) / scalerValue)",
    { scalerType: "REQUEST_COUNT", scalerValue: 2 },
    { queuedNormal: 4, inProgress: 1, oldestQueuedAt: NOW },
    { desired: 3, actions: ["start", "start", "start"] },
  ],
  [
    "desired is clamped to workersMax",
    { scalerType: "REQUEST_COUNT", scalerValue: 1, workersMax: 2 },
    { queuedNormal: 10, oldestQueuedAt: NOW, workers: [worker("a", "busy"), worker("b", "busy")], inProgress: 2 },
    { desired: 2, actions: [], held: /workersMax \(2\)/ },
  ],
  ["workersMin is kept warm without jobs", { workersMin: 2 }, {}, { desired: 2, actions: ["start", "start"] }],
  [
    "booting workers count as capacity",
    { scalerType: "REQUEST_COUNT", scalerValue: 1 },
    { queuedNormal: 2, oldestQueuedAt: NOW, workers: [worker("a", "booting"), worker("b", "booting")] },
    { desired: 2, actions: [] },
  ],
  [
    "an idle worker past idleTimeout stops",
    {},
    { workers: [worker("a", "idle", { idleSince: NOW - 6000 })] },
    { desired: 0, actions: ["stop:a"] },
  ],
  [
    "an idle worker within idleTimeout stays",
    {},
    { workers: [worker("a", "idle", { idleSince: NOW - 4000 })] },
    { desired: 0, actions: [] },
  ],
  [
    "busy and booting workers are never stopped",
    { workersMax: 3 },
    { workers: [worker("a", "busy"), worker("b", "booting")], inProgress: 1 },
    { desired: 1, actions: [] },
  ],
  [
    "scale-down keeps workersMin",
    { workersMin: 1 },
    { workers: [worker("a", "idle", { idleSince: NOW - 60_000 }), worker("b", "idle", { idleSince: NOW - 50_000 })] },
    { desired: 1, actions: ["stop:a"] },
  ],
  [
    "idle workers over a lowered workersMax stop at once",
    { workersMax: 1 },
    { workers: [worker("a", "idle", { idleSince: NOW - 100 }), worker("b", "idle", { idleSince: NOW - 50 })] },
    { desired: 0, actions: ["stop:a"] },
  ],
  [
    "FlashBoot pauses instead of stopping",
    { flashboot: true },
    { workers: [worker("a", "idle", { idleSince: NOW - 6000 })] },
    { desired: 0, actions: ["pause:a"] },
  ],
  [
    "FlashBoot resumes a standby before starting a new worker",
    { flashboot: true },
    { queuedNormal: 1, oldestQueuedAt: NOW, workers: [worker("s", "standby")] },
    { desired: 1, actions: ["resume:s"] },
  ],
  [
    "a crash back-off holds starts",
    {},
    { queuedNormal: 1, oldestQueuedAt: NOW, backoff: { until: NOW + 5000, reason: "exited with code 1" } },
    { desired: 1, actions: [], held: /backing off.*exited with code 1/ },
  ],
  [
    "external workers count as capacity and are never stopped",
    {},
    { workers: [worker("x", "idle", { managed: false, idleSince: NOW - 60_000 })] },
    { desired: 0, actions: [] },
  ],
  [
    "an idle worker of an older version is replaced at once",
    { version: 2, workersMin: 1 },
    { workers: [worker("old", "idle")] },
    { desired: 1, actions: ["stop:old", "start"] },
  ],
  [
    "a busy worker of an older version drains first",
    { version: 2 },
    { workers: [worker("old", "busy")], inProgress: 1 },
    { desired: 1, actions: ["drain:old"] },
  ],
  [
    "a worker still booting after the init timeout is abandoned, and no start follows in that decision",
    { workersMin: 1 },
    { initTimeoutMs: 60_000, workers: [worker("slow", "booting", { bootingSince: NOW - 60_000 })] },
    { desired: 1, actions: ["abandon:slow"], held: /did not become ready in time/ },
  ],
  [
    "a worker booting for less than the init timeout is left to boot",
    { workersMin: 1 },
    { initTimeoutMs: 60_000, workers: [worker("boot", "booting", { bootingSince: NOW - 59_999 })] },
    { desired: 1, actions: [] },
  ],
  [
    "the init timeout does not apply to throttled or ready workers",
    { workersMin: 2 },
    {
      initTimeoutMs: 1000,
      workers: [worker("gpu", "throttled", { bootingSince: null }), worker("ok", "idle", { bootingSince: null })],
    },
    { desired: 2, actions: [] },
  ],
  [
    "an external worker that never asked for a job within the init timeout no longer counts: one starts in its place",
    { workersMax: 1 },
    {
      queuedNormal: 1,
      oldestQueuedAt: NOW,
      initTimeoutMs: 60_000,
      workers: [worker("ext", "booting", { managed: false, bootingSince: NOW - 60_000 })],
    },
    { desired: 1, actions: ["disregard:ext", "start"] },
  ],
  [
    "an external worker registered less than the init timeout ago still counts as booting capacity",
    { workersMax: 1 },
    {
      queuedNormal: 1,
      oldestQueuedAt: NOW,
      initTimeoutMs: 60_000,
      workers: [worker("ext", "booting", { managed: false, bootingSince: NOW - 59_999 })],
    },
    { desired: 1, actions: [] },
  ],
  [
    "a disregarded external worker does not hold starts back the way an abandoned managed one does",
    { workersMin: 2, workersMax: 2 },
    {
      initTimeoutMs: 1000,
      workers: [
        worker("ext", "booting", { managed: false, bootingSince: NOW - 5000 }),
        worker("ok", "idle", { bootingSince: null }),
      ],
    },
    { desired: 2, actions: ["disregard:ext", "start"] },
  ],
  [
    "a worker failing its health check for the limit is stopped; it stopped counting at its first failure",
    { workersMin: 1, workersMax: 2 },
    {
      unhealthyTimeoutMs: 30_000,
      workers: [worker("sick", "unhealthy", { unhealthySince: NOW - 30_000 }), worker("new", "idle")],
    },
    { desired: 1, actions: ["stop:sick"] },
  ],
  [
    "a worker failing its health check for less than the limit is kept (out of rotation), and replaced meanwhile",
    { workersMin: 1, workersMax: 2 },
    { unhealthyTimeoutMs: 30_000, workers: [worker("sick", "unhealthy", { unhealthySince: NOW - 29_999 })] },
    { desired: 1, actions: ["start"] },
  ],
  [
    "an unhealthy worker is never stopped where nothing checks health (no limit), nor an external one",
    { workersMin: 0 },
    {
      unhealthyTimeoutMs: undefined,
      workers: [
        worker("sick", "unhealthy", { unhealthySince: NOW - 600_000 }),
        worker("ext", "unhealthy", { managed: false, unhealthySince: NOW - 600_000 }),
      ],
    },
    { desired: 0, actions: [] },
  ],
  [
    "an unhealthy external worker is not stopped even past the limit",
    { workersMin: 0 },
    {
      unhealthyTimeoutMs: 1000,
      workers: [worker("ext", "unhealthy", { managed: false, unhealthySince: NOW - 600_000 })],
    },
    { desired: 0, actions: [] },
  ],
];

describe("decide", () => {
  it.each(cases)("%s", (_name, settings, given, want) => {
    const decision = decide(endpoint(settings), observed(given), NOW);
    expect(decision.desired).toBe(want.desired);
    expect(kinds(decision.actions)).toEqual(want.actions);
    if (want.held) {
      expect(decision.held).toMatch(want.held);
    }
  });

  it("records the figures it decided from", () => {
    const decision = decide(endpoint(), observed({ queuedNormal: 3, oldestQueuedAt: NOW - 100 }), NOW);
    expect(decision.inputs).toMatchObject({ queued: 3, oldestWaitMs: 100, workers: 0, desired: 1 });
  });
});

describe("initTimeoutOf", () => {
  it.each([
    [{}, 420_000],
    [{ RUNPOD_INIT_TIMEOUT: "800" }, 800_000],
    [{ RUNPOD_INIT_TIMEOUT: "1.5" }, 1500],
    [{ RUNPOD_INIT_TIMEOUT: "0" }, 420_000],
    [{ RUNPOD_INIT_TIMEOUT: "soon" }, 420_000],
  ] as [Record<string, string>, number][])("%j → %i ms", (env, ms) => {
    expect(initTimeoutOf(env, 420_000)).toBe(ms);
  });
});

describe("decide() for load-balancing endpoints (requests in flight are the load)", () => {
  // The router feeds requests in flight as `inProgress` and requests waiting for a worker as `queuedNormal`.
  const lb = (settings: Partial<EndpointRecord> = {}) =>
    endpoint({ type: "LOAD_BALANCER", scalerType: "REQUEST_COUNT", scalerValue: 2, idleTimeout: 5, ...settings });
  const rows: [
    string,
    Partial<EndpointRecord>,
    Partial<Observed>,
    { desired: number; actions: string[]; held?: RegExp },
  ][] = [
    [
      "the first request, waiting with no worker, starts one (0 → 1)",
      {},
      { queuedNormal: 1, oldestQueuedAt: NOW },
      { desired: 1, actions: ["start"] },
    ],
    [
      "5 concurrent requests at 2 per worker want 3 workers",
      {},
      { inProgress: 5, workers: [worker("a", "busy"), worker("b", "busy")] },
      { desired: 3, actions: ["start"] },
    ],
    [
      "requests up to scalerValue per worker start nothing",
      {},
      { inProgress: 4, workers: [worker("a", "busy"), worker("b", "busy")] },
      { desired: 2, actions: [] },
    ],
    [
      "workersMax caps it and says so",
      { workersMax: 3 },
      { inProgress: 20, workers: [worker("a", "busy"), worker("b", "busy"), worker("c", "busy")] },
      { desired: 3, actions: [], held: /workersMax/ },
    ],
    [
      "a booting worker counts as capacity for waiting requests",
      {},
      { queuedNormal: 2, oldestQueuedAt: NOW, workers: [worker("a", "booting")] },
      { desired: 1, actions: [] },
    ],
    [
      "no requests and idle past idleTimeout: scale to zero",
      {},
      { workers: [worker("a", "idle", { idleSince: NOW - 6000 })] },
      { desired: 0, actions: ["stop:a"] },
    ],
    [
      "idle for less than idleTimeout: kept",
      {},
      { workers: [worker("a", "idle", { idleSince: NOW - 4000 })] },
      { desired: 0, actions: [] },
    ],
    [
      "workersMin is kept warm without requests",
      { workersMin: 1 },
      { workers: [worker("a", "idle", { idleSince: NOW - 60_000 })] },
      { desired: 1, actions: [] },
    ],
    [
      "a worker serving a request is never stopped, an idle one beyond the need is",
      {},
      {
        inProgress: 1,
        workers: [worker("a", "busy"), worker("b", "idle", { idleSince: NOW - 60_000 })],
      },
      { desired: 1, actions: ["stop:b"] },
    ],
  ];
  it.each(rows)("%s", (_name, settings, seen, expected) => {
    const decision = decide(lb(settings), observed(seen), NOW);
    expect(decision.desired).toBe(expected.desired);
    expect(kinds(decision.actions)).toEqual(expected.actions);
    if (expected.held) {
      expect(decision.held).toMatch(expected.held);
    }
  });
});
