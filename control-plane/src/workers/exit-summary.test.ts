import { describe, expect, it } from "vitest";
import { exitSummary } from "./exit-summary.js";

const cases: [string, string[], string | undefined][] = [
  ["nothing written", [], undefined],
  [
    "a plain last line",
    ["starting", "exec /no/such/worker failed: No such file or directory"],
    "exec /no/such/worker failed: No such file or directory",
  ],
  [
    "a failed RunPod fitness check in JSON log lines",
    [
      '{"requestId": null, "message": "Running 1 fitness check(s)...", "level": "INFO"}',
      '{"requestId": null, "message": "Fitness check failed: gpu_driver_loaded | RuntimeError: no driver", "level": "ERROR"}',
      '{"requestId": null, "message": "Traceback:\\nTraceback (most recent call last):\\n  File \\"x.py\\"\\nRuntimeError: no driver", "level": "DEBUG"}',
      '{"requestId": null, "message": "Worker is unhealthy, exiting.", "level": "ERROR"}',
    ],
    "fitness check gpu_driver_loaded failed: RuntimeError: no driver",
  ],
  [
    "a failed RunPod fitness check in plain-text log lines",
    ["ERROR  | Fitness check failed: disk_space | RuntimeError: 2% free", "ERROR  | Worker is unhealthy, exiting."],
    "fitness check disk_space failed: RuntimeError: 2% free",
  ],
  [
    "a Python traceback",
    [
      "Traceback (most recent call last):",
      '  File "/app/handler.py", line 3, in <module>',
      "    import torch",
      "ModuleNotFoundError: No module named 'torch'",
    ],
    "ModuleNotFoundError: No module named 'torch'",
  ],
  [
    "a traceback followed by other output",
    ["Traceback (most recent call last):", '  File "a.py", line 1', "KeyError: 'model'", "cleaning up"],
    "KeyError: 'model'",
  ],
  ["only a farewell", ["Worker is unhealthy, exiting."], "Worker is unhealthy, exiting."],
  ["a farewell after the cause", ["out of memory", "Kill worker."], "out of memory"],
];

describe("exitSummary", () => {
  it.each(cases)("%s", (_, lines, expected) => {
    expect(exitSummary(lines)).toBe(expected);
  });
});
