import { describe, expect, it } from "vitest";
import { type WaitSituation, waitReason } from "./wait-reason.js";

const base: WaitSituation = { workersMax: 3, workers: [], lowPriority: false, position: 1 };

const cases: [string, Partial<WaitSituation>, RegExp][] = [
  ["an endpoint-level reason wins", { endpointReason: "image pull failed", workers: ["IDLE"] }, /^image pull failed/],
  ["workersMax 0 says no worker may run", { workersMax: 0 }, /allows no workers/],
  ["only unhealthy workers", { workers: ["UNHEALTHY"], unhealthyReason: "exit code 1" }, /unhealthy: exit code 1/],
  ["only throttled workers", { workers: ["THROTTLED"] }, /no capacity/],
  ["booting workers", { workers: ["INITIALIZING", "INITIALIZING"] }, /waiting for 2 worker\(s\) to start/],
  ["standby workers", { workers: ["STANDBY"] }, /resuming a standby/],
  ["no worker, normal job", {}, /no worker is running yet/],
  ["no worker, low-priority job", { lowPriority: true }, /does not start one/],
  ["all busy", { workers: ["RUNNING", "RUNNING"] }, /all 2 worker\(s\) are busy/],
  ["an idle worker", { workers: ["IDLE", "RUNNING"] }, /idle worker/],
];

describe("waitReason", () => {
  it.each(cases)("%s", (_name, given, want) => {
    expect(waitReason({ ...base, ...given })).toMatch(want);
  });

  it("names the queue position", () => {
    expect(waitReason({ ...base, position: 4 })).toMatch(/position 4/);
  });
});
