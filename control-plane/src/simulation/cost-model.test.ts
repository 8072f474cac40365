import { describe, expect, test } from "vitest";
import { type CostBasis, costOf, emptyStateSeconds, type StateSeconds, usageStateOf } from "./cost-model.js";

const seconds = (over: Partial<StateSeconds>): StateSeconds => ({ ...emptyStateSeconds(), ...over });
const gpu = (over: Partial<CostBasis> = {}): CostBasis => ({
  computeType: "GPU",
  gpuTypeId: "H100",
  gpuCount: 1,
  ...over,
});

describe("costOf", () => {
  const cases: [
    string,
    {
      given: [StateSeconds, CostBasis, Record<string, number>];
      want: { gpuSeconds: number; billedSeconds: number; cost: number | null };
    },
  ][] = [
    [
      "every GPU-holding state counts, throttled does not",
      {
        given: [seconds({ initializing: 10, running: 50, idle: 40, throttled: 100 }), gpu(), { H100: 0.001 }],
        want: { gpuSeconds: 100, billedSeconds: 100, cost: 0.1 },
      },
    ],
    [
      "GPU-seconds scale with gpuCount",
      {
        given: [seconds({ running: 10 }), gpu({ gpuCount: 4 }), { H100: 0.5 }],
        want: { gpuSeconds: 40, billedSeconds: 40, cost: 20 },
      },
    ],
    [
      "standby holds GPUs but is not billed by default",
      {
        given: [seconds({ running: 10, standby: 90 }), gpu(), { H100: 1 }],
        want: { gpuSeconds: 100, billedSeconds: 10, cost: 10 },
      },
    ],
    [
      "standby billed when asked",
      {
        given: [seconds({ running: 10, standby: 90 }), gpu({ standbyBilled: true }), { H100: 1 }],
        want: { gpuSeconds: 100, billedSeconds: 100, cost: 100 },
      },
    ],
    [
      "no price for the type: figures without cost",
      {
        given: [seconds({ running: 10 }), gpu(), { A100: 1 }],
        want: { gpuSeconds: 10, billedSeconds: 10, cost: null },
      },
    ],
    [
      "any GPU type with a single price in the table uses it",
      {
        given: [seconds({ running: 10 }), gpu({ gpuTypeId: null }), { A100: 2 }],
        want: { gpuSeconds: 10, billedSeconds: 10, cost: 20 },
      },
    ],
    [
      "any GPU type with several prices is ambiguous",
      {
        given: [seconds({ running: 10 }), gpu({ gpuTypeId: null }), { A100: 2, H100: 3 }],
        want: { gpuSeconds: 10, billedSeconds: 10, cost: null },
      },
    ],
    [
      "CPU endpoints: worker-seconds at the CPU price, no GPU-seconds",
      {
        given: [
          seconds({ running: 30, idle: 10 }),
          { computeType: "CPU", gpuTypeId: null, gpuCount: 1 },
          { CPU: 0.01, H100: 9 },
        ],
        want: { gpuSeconds: 0, billedSeconds: 40, cost: 0.4 },
      },
    ],
  ];
  test.each(cases)("%s", (_, { given, want }) => {
    const figures = costOf(...given);
    expect(figures.gpuSeconds).toBeCloseTo(want.gpuSeconds, 9);
    expect(figures.billedSeconds).toBeCloseTo(want.billedSeconds, 9);
    if (want.cost === null) {
      expect(figures.cost).toBeNull();
    } else {
      expect(figures.cost).toBeCloseTo(want.cost, 9);
    }
  });

  test.each([
    ["INITIALIZING", "initializing"],
    ["RUNNING", "running"],
    ["STANDBY", "standby"],
    ["THROTTLED", "throttled"],
  ] as const)("status %s is accounted as %s", (status, state) => {
    expect(usageStateOf(status)).toBe(state);
  });
});
