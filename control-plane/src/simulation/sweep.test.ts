import { describe, expect, test } from "vitest";
import { ENDPOINT_DEFAULTS } from "../domain/endpoint-settings.js";
import { paretoFrontier, parseSweepAxis, SweepSyntaxError, sweepConfigurations } from "./sweep.js";

describe("parseSweepAxis", () => {
  test.each([
    ["workersMax=1,2,4", { workersMax: [1, 2, 4] }],
    ["workersMax=2..5", { workersMax: [2, 3, 4, 5] }],
    ["idleTimeout=0..60:30", { idleTimeout: [0, 30, 60] }],
    ["flashboot=false,true", { flashboot: [false, true] }],
    ["scalerType=QUEUE_DELAY,REQUEST_COUNT", { scalerType: ["QUEUE_DELAY", "REQUEST_COUNT"] }],
  ])("%s", (given, want) => {
    expect(parseSweepAxis(given)).toEqual(want);
  });

  test.each([
    ["workers=1,2", "FIELD one of"],
    ["workersMax=", "no values"],
    ["workersMax=5..2", "from ≤ to"],
    ["workersMax=a,b", "not a whole number"],
    ["flashboot=yes", "true or false"],
    ["scalerType=FAST", "QUEUE_DELAY or REQUEST_COUNT"],
    ["workersMax=0..1000", "more than 200"],
  ])("rejects %s", (given, message) => {
    expect(() => parseSweepAxis(given)).toThrow(SweepSyntaxError);
    expect(() => parseSweepAxis(given)).toThrow(message);
  });
});

describe("sweepConfigurations", () => {
  test("is the product of the axes, without configurations the endpoint rules refuse", () => {
    const configurations = sweepConfigurations(ENDPOINT_DEFAULTS, {
      workersMin: [0, 2],
      workersMax: [1, 3],
      flashboot: [false, true],
    });
    // min 2 with max 1 is refused: 2 × 2 × 2 − 2.
    expect(configurations).toHaveLength(6);
    expect(configurations.every((c) => c.workersMin <= c.workersMax)).toBe(true);
    expect(configurations[0]).toMatchObject({ workersMin: 0, workersMax: 1, flashboot: false, idleTimeout: 5 });
  });

  test("no axes: the base alone", () => {
    expect(sweepConfigurations(ENDPOINT_DEFAULTS, {})).toEqual([ENDPOINT_DEFAULTS]);
  });
});

describe("paretoFrontier", () => {
  const cases: [string, { given: [number, number][]; want: [number, number][] }][] = [
    ["empty", { given: [], want: [] }],
    ["one point", { given: [[1, 1]], want: [[1, 1]] }],
    [
      "dominated points are left out",
      {
        given: [
          [1, 10],
          [2, 5],
          [3, 6],
          [4, 1],
          [5, 1],
        ],
        want: [
          [1, 10],
          [2, 5],
          [4, 1],
        ],
      },
    ],
    [
      "equal points are kept once",
      {
        given: [
          [1, 1],
          [1, 1],
        ],
        want: [[1, 1]],
      },
    ],
    [
      "same x: the lower y wins",
      {
        given: [
          [1, 5],
          [1, 3],
        ],
        want: [[1, 3]],
      },
    ],
  ];
  test.each(cases)("%s", (_, { given, want }) => {
    expect(
      paretoFrontier(
        given,
        (p) => p[0],
        (p) => p[1],
      ),
    ).toEqual(want);
  });
});
