import { describe, expect, test } from "vitest";
import { type CompiledEndpointSettings, ENDPOINT_DEFAULTS } from "../domain/endpoint-settings.js";
import { simulate, type WorkerModel } from "./simulator.js";
import { traceOf } from "./trace.js";
import { generateTrace, seededRandom } from "./trace-generator.js";

const settings = (over: Partial<CompiledEndpointSettings>): CompiledEndpointSettings => ({
  ...ENDPOINT_DEFAULTS,
  ...over,
});
const model: WorkerModel = { coldStartMs: 1000, initMs: 0, resumeMs: 50 };

describe("simulate", () => {
  test("scales from zero for the first job: its delay is the cold start", () => {
    const result = simulate(settings({ workersMax: 1 }), traceOf([{ arrivalMs: 0, executionMs: 200 }]), model);
    expect(result.jobs).toEqual({ total: 1, completed: 1, timedOut: 0, unserved: 0 });
    expect(result.queueDelayMs.p50).toBe(1000);
    expect(result.coldStarts).toBe(1);
    expect(result.workerSeconds.initializing).toBeCloseTo(1, 6);
    expect(result.workerSeconds.running).toBeCloseTo(0.2, 6);
  });

  test("a warm worker takes the next job at once, and stops after the idle timeout", () => {
    const trace = traceOf([
      { arrivalMs: 0, executionMs: 100 },
      { arrivalMs: 2000, executionMs: 100 },
    ]);
    const result = simulate(settings({ workersMax: 1, idleTimeout: 5 }), trace, model, { untilMs: 20_000 });
    expect(result.queueDelayMs.max).toBe(1000);
    expect(result.queueDelayMs.p50).toBe(0);
    expect(result.coldStarts).toBe(1);
    // Idle from 1.1 s to 2 s, then from 2.1 s until a tick sees it idle past 5 s (first seen idle at 2.5 s).
    expect(result.workerSeconds.idle).toBeGreaterThan(5);
    expect(result.workerSeconds.idle).toBeLessThan(7);
    expect(result.peakWorkers).toBe(1);
  });

  test("FlashBoot pauses instead of stopping, and resumes instead of a cold start", () => {
    const trace = traceOf([
      { arrivalMs: 0, executionMs: 100 },
      { arrivalMs: 30_000, executionMs: 100 },
    ]);
    const result = simulate(settings({ workersMax: 1, idleTimeout: 5, flashboot: true }), trace, model);
    expect(result.coldStarts).toBe(1);
    expect(result.resumes).toBe(1);
    expect(result.workerSeconds.standby).toBeGreaterThan(20);
    // The second job waits for the resume (within one tick of the evaluation after its arrival).
    expect(result.queueDelayMs.max).toBe(1000);
    expect(result.queueDelayMs.p50).toBe(50);
  });

  test("REQUEST_COUNT starts ceil(jobs / scalerValue) workers up to workersMax, and reports time at the max", () => {
    const jobs = Array.from({ length: 12 }, () => ({ arrivalMs: 0, executionMs: 5000 }));
    const result = simulate(
      settings({ scalerType: "REQUEST_COUNT", scalerValue: 2, workersMax: 4 }),
      traceOf(jobs),
      model,
    );
    expect(result.coldStarts).toBe(4);
    expect(result.peakWorkers).toBe(4);
    expect(result.timeAtWorkersMaxMs).toBeGreaterThan(10_000);
    expect(result.jobs.completed).toBe(12);
  });

  test("low-priority jobs never cause a start", () => {
    const trace = traceOf([{ arrivalMs: 0, executionMs: 100, lowPriority: true }]);
    const result = simulate(settings({ workersMax: 2 }), trace, model, { drainLimitMs: 10_000 });
    expect(result.coldStarts).toBe(0);
    expect(result.jobs.unserved).toBe(1);
  });

  test("jobs longer than the execution timeout end TIMED_OUT at the timeout", () => {
    const trace = traceOf([{ arrivalMs: 0, executionMs: 10_000 }]);
    const result = simulate(settings({ executionTimeoutMs: 2000 }), trace, model);
    expect(result.jobs).toMatchObject({ completed: 0, timedOut: 1 });
    expect(result.workerSeconds.running).toBeCloseTo(2, 6);
  });

  test("a worker that boots longer than the init timeout is abandoned, with back-off, and jobs stay unserved", () => {
    const trace = traceOf([{ arrivalMs: 0, executionMs: 100 }]);
    const result = simulate(
      settings({}),
      trace,
      { ...model, coldStartMs: 10_000, initTimeoutMs: 2000 },
      {
        drainLimitMs: 60_000,
      },
    );
    expect(result.abandonedStarts).toBeGreaterThan(2);
    expect(result.jobs.unserved).toBe(1);
  });

  test("without free GPUs a worker waits THROTTLED and starts when a standby is evicted", () => {
    const trace = traceOf([{ arrivalMs: 0, executionMs: 100 }]);
    const result = simulate(settings({ workersMax: 1 }), trace, model, { gpusAvailable: 0, drainLimitMs: 5000 });
    expect(result.coldStarts).toBe(0);
    expect(result.workerSeconds.throttled).toBeGreaterThan(4);
    expect(result.jobs.unserved).toBe(1);
  });

  test("prices turn billed GPU-seconds into cost; standby is not billed by default", () => {
    const trace = traceOf([{ arrivalMs: 0, executionMs: 1000 }]);
    const result = simulate(settings({ gpuTypeIds: ["H100"], gpuCount: 2, workersMax: 1 }), trace, model, {
      prices: { H100: 0.001 },
    });
    // 1 s initializing + 1 s running, 2 GPUs.
    expect(result.cost.gpuSeconds).toBeCloseTo(4, 6);
    expect(result.cost.cost).toBeCloseTo(0.004, 9);
  });

  test("accounts kept-warm workers up to untilMs, however long after the last job", () => {
    const trace = traceOf([{ arrivalMs: 0, executionMs: 1000 }]);
    const result = simulate(settings({ workersMin: 1 }), trace, model, { untilMs: 3 * 3_600_000 });
    expect(result.durationMs).toBe(3 * 3_600_000);
    expect(result.workerSeconds.idle).toBeGreaterThan(3 * 3600 - 5);
  });

  test("is deterministic", () => {
    const trace = generateTrace({
      shape: { kind: "bursty", baseJobsPerSecond: 0.5, burstJobsPerSecond: 10, burstSeconds: 20, periodSeconds: 120 },
      durationSeconds: 600,
      executionMedianMs: 800,
    });
    const a = simulate(settings({ workersMax: 5 }), trace, model);
    const b = simulate(settings({ workersMax: 5 }), trace, model);
    expect(a).toEqual(b);
  });
});

describe("simulate, property: over random traces and configurations", () => {
  test("never more than workersMax workers, and every job is served", { timeout: 120_000 }, () => {
    const random = seededRandom(20261202);
    const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;
    for (let run = 0; run < 150; run++) {
      const workersMin = pick([0, 0, 1, 2]);
      const config = settings({
        workersMin,
        workersMax: workersMin + pick([1, 2, 3, 5, 8]),
        idleTimeout: pick([1, 5, 30, 120]),
        scalerType: pick(["QUEUE_DELAY", "REQUEST_COUNT"] as const),
        scalerValue: pick([1, 2, 4, 10]),
        flashboot: random() < 0.5,
        executionTimeoutMs: pick([600_000, 3000]),
      });
      const trace = generateTrace({
        shape: pick([
          { kind: "steady", jobsPerSecond: 0.5 + random() * 5 },
          {
            kind: "bursty",
            baseJobsPerSecond: random(),
            burstJobsPerSecond: 5 + random() * 20,
            burstSeconds: 10,
            periodSeconds: 60,
          },
          { kind: "diurnal", troughJobsPerSecond: 0, peakJobsPerSecond: 8, periodSeconds: 300 },
        ] as const),
        durationSeconds: 60 + Math.floor(random() * 240),
        executionMedianMs: 50 + random() * 3000,
        executionSigma: random(),
        // Low-priority jobs never cause a start (as live): served only when a worker stays (workersMin).
        lowPriorityShare: workersMin > 0 ? pick([0, 0.2]) : 0,
        seed: run + 1,
      });
      const workerModel: WorkerModel = {
        coldStartMs: Math.floor(random() * 8000),
        initMs: Math.floor(random() * 3000),
        resumeMs: Math.floor(random() * 200),
        dispatchMs: pick([0, 0, 5]),
      };
      const result = simulate(config, trace, workerModel, { tickMs: pick([100, 500, 1000]) });
      const label = `run ${run}: ${JSON.stringify({ config, workerModel, jobs: trace.length })}`;
      expect(result.peakWorkers, label).toBeLessThanOrEqual(config.workersMax);
      expect(result.jobs.unserved, label).toBe(0);
      expect(result.jobs.completed + result.jobs.timedOut, label).toBe(trace.length);
    }
  });
});
