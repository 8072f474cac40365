import { describe, expect, it } from "vitest";
import { OutputFlow } from "./output-flow.js";

describe("OutputFlow", () => {
  const flow = () => {
    const calls: string[] = [];
    const output = new OutputFlow({ pause: () => calls.push("pause"), resume: () => calls.push("resume") }, 100, 20);
    return { output, calls };
  };

  it.each([
    // [what, steps (+queued, -written), the calls, paused at the end]
    ["stays running up to the high-water mark", [60, 40], [], false],
    ["pauses once past it, once", [60, 41, 50], ["pause"], true],
    ["stays paused above the low-water mark", [150, -100], ["pause"], true],
    ["resumes at the low-water mark", [150, -130], ["pause", "resume"], false],
    ["pauses and resumes again", [150, -150, 101, -90], ["pause", "resume", "pause", "resume"], false],
    ["never counts below zero", [-50, 100], [], false],
  ] as const)("%s", (_, steps, expected, paused) => {
    const { output, calls } = flow();
    for (const step of steps) {
      if (step >= 0) {
        output.queued(step);
      } else {
        output.written(-step);
      }
    }
    expect(calls).toEqual(expected);
    expect(output.isPaused).toBe(paused);
  });
});
