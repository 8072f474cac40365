import { describe, expect, it } from "vitest";
import { ControlPlaneError } from "../errors/control-plane-error.js";
import { AdmissionControl, type AdmissionLimits } from "./admission-control.js";

const OFF: AdmissionLimits = {
  submitRatePerKey: 0,
  submitBurstPerKey: 1,
  maxQueuedJobsPerEndpoint: 0,
  maxInFlightSubmissions: 0,
};

function setup(limits: Partial<AdmissionLimits>, queued: Record<string, number> = {}) {
  const clock = { t: 0, now: () => clock.t };
  const admission = new AdmissionControl({ ...OFF, ...limits }, clock, (endpointId) => queued[endpointId] ?? 0);
  return { clock, admission };
}

describe("AdmissionControl", () => {
  it("admits everything when every limit is off", () => {
    const { admission } = setup({}, { ep: 10_000_000 });
    for (let i = 0; i < 1000; i++) {
      expect(admission.check("key", "ep")).toBeUndefined();
    }
  });

  it("limits each key to its own bucket", () => {
    const { clock, admission } = setup({ submitRatePerKey: 2, submitBurstPerKey: 2 });
    expect(admission.check("a", "ep")).toBeUndefined();
    expect(admission.check("a", "ep")).toBeUndefined();
    expect(admission.check("a", "ep")).toMatchObject({ retryAfterMs: 500 });
    expect(admission.check("b", "ep")).toBeUndefined();
    clock.t = 500;
    expect(admission.check("a", "ep")).toBeUndefined();
  });

  it("refuses submissions to an endpoint whose queue is at its limit, and only to it", () => {
    const { admission } = setup({ maxQueuedJobsPerEndpoint: 100 }, { full: 100, below: 99 });
    expect(admission.check("a", "full")?.reason).toMatch(/full has 100 jobs waiting.*maxQueuedJobsPerEndpoint/);
    expect(admission.check("a", "below")).toBeUndefined();
  });

  it("counts submissions in flight until each is released, once", () => {
    const { admission } = setup({ maxInFlightSubmissions: 2 });
    const first = admission.admit("a", "ep");
    admission.admit("b", "ep");
    expect(() => admission.admit("c", "ep")).toThrow(/maxInFlightSubmissions/);
    first();
    first();
    expect(admission.submissionsInFlight).toBe(1);
    expect(() => admission.admit("c", "ep")).not.toThrow();
    expect(() => admission.admit("d", "ep")).toThrow(ControlPlaneError);
  });

  it("refuses with a 429 whose Retry-After is whole seconds, at least 1", () => {
    const { admission } = setup({ submitRatePerKey: 1000, submitBurstPerKey: 1 });
    admission.admit("a", "ep")();
    try {
      admission.admit("a", "ep");
      expect.unreachable();
    } catch (error) {
      expect(ControlPlaneError.is(error)).toBe(true);
      const refusal = error as ControlPlaneError;
      expect(refusal.code).toBe("rate_limited");
      expect(refusal.status).toBe(429);
      expect(refusal.retryAfterSeconds).toBe(1);
      expect(refusal.message).toMatch(/submitRatePerKey/);
    }
  });

  it("a refused submission does not count in flight", () => {
    const { admission } = setup({ maxQueuedJobsPerEndpoint: 1 }, { ep: 1 });
    expect(() => admission.admit("a", "ep")).toThrow();
    expect(admission.submissionsInFlight).toBe(0);
  });
});
