import { ENDPOINT_DEFAULTS, generateTrace, type SimulationResult, simulate, traceOf } from "@runfleet/control-plane";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createCommandEndpoint,
  startTestControlPlane,
  type TestControlPlane,
} from "../support/control-plane-process.js";
import { eventually, NODE } from "../support/workers.js";

/**
 * Fidelity of `runfleet simulate`: a real control plane with real process workers (the echo worker, its
 * execution time set per job) serves a bursty trace; then the simulator replays the recorded run (the
 * jobs' submission and execution times, the same settings, the measured cold start) and its predictions
 * are compared with what was measured: worker-seconds and cold starts within ±15 %, p95 queue delay
 * within ±25 %.
 */

const ECHO = [NODE, "examples/echo-worker/dist/worker.js"];
const TICK_MS = 500;

interface JobRecord {
  id: string;
  status: string;
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
  lowPriority: boolean;
}
interface Usage {
  seconds: Record<"initializing" | "running" | "idle" | "standby" | "throttled" | "stopping" | "unhealthy", number>;
  workers: { workerId: string; seconds: Usage["seconds"] }[];
}

function percentile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
}

describe("simulator fidelity against a live run", () => {
  let cp: TestControlPlane;

  beforeAll(async () => {
    cp = await startTestControlPlane({ autoscalerTickMs: TICK_MS, usageSampleMs: 50, usageFlushMs: 200 });
  });

  afterAll(async () => {
    await cp.dispose();
  });

  it("predicts worker-seconds, cold starts and p95 queue delay of a bursty trace", { timeout: 300_000 }, async () => {
    // Three bursts of ~4 s at 3 jobs/s, 30 s apart, over a trickle; about 1.5 min in all.
    const trace = generateTrace({
      shape: { kind: "bursty", baseJobsPerSecond: 0.05, burstJobsPerSecond: 3, burstSeconds: 4, periodSeconds: 30 },
      durationSeconds: 90,
      executionMedianMs: 1500,
      executionSigma: 0.3,
      seed: 2026,
    });
    const settings = {
      ...ENDPOINT_DEFAULTS,
      computeType: "CPU" as const,
      workersMin: 0,
      workersMax: 4,
      idleTimeout: 5,
      scalerType: "REQUEST_COUNT" as const,
      scalerValue: 2,
    };
    const endpointId = await createCommandEndpoint(cp, ECHO, {
      workersMin: settings.workersMin,
      workersMax: settings.workersMax,
      idleTimeout: settings.idleTimeout,
      scalerType: settings.scalerType,
      scalerValue: settings.scalerValue,
    });

    // The live run: each job submitted at its arrival time, sleeping its execution time.
    const startedAt = Date.now();
    const submissions: Promise<unknown>[] = [];
    for (let i = 0; i < trace.length; i++) {
      const due = startedAt + (trace.arrivalMs[i] as number);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now())));
      submissions.push(cp.call("POST", `/v2/${endpointId}/run`, { input: { sleepMs: trace.executionMs[i] } }));
    }
    await Promise.all(submissions);
    await eventually(
      async () => {
        const jobs = (await cp.call<JobRecord[]>("GET", `/v1/endpoints/${endpointId}/jobs?limit=1000`)).body;
        return jobs.length === trace.length && jobs.every((job) => job.status === "COMPLETED") ? true : undefined;
      },
      60_000,
      "every job to complete",
    );
    await eventually(
      async () => {
        const workers = (await cp.call<unknown[]>("GET", `/v1/endpoints/${endpointId}/workers`)).body;
        return workers.length === 0 ? true : undefined;
      },
      60_000,
      "scale to zero",
    );
    const endedAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 600));

    // What was measured.
    const jobs = (await cp.call<JobRecord[]>("GET", `/v1/endpoints/${endpointId}/jobs?limit=1000`)).body;
    const from = new Date(startedAt - 60_000).toISOString();
    const to = new Date(endedAt + 60_000).toISOString();
    const usage = (await cp.call<Usage>("GET", `/v1/endpoints/${endpointId}/usage?from=${from}&to=${to}`)).body;
    const events = (await cp.call<{ action: string }[]>("GET", `/v1/endpoints/${endpointId}/scaling-events?limit=1000`))
      .body;
    const live = {
      workerSeconds: usage.seconds.initializing + usage.seconds.running + usage.seconds.idle,
      coldStarts: events.filter((e) => e.action === "start_worker").length,
      p95QueueDelayMs: percentile(
        jobs.map((job) => Date.parse(job.startedAt as string) - Date.parse(job.createdAt)),
        0.95,
      ),
    };
    const boots = usage.workers.map((w) => w.seconds.initializing * 1000).filter((ms) => ms > 0);
    const coldStartMs = percentile(boots, 0.5);

    // The same run simulated: recorded arrivals and executions, the same settings and tick.
    const recorded = traceOf(
      jobs.map((job) => ({
        arrivalMs: Date.parse(job.createdAt) - startedAt,
        executionMs: Date.parse(job.completedAt as string) - Date.parse(job.startedAt as string),
      })),
    );
    const simulated: SimulationResult = simulate(
      settings,
      recorded,
      { coldStartMs, initMs: 0, resumeMs: 0 },
      { tickMs: TICK_MS, untilMs: endedAt - startedAt },
    );
    const predicted = {
      workerSeconds:
        simulated.workerSeconds.initializing + simulated.workerSeconds.running + simulated.workerSeconds.idle,
      coldStarts: simulated.coldStarts,
      p95QueueDelayMs: simulated.queueDelayMs.p95 as number,
    };
    const ratio = (a: number, b: number) => (b === 0 ? (a === 0 ? 1 : Number.POSITIVE_INFINITY) : a / b);
    process.stdout.write(
      [
        `fidelity: ${trace.length} jobs over ${((endedAt - startedAt) / 1000).toFixed(1)} s, measured cold start ${coldStartMs.toFixed(0)} ms (median of ${boots.length})`,
        `  worker-seconds  live ${live.workerSeconds.toFixed(1)}  simulated ${predicted.workerSeconds.toFixed(1)}  (×${ratio(predicted.workerSeconds, live.workerSeconds).toFixed(3)})`,
        `  cold starts     live ${live.coldStarts}  simulated ${predicted.coldStarts}  (×${ratio(predicted.coldStarts, live.coldStarts).toFixed(3)})`,
        `  p95 queue delay live ${live.p95QueueDelayMs.toFixed(0)} ms  simulated ${predicted.p95QueueDelayMs.toFixed(0)} ms  (×${ratio(predicted.p95QueueDelayMs, live.p95QueueDelayMs).toFixed(3)})`,
        "",
      ].join("\n"),
    );
    expect(jobs).toHaveLength(trace.length);
    expect(simulated.jobs.unserved).toBe(0);
    expect(ratio(predicted.workerSeconds, live.workerSeconds)).toBeGreaterThanOrEqual(0.85);
    expect(ratio(predicted.workerSeconds, live.workerSeconds)).toBeLessThanOrEqual(1.15);
    expect(ratio(predicted.coldStarts, live.coldStarts)).toBeGreaterThanOrEqual(0.85);
    expect(ratio(predicted.coldStarts, live.coldStarts)).toBeLessThanOrEqual(1.15);
    expect(ratio(predicted.p95QueueDelayMs, live.p95QueueDelayMs)).toBeGreaterThanOrEqual(0.75);
    expect(ratio(predicted.p95QueueDelayMs, live.p95QueueDelayMs)).toBeLessThanOrEqual(1.25);
  });
});
