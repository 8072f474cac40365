import { describe, expect, test } from "vitest";
import {
  formatCsvTrace,
  parseCsvTrace,
  parseNdjsonTrace,
  type Trace,
  TraceFormatError,
  traceFormatOf,
} from "./trace.js";
import { generateTrace } from "./trace-generator.js";

const rows = (trace: Trace) =>
  Array.from({ length: trace.length }, (_, i) => [trace.arrivalMs[i], trace.executionMs[i], trace.lowPriority[i]]);

describe("parseCsvTrace", () => {
  const cases: [string, { given: string; want: number[][] }][] = [
    [
      "header and rows",
      {
        given: "arrivalMs,executionMs\n0,100\n50,200\n",
        want: [
          [0, 100, 0],
          [50, 200, 0],
        ],
      },
    ],
    ["columns in any order, extra ones ignored", { given: "id,executionMs,arrivalMs\na,100,5\n", want: [[5, 100, 0]] }],
    [
      "lowPriority as true/false/1/0/empty",
      {
        given: "arrivalMs,executionMs,lowPriority\n0,1,true\n1,1,0\n2,1,1\n3,1,\n",
        want: [
          [0, 1, 1],
          [1, 1, 0],
          [2, 1, 1],
          [3, 1, 0],
        ],
      },
    ],
    [
      "CRLF, blank lines and comments",
      { given: "# a trace\r\narrivalMs,executionMs\r\n\r\n10,20\r\n", want: [[10, 20, 0]] },
    ],
    [
      "sorted by arrival",
      {
        given: "arrivalMs,executionMs\n30,1\n10,2\n20,3\n",
        want: [
          [10, 2, 0],
          [20, 3, 0],
          [30, 1, 0],
        ],
      },
    ],
    ["decimals", { given: "arrivalMs,executionMs\n0.5,1.25\n", want: [[0.5, 1.25, 0]] }],
  ];
  test.each(cases)("%s", (_, { given, want }) => {
    expect(rows(parseCsvTrace(given))).toEqual(want);
  });

  const failures: [string, { given: string; line: number; field: string | undefined }][] = [
    ["empty", { given: "", line: 1, field: undefined }],
    ["no executionMs column", { given: "arrivalMs,duration\n0,1\n", line: 1, field: "executionMs" }],
    ["negative time", { given: "arrivalMs,executionMs\n0,1\n-5,1\n", line: 3, field: "arrivalMs" }],
    ["not a number", { given: "arrivalMs,executionMs\n0,fast\n", line: 2, field: "executionMs" }],
    ["missing cell", { given: "arrivalMs,executionMs\n0\n", line: 2, field: "executionMs" }],
    ["bad flag", { given: "arrivalMs,executionMs,lowPriority\n0,1,maybe\n", line: 2, field: "lowPriority" }],
  ];
  test.each(failures)("rejects %s, naming the line and field", (_, { given, line, field }) => {
    const error = (() => {
      try {
        parseCsvTrace(given);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(TraceFormatError);
    expect(error).toMatchObject({ line, field });
  });
});

describe("parseNdjsonTrace", () => {
  const cases: [string, { given: string; want: number[][] }][] = [
    [
      "objects per line",
      {
        given: '{"arrivalMs":0,"executionMs":10}\n{"arrivalMs":5,"executionMs":20,"lowPriority":true}\n',
        want: [
          [0, 10, 0],
          [5, 20, 1],
        ],
      },
    ],
    ["blank lines, other fields", { given: '\n{"arrivalMs":1,"executionMs":2,"id":"x"}\n\n', want: [[1, 2, 0]] }],
    ["numbers as strings", { given: '{"arrivalMs":"3","executionMs":"4"}', want: [[3, 4, 0]] }],
  ];
  test.each(cases)("%s", (_, { given, want }) => {
    expect(rows(parseNdjsonTrace(given))).toEqual(want);
  });

  const failures: [string, { given: string; line: number; field: string | undefined }][] = [
    ["not JSON", { given: '{"arrivalMs":0,"executionMs":1}\n{oops', line: 2, field: undefined }],
    ["an array", { given: "[0,1]", line: 1, field: undefined }],
    ["no executionMs", { given: '{"arrivalMs":0}', line: 1, field: "executionMs" }],
    ["infinite", { given: '{"arrivalMs":1e999,"executionMs":1}', line: 1, field: "arrivalMs" }],
  ];
  test.each(failures)("rejects %s", (_, { given, line, field }) => {
    expect(() => parseNdjsonTrace(given)).toThrow(TraceFormatError);
    try {
      parseNdjsonTrace(given);
    } catch (error) {
      expect(error).toMatchObject({ line, field });
    }
  });
});

describe("trace files", () => {
  test.each([
    ["trace.csv", "csv"],
    ["trace.ndjson", "ndjson"],
    ["trace.jsonl", "ndjson"],
    ["trace.txt", "csv"],
  ] as const)("%s is %s", (path, format) => {
    expect(traceFormatOf(path)).toBe(format);
  });

  test("CSV written from a generated trace reads back the same", () => {
    const trace = generateTrace({
      shape: { kind: "steady", jobsPerSecond: 5 },
      durationSeconds: 60,
      executionMedianMs: 300,
      lowPriorityShare: 0.3,
    });
    expect(rows(parseCsvTrace(formatCsvTrace(trace)))).toEqual(rows(trace));
  });

  test.each([
    ["steady", { kind: "steady", jobsPerSecond: 10 } as const, 10],
    [
      "bursty",
      { kind: "bursty", baseJobsPerSecond: 1, burstJobsPerSecond: 19, burstSeconds: 10, periodSeconds: 20 } as const,
      10,
    ],
    ["diurnal", { kind: "diurnal", troughJobsPerSecond: 0, peakJobsPerSecond: 20, periodSeconds: 600 } as const, 10],
  ])("a generated %s trace has the mean rate of its shape and is reproducible", (_, shape, rate) => {
    const spec = { shape, durationSeconds: 600, executionMedianMs: 100, seed: 7 };
    const trace = generateTrace(spec);
    expect(trace.length / 600).toBeGreaterThan(rate * 0.9);
    expect(trace.length / 600).toBeLessThan(rate * 1.1);
    expect(rows(generateTrace(spec))).toEqual(rows(trace));
    expect(rows(generateTrace({ ...spec, seed: 8 }))).not.toEqual(rows(trace));
  });
});
