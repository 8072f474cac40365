import { describe, expect, it } from "vitest";
import type { JobStatusValue } from "../store/records.js";
import { isTerminal, type JobEvent, nextStatus } from "./job-transitions.js";

const cases: [JobStatusValue, JobEvent, JobStatusValue | undefined][] = [
  ["IN_QUEUE", "take", "IN_PROGRESS"],
  ["IN_QUEUE", "cancel", "CANCELLED"],
  ["IN_QUEUE", "complete", undefined],
  ["IN_QUEUE", "retry", undefined],
  ["IN_PROGRESS", "complete", "COMPLETED"],
  ["IN_PROGRESS", "fail", "FAILED"],
  ["IN_PROGRESS", "timeout", "TIMED_OUT"],
  ["IN_PROGRESS", "cancel", "CANCELLED"],
  ["IN_PROGRESS", "lose", "IN_QUEUE"],
  ["IN_PROGRESS", "take", undefined],
  ["IN_QUEUE", "expire", "TIMED_OUT"],
  ["IN_PROGRESS", "expire", "TIMED_OUT"],
  ["COMPLETED", "expire", undefined],
  ["TIMED_OUT", "expire", undefined],
  ["FAILED", "retry", "IN_QUEUE"],
  ["TIMED_OUT", "retry", "IN_QUEUE"],
  ["COMPLETED", "retry", undefined],
  ["CANCELLED", "retry", undefined],
  ["COMPLETED", "cancel", undefined],
  ["CANCELLED", "complete", undefined],
  ["IN_PROGRESS", "unassign", "IN_QUEUE"],
  ["IN_QUEUE", "unassign", undefined],
  ["COMPLETED", "unassign", undefined],
  ["IN_QUEUE", "purge", "CANCELLED"],
  ["IN_PROGRESS", "purge", undefined],
  ["TIMED_OUT", "complete", undefined],
];

describe("job transitions", () => {
  it.each(cases)("from %s on %s goes to %s", (from, event, to) => {
    expect(nextStatus(from, event)).toBe(to);
  });

  it("knows the final statuses", () => {
    expect(["COMPLETED", "FAILED", "CANCELLED", "TIMED_OUT"].every((s) => isTerminal(s as JobStatusValue))).toBe(true);
    expect(isTerminal("IN_QUEUE") || isTerminal("IN_PROGRESS")).toBe(false);
  });
});
