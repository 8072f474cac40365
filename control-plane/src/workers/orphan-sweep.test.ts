import { describe, expect, it } from "vitest";
import type { DriverWorker } from "../drivers/worker-driver.js";
import { judgeOrphans, orphansOf } from "./orphan-sweep.js";

const NOW = 1_800_000_000_000;
const GRACE = 60_000;

function worker(id: string, ageMs: number, state: DriverWorker["state"] = "running"): DriverWorker {
  return {
    workerId: id,
    endpointId: "ep_1",
    state,
    exit: state === "exited" ? 137 : null,
    startedAt: NOW - ageMs,
  };
}

describe("judgeOrphans", () => {
  const cases: {
    name: string;
    listed: DriverWorker;
    claimed: boolean;
    starting: boolean;
    verdict: "claimed" | "starting" | "within-grace" | RegExp;
  }[] = [
    {
      name: "a claimed worker, however old",
      listed: worker("a", 3_600_000),
      claimed: true,
      starting: false,
      verdict: "claimed",
    },
    {
      name: "a claimed worker just started",
      listed: worker("a", 0),
      claimed: true,
      starting: false,
      verdict: "claimed",
    },
    {
      name: "an unclaimed worker whose start is under way, past the grace",
      listed: worker("a", 10 * GRACE),
      claimed: false,
      starting: true,
      verdict: "starting",
    },
    {
      name: "an unclaimed worker younger than the grace",
      listed: worker("a", GRACE - 1),
      claimed: false,
      starting: false,
      verdict: "within-grace",
    },
    {
      name: "an unclaimed worker whose start time is ahead of this clock (another replica's)",
      listed: worker("a", -5_000),
      claimed: false,
      starting: false,
      verdict: "within-grace",
    },
    {
      name: "an unclaimed worker exactly the grace old",
      listed: worker("a", GRACE),
      claimed: false,
      starting: false,
      verdict: /^orphan: running and no worker record claims it, 60 s after it started$/,
    },
    {
      name: "an unclaimed paused worker past the grace",
      listed: worker("a", 2 * GRACE, "paused"),
      claimed: false,
      starting: false,
      verdict: /^orphan: paused and no worker record claims it, 120 s after it started$/,
    },
    {
      name: "an unclaimed ended worker (an exited container, a failed pod) past the grace",
      listed: worker("a", 90_000, "exited"),
      claimed: false,
      starting: false,
      verdict: /^orphan: ended \(137\) and no worker record claims it, 90 s after it started$/,
    },
  ];

  for (const c of cases) {
    it(c.name, () => {
      const [verdict] = judgeOrphans({
        listed: [c.listed],
        claimed: (id) => c.claimed && id === c.listed.workerId,
        starting: new Set(c.starting ? [c.listed.workerId] : []),
        now: NOW,
        graceMs: GRACE,
      });
      if (c.verdict instanceof RegExp) {
        expect(verdict?.kind).toBe("remove");
        expect(verdict?.kind === "remove" ? verdict.reason : "").toMatch(c.verdict);
      } else {
        expect(verdict).toEqual({ kind: "spare", worker: c.listed, because: c.verdict });
      }
    });
  }

  it("judges each listed worker on its own, and orphansOf keeps only the removals", () => {
    const listed = [
      worker("claimed", GRACE * 2),
      worker("young", 10),
      worker("old", GRACE * 2),
      worker("booting", GRACE * 2),
    ];
    const verdicts = judgeOrphans({
      listed,
      claimed: (id) => id === "claimed",
      starting: new Set(["booting"]),
      now: NOW,
      graceMs: GRACE,
    });
    expect(verdicts.map((v) => (v.kind === "spare" ? v.because : "remove"))).toEqual([
      "claimed",
      "within-grace",
      "remove",
      "starting",
    ]);
    expect(orphansOf(verdicts).map((o) => o.worker.workerId)).toEqual(["old"]);
  });

  it("with a grace of 0, removes every unclaimed worker that is not starting", () => {
    const verdicts = judgeOrphans({
      listed: [worker("a", 0), worker("b", 0)],
      claimed: () => false,
      starting: new Set(["b"]),
      now: NOW,
      graceMs: 0,
    });
    expect(orphansOf(verdicts).map((o) => o.worker.workerId)).toEqual(["a"]);
  });
});
