import { describe, expect, it } from "vitest";
import { judgeOrphans, orphanDeadlineMs, type WatchdogVerdict, watchdogCheckMs } from "./orphan-watchdog.js";

describe("judgeOrphans", () => {
  const TIMEOUT = 10_000;
  const cases: {
    name: string;
    now: number;
    ownerAlive: boolean;
    liveWorkers: number;
    ownerSeenAt: number;
    verdict: WatchdogVerdict;
    seen: number;
  }[] = [
    {
      name: "an owner that runs is seen now, whatever the workers",
      now: 50_000,
      ownerAlive: true,
      liveWorkers: 3,
      ownerSeenAt: 1_000,
      verdict: { kind: "watch" },
      seen: 50_000,
    },
    {
      name: "an owner that runs keeps the watchdog even with no workers (the next start needs none)",
      now: 50_000,
      ownerAlive: true,
      liveWorkers: 0,
      ownerSeenAt: 1_000,
      verdict: { kind: "watch" },
      seen: 50_000,
    },
    {
      name: "an owner gone for the timeout: workers that keep it themselves get a margin to end on their own",
      now: 15_999,
      ownerAlive: false,
      liveWorkers: 2,
      ownerSeenAt: 1_000,
      verdict: { kind: "watch" },
      seen: 1_000,
    },
    {
      name: "an owner gone for the timeout and its margin: the workers are orphans",
      now: 16_000,
      ownerAlive: false,
      liveWorkers: 2,
      ownerSeenAt: 1_000,
      verdict: { kind: "stop-workers", ownerGoneMs: 15_000 },
      seen: 1_000,
    },
    {
      name: "no owner and no workers: nothing to guard",
      now: 2_000,
      ownerAlive: false,
      liveWorkers: 0,
      ownerSeenAt: 1_000,
      verdict: { kind: "exit" },
      seen: 1_000,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(
        judgeOrphans({ now: c.now, ownerAlive: c.ownerAlive, liveWorkers: c.liveWorkers }, c.ownerSeenAt, TIMEOUT),
      ).toEqual({ verdict: c.verdict, ownerSeenAt: c.seen });
    });
  }

  it("starts the countdown over when an owner comes back (a restart that adopted the workers)", () => {
    let seen = 0;
    seen = judgeOrphans({ now: 9_000, ownerAlive: false, liveWorkers: 1 }, seen, TIMEOUT).ownerSeenAt;
    seen = judgeOrphans({ now: 9_500, ownerAlive: true, liveWorkers: 1 }, seen, TIMEOUT).ownerSeenAt;
    const later = judgeOrphans({ now: 24_000, ownerAlive: false, liveWorkers: 1 }, seen, TIMEOUT);
    expect(later.verdict).toEqual({ kind: "watch" });
    expect(judgeOrphans({ now: 24_500, ownerAlive: false, liveWorkers: 1 }, seen, TIMEOUT).verdict.kind).toBe(
      "stop-workers",
    );
  });

  it("leaves a margin of a tenth of the timeout, at least 5 s", () => {
    expect([3_000, 10_000, 300_000].map(orphanDeadlineMs)).toEqual([8_000, 15_000, 330_000]);
  });

  it("checks four times per timeout, at least every second and at most every 50 ms", () => {
    expect([100, 2_000, 8_000, 300_000].map(watchdogCheckMs)).toEqual([50, 500, 1000, 1000]);
  });
});
