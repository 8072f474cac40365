import { describe, expect, test } from "vitest";
import { type CompiledEndpointSettings, ENDPOINT_DEFAULTS } from "../domain/endpoint-settings.js";
import { emptyStateSeconds, type StateSeconds } from "../simulation/cost-model.js";
import type { ScalingEventRecord } from "../store/records.js";
import {
  describeFinding,
  type EndpointHistory,
  type Finding,
  gpuTypeUnavailable,
  idleTimeoutTooShort,
  initTimeAboveIdleTimeout,
  maxWorkersReached,
  minWorkersIdle,
} from "./advice-rules.js";

const event = (at: number, action: ScalingEventRecord["action"], reason: string): ScalingEventRecord => ({
  id: `evt-${at}`,
  endpointId: "ep",
  at,
  action,
  workerId: null,
  reason,
  inputs: {},
});

const history = (
  over: Partial<Omit<EndpointHistory, "settings" | "usage">> & {
    settings?: Partial<CompiledEndpointSettings>;
    usage?: Partial<StateSeconds>;
  } = {},
): EndpointHistory => ({
  windowMs: 3_600_000,
  queueDelaysMs: [],
  scalingEvents: [],
  coldStartMs: null,
  gpusOfType: 4,
  ...over,
  settings: { ...ENDPOINT_DEFAULTS, ...over.settings },
  usage: { ...emptyStateSeconds(), ...over.usage },
});

const slow = Array.from({ length: 100 }, (_, i) => (i < 90 ? 500 : 30_000));
const atMax = [event(1000, "hold", "at workersMax (3)")];

describe("maxWorkersReached", () => {
  test.each<[string, EndpointHistory, Partial<Finding> | undefined]>([
    [
      "held at workersMax with a p95 delay above the target",
      history({ scalingEvents: atMax, queueDelaysMs: slow }),
      {
        severity: "warning",
        proposal: { workersMax: 5 },
        evidence: { workersMax: 3, timesHeldAtMax: 1, p95QueueDelaySeconds: 30 },
      },
    ],
    [
      "held at workersMax but jobs did not wait",
      history({ scalingEvents: atMax, queueDelaysMs: [100, 200] }),
      undefined,
    ],
    ["jobs waited but the autoscaler was never held at the max", history({ queueDelaysMs: slow }), undefined],
    [
      "p95 below the QUEUE_DELAY scaler's own target",
      history({ scalingEvents: atMax, queueDelaysMs: [3000], settings: { scalerValue: 4 } }),
      undefined,
    ],
    [
      "a max of 1 grows by 1",
      history({ scalingEvents: atMax, queueDelaysMs: slow, settings: { workersMax: 1 } }),
      { proposal: { workersMax: 2 } },
    ],
    [
      "another hold reason does not count",
      history({ scalingEvents: [event(1, "hold", "backing off until …")], queueDelaysMs: slow }),
      undefined,
    ],
  ])("%s", (_, given, want) => {
    const finding = maxWorkersReached(given);
    if (want === undefined) {
      expect(finding).toBeUndefined();
    } else {
      expect(finding).toMatchObject({ rule: "max_workers_reached", ...want });
    }
  });
});

describe("idleTimeoutTooShort", () => {
  const thrash = (gapMs: number, count: number) =>
    Array.from({ length: count }, (_, i) => [
      event(i * 1_000_000, "stop_worker", "idle for 5 s (idleTimeout 5 s)"),
      event(i * 1_000_000 + gapMs, "start_worker", "1 job(s) queued and no worker (scale from zero)"),
    ]).flat();
  test.each<[string, EndpointHistory, Partial<Finding> | undefined]>([
    [
      "three starts soon after idle scale-downs",
      history({ scalingEvents: thrash(20_000, 3) }),
      {
        evidence: { idleTimeout: 5, coldStartsAfterScaleDown: 3, withinSeconds: 60, medianGapSeconds: 20 },
        proposal: { idleTimeout: 21 },
      },
    ],
    ["two are not a pattern", history({ scalingEvents: thrash(20_000, 2) }), undefined],
    [
      "starts long after a scale-down are traffic, not thrashing",
      history({ scalingEvents: thrash(120_000, 5) }),
      undefined,
    ],
    [
      "FlashBoot pauses count as scale-downs",
      history({
        scalingEvents: [0, 1, 2].flatMap((i) => [
          event(i * 1e6, "pause_worker", "idle for 5 s (idleTimeout 5 s); kept as a FlashBoot standby"),
          event(i * 1e6 + 10_000, "start_worker", "need 2 workers, have 1"),
        ]),
      }),
      { proposal: { idleTimeout: 11 } },
    ],
    [
      "stops for other reasons do not count",
      history({
        scalingEvents: [0, 1, 2].flatMap((i) => [
          event(i * 1e6, "stop_worker", "runs version 1 < 2; replaced now"),
          event(i * 1e6 + 10_000, "start_worker", "need 1 workers, have 0"),
        ]),
      }),
      undefined,
    ],
  ])("%s", (_, given, want) => {
    const finding = idleTimeoutTooShort(given);
    if (want === undefined) {
      expect(finding).toBeUndefined();
    } else {
      expect(finding).toMatchObject({ rule: "idle_timeout_too_short", ...want });
    }
  });
});

describe("minWorkersIdle", () => {
  test.each<[string, EndpointHistory, Partial<Finding> | undefined]>([
    [
      "kept-warm workers idle 90 % of the time",
      history({ settings: { workersMin: 2 }, usage: { idle: 900, running: 100 } }),
      {
        severity: "info",
        proposal: { workersMin: 1 },
        evidence: { workersMin: 2, idleShare: 0.9, idleWorkerSeconds: 900, runningWorkerSeconds: 100 },
      },
    ],
    ["busy kept-warm workers", history({ settings: { workersMin: 2 }, usage: { idle: 300, running: 700 } }), undefined],
    ["workersMin 0 never fires", history({ usage: { idle: 900, running: 10 } }), undefined],
    ["no usage recorded", history({ settings: { workersMin: 1 } }), undefined],
  ])("%s", (_, given, want) => {
    const finding = minWorkersIdle(given);
    if (want === undefined) {
      expect(finding).toBeUndefined();
    } else {
      expect(finding).toMatchObject({ rule: "min_workers_idle", ...want });
    }
  });
});

describe("initTimeAboveIdleTimeout", () => {
  test.each<[string, EndpointHistory, Partial<Finding> | undefined]>([
    [
      "a 30 s boot with a 5 s idle timeout: FlashBoot first",
      history({ coldStartMs: 30_000 }),
      { proposal: { flashboot: true }, evidence: { coldStartSeconds: 30, idleTimeout: 5 } },
    ],
    [
      "with FlashBoot already on: an idle timeout as long as the boot",
      history({ coldStartMs: 30_500, settings: { flashboot: true } }),
      { proposal: { idleTimeout: 31 } },
    ],
    ["a boot shorter than the idle timeout", history({ coldStartMs: 2000 }), undefined],
    ["no boot measured", history({ coldStartMs: null }), undefined],
  ])("%s", (_, given, want) => {
    const finding = initTimeAboveIdleTimeout(given);
    if (want === undefined) {
      expect(finding).toBeUndefined();
    } else {
      expect(finding).toMatchObject({ rule: "init_time_above_idle_timeout", ...want });
    }
  });
});

describe("gpuTypeUnavailable", () => {
  test.each<[string, EndpointHistory, Partial<Finding> | undefined]>([
    [
      "no GPU of the type on this control plane",
      history({ gpusOfType: 0, settings: { gpuTypeIds: ["H100"] } }),
      {
        proposal: null,
        evidence: { gpuTypeIds: "H100", gpuCount: 1, gpusOfTypeOnThisControlPlane: 0, throttledWorkerSeconds: 0 },
      },
    ],
    ["workers throttled and never ran", history({ usage: { throttled: 120 } }), { proposal: null }],
    ["throttled for a while, then ran", history({ usage: { throttled: 120, running: 10 } }), undefined],
    ["CPU endpoints need no GPU", history({ gpusOfType: 0, settings: { computeType: "CPU" } }), undefined],
  ])("%s", (_, given, want) => {
    const finding = gpuTypeUnavailable(given);
    if (want === undefined) {
      expect(finding).toBeUndefined();
    } else {
      expect(finding).toMatchObject({ rule: "gpu_type_unavailable", ...want });
    }
  });
});

describe("describeFinding", () => {
  test("names the evidence and the simulated alternative with its cost change", () => {
    const finding = maxWorkersReached(history({ scalingEvents: atMax, queueDelaysMs: slow })) as Finding;
    const text = describeFinding(
      finding,
      { settings: {}, p95QueueDelaySeconds: 41, coldStarts: 3, workerSeconds: 1000, gpuSeconds: 1000 },
      { settings: { workersMax: 5 }, p95QueueDelaySeconds: 6.2, coldStarts: 5, workerSeconds: 1180, gpuSeconds: 1180 },
    );
    expect(text).toBe(
      "workersMax (3) was reached 1 time(s) while the queue grew: p95 queue delay 30.0 s; with workersMax 5: p95 6.2 s, 5 cold starts (now simulated 41.0 s, 3), cost +18 %",
    );
  });

  test("without a simulation, the evidence alone", () => {
    const finding = initTimeAboveIdleTimeout(history({ coldStartMs: 30_000 })) as Finding;
    expect(describeFinding(finding, null, null)).toBe(
      "workers take 30.0 s to boot, longer than the idle timeout (5 s): each scale-down costs a boot",
    );
  });
});
