import { describe, expect, it } from "vitest";
import { readWorkerEnvironment } from "./worker-environment.js";

describe("readWorkerEnvironment", () => {
  it("is undefined without a job-take URL: local mode", () => {
    expect(readWorkerEnvironment({})).toBeUndefined();
    expect(readWorkerEnvironment({ RUNPOD_POD_ID: "wk_1" })).toBeUndefined();
  });

  it("reads RunPod's variables, filling the worker id into the take and ping URLs", () => {
    const env = readWorkerEnvironment({
      RUNPOD_WEBHOOK_GET_JOB: "http://h/v2/ep/job-take/$ID?gpu=none",
      RUNPOD_WEBHOOK_POST_OUTPUT: "http://h/v2/ep/job-done/$RUNPOD_POD_ID/$ID?gpu=none",
      RUNPOD_WEBHOOK_POST_STREAM: "http://h/v2/ep/job-stream/$RUNPOD_POD_ID/$ID?gpu=none",
      RUNPOD_WEBHOOK_PING: "http://h/v2/ep/ping/$RUNPOD_POD_ID?gpu=none",
      RUNPOD_PING_INTERVAL: "2500",
      RUNPOD_AI_API_KEY: "tok",
      RUNPOD_POD_ID: "wk_1",
      RUNPOD_ENDPOINT_ID: "ep",
    });
    expect(env).toEqual({
      takeUrl: "http://h/v2/ep/job-take/wk_1?gpu=none",
      // $ID is the job here, filled per post; the worker id may be filled now or then.
      doneUrl: "http://h/v2/ep/job-done/$RUNPOD_POD_ID/$ID?gpu=none",
      streamUrl: "http://h/v2/ep/job-stream/$RUNPOD_POD_ID/$ID?gpu=none",
      pingUrl: "http://h/v2/ep/ping/wk_1?gpu=none",
      pingIntervalMs: 2500,
      token: "tok",
      workerId: "wk_1",
      endpointId: "ep",
      orphanTimeoutMs: 300_000,
    });
  });

  it("reads the orphan timeout the control plane sets (0: never)", () => {
    const base = { RUNPOD_WEBHOOK_GET_JOB: "http://h/v2/ep/job-take/wk?gpu=none" };
    expect(readWorkerEnvironment({ ...base, RUNFLEET_WORKER_ORPHAN_TIMEOUT_MS: "0" })?.orphanTimeoutMs).toBe(0);
    expect(readWorkerEnvironment({ ...base, RUNFLEET_WORKER_ORPHAN_TIMEOUT_MS: "2500" })?.orphanTimeoutMs).toBe(2500);
    expect(readWorkerEnvironment({ ...base, RUNFLEET_WORKER_ORPHAN_TIMEOUT_MS: "soon" })?.orphanTimeoutMs).toBe(
      300_000,
    );
  });

  it("prefers RunPod's variables over Runfleet's", () => {
    const env = readWorkerEnvironment({
      RUNPOD_WEBHOOK_GET_JOB: "http://runpod/v2/ep/job-take/wk_rp?gpu=x",
      RUNPOD_AI_API_KEY: "runpod-token",
      RUNPOD_POD_ID: "wk_rp",
      RUNFLEET_CONTROL_PLANE_URL: "http://runfleet",
      RUNFLEET_ENDPOINT_ID: "ep",
      RUNFLEET_WORKER_ID: "wk_rf",
      RUNFLEET_WORKER_TOKEN: "runfleet-token",
    });
    expect(env).toMatchObject({
      takeUrl: "http://runpod/v2/ep/job-take/wk_rp?gpu=x",
      token: "runpod-token",
      workerId: "wk_rp",
    });
  });

  it("builds every URL from Runfleet's variables when RunPod's are absent", () => {
    const env = readWorkerEnvironment({
      RUNFLEET_CONTROL_PLANE_URL: "http://127.0.0.1:8080",
      RUNFLEET_ENDPOINT_ID: "ep",
      RUNFLEET_WORKER_ID: "wk_2",
      RUNFLEET_WORKER_TOKEN: "tok",
    });
    expect(env).toEqual({
      takeUrl: "http://127.0.0.1:8080/v2/ep/job-take/wk_2?gpu=none",
      doneUrl: "http://127.0.0.1:8080/v2/ep/job-done/wk_2/$ID?gpu=none",
      streamUrl: "http://127.0.0.1:8080/v2/ep/job-stream/wk_2/$ID?gpu=none",
      pingUrl: "http://127.0.0.1:8080/v2/ep/ping/wk_2?gpu=none",
      pingIntervalMs: 10_000,
      token: "tok",
      workerId: "wk_2",
      endpointId: "ep",
      orphanTimeoutMs: 300_000,
    });
  });

  it.each([
    ["unset", undefined],
    ["not a number", "soon"],
    ["zero", "0"],
  ])("pings every 10 s when RUNPOD_PING_INTERVAL is %s", (_name, value) => {
    const env = readWorkerEnvironment({ RUNPOD_WEBHOOK_GET_JOB: "http://h/job-take/w?q", RUNPOD_PING_INTERVAL: value });
    expect(env?.pingIntervalMs).toBe(10_000);
  });

  it("leaves pings off without a ping URL", () => {
    expect(readWorkerEnvironment({ RUNPOD_WEBHOOK_GET_JOB: "http://h/job-take/w?q" })?.pingUrl).toBeUndefined();
  });
});
