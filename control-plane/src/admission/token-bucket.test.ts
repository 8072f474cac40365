import { describe, expect, it } from "vitest";
import { TokenBucket } from "./token-bucket.js";

describe("TokenBucket", () => {
  // Each step: at `at` ms, a take answers `wait` ms (0 = admitted).
  it.each([
    {
      name: "a full bucket admits a burst of its capacity, then refuses",
      rate: 10,
      capacity: 3,
      steps: [
        { at: 0, wait: 0 },
        { at: 0, wait: 0 },
        { at: 0, wait: 0 },
        { at: 0, wait: 100 },
      ],
    },
    {
      name: "tokens come back at the rate",
      rate: 10,
      capacity: 1,
      steps: [
        { at: 0, wait: 0 },
        { at: 50, wait: 50 },
        { at: 100, wait: 0 },
        { at: 150, wait: 50 },
        { at: 200, wait: 0 },
      ],
    },
    {
      name: "a quiet key fills up to the capacity, not beyond",
      rate: 1000,
      capacity: 2,
      steps: [
        { at: 0, wait: 0 },
        { at: 0, wait: 0 },
        { at: 60_000, wait: 0 },
        { at: 60_000, wait: 0 },
        { at: 60_000, wait: 1 },
      ],
    },
    {
      name: "a refusal takes nothing: the wait shrinks as time passes",
      rate: 1,
      capacity: 1,
      steps: [
        { at: 0, wait: 0 },
        { at: 0, wait: 1000 },
        { at: 400, wait: 600 },
        { at: 999, wait: 1 },
        { at: 1000, wait: 0 },
      ],
    },
    {
      name: "a clock that steps back refills nothing",
      rate: 10,
      capacity: 1,
      steps: [
        { at: 1000, wait: 0 },
        { at: 500, wait: 100 },
        { at: 1100, wait: 0 },
      ],
    },
  ])("$name", ({ rate, capacity, steps }) => {
    const bucket = new TokenBucket(rate, capacity, steps[0]?.at ?? 0);
    expect(steps.map((step) => bucket.take(step.at))).toEqual(steps.map((step) => step.wait));
  });

  it("is full again once it had time to refill", () => {
    const bucket = new TokenBucket(10, 2, 0);
    bucket.take(0);
    expect(bucket.isFull(50)).toBe(false);
    expect(bucket.isFull(100)).toBe(true);
  });
});
