import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createCommandEndpoint,
  startTestControlPlane,
  type TestControlPlane,
} from "../support/control-plane-process.js";
import { eventually, NODE } from "../support/workers.js";

/**
 * A worker start takes a while (registration, the template, the spawn). What ends the worker's reason to
 * exist meanwhile (its endpoint deleted, the control plane stopping) found no process to stop yet; the
 * start must notice, or the worker runs on with nobody to stop it (seen: a RunPod Python worker that
 * outlived the test run, polling a dead control plane at 60-80 % CPU).
 */
const ECHO = [NODE, "examples/echo-worker/dist/worker.js"];

/** Pids of processes started for an endpoint (their environment names it), from /proc. */
function processesOf(endpointId: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) {
      continue;
    }
    try {
      if (readFileSync(`/proc/${entry}/environ`, "latin1").split("\0").includes(`RUNFLEET_ENDPOINT_ID=${endpointId}`)) {
        found.push(Number(entry));
      }
    } catch {
      // Ended while listed, or not ours to read.
    }
  }
  return found;
}

describe("a worker whose start is under way", () => {
  let cp: TestControlPlane;
  const endpoints: string[] = [];

  beforeAll(async () => {
    cp = await startTestControlPlane();
  });

  afterAll(async () => {
    await cp.dispose();
    for (const pid of endpoints.flatMap(processesOf)) {
      process.kill(pid, "SIGKILL");
    }
  });

  it("is stopped when its endpoint is deleted before the start completes", async () => {
    for (let round = 0; round < 3; round++) {
      const endpointId = await createCommandEndpoint(cp, ECHO, { workersMin: 1, workersMax: 1 });
      endpoints.push(endpointId);
      const worker = await eventually(
        async () =>
          (await cp.call<{ id: string; status: string }[]>("GET", `/v1/endpoints/${endpointId}/workers`)).body.find(
            (w) => w.status === "IDLE",
          ),
        30_000,
        "an idle worker",
      );
      // Removing the worker makes the autoscaler start a replacement at once (workersMin 1); the endpoint
      // is deleted while that start is under way.
      expect((await cp.call("DELETE", `/v1/endpoints/${endpointId}/workers/${worker.id}`)).status).toBe(204);
      expect((await cp.call("DELETE", `/v1/endpoints/${endpointId}`)).status).toBe(204);
      await eventually(
        () => (processesOf(endpointId).length === 0 ? true : undefined),
        20_000,
        `no process left for deleted endpoint ${endpointId}`,
      );
      // And none appears later (a start that completed after the check).
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(processesOf(endpointId)).toEqual([]);
    }
  }, 180_000);

  it("is waited for by a graceful stop right after its endpoint was deleted, even when slow to exit", async () => {
    // The deletion answers at once and stops the workers behind it; a control plane stopped just then
    // must wait for them (seen: one still ending after the control plane had exited, under load).
    const own = await startTestControlPlane({ workerStopGraceMs: 5000 });
    const markerDir = mkdtempSync(join(tmpdir(), "runfleet-slow-exit-"));
    let ownStopped = false;
    try {
      // The worker writes a file once its SIGTERM handler is installed. Nothing outside it can tell
      // that moment: node catches SIGTERM in its own start-up already (so /proc's caught-signals mask
      // shows it before the script runs), and a SIGTERM before the handler ends the worker at once.
      const handlerInstalled = join(markerDir, "handler-installed");
      const slowToExit = [
        NODE,
        "-e",
        "process.on('SIGTERM', () => setTimeout(() => process.exit(0), 1500));" +
          `require('node:fs').writeFileSync(${JSON.stringify(handlerInstalled)}, String(process.pid));` +
          "setInterval(() => {}, 1000)",
      ];
      const endpointId = await createCommandEndpoint(own, slowToExit, { workersMin: 1, workersMax: 1 });
      endpoints.push(endpointId);
      await eventually(
        () => (existsSync(handlerInstalled) ? true : undefined),
        30_000,
        "the worker's SIGTERM handler, installed",
      );
      expect((await own.call("DELETE", `/v1/endpoints/${endpointId}`)).status).toBe(204);
      // Still ending: it takes 1.5 s after SIGTERM.
      expect(processesOf(endpointId).length).toBeGreaterThan(0);
      const stoppingAt = Date.now();
      await own.stop();
      ownStopped = true;
      expect(processesOf(endpointId)).toEqual([]);
      expect(Date.now() - stoppingAt).toBeGreaterThanOrEqual(1000);
    } finally {
      if (!ownStopped) {
        await own.stop();
      }
      await own.dispose();
      rmSync(markerDir, { recursive: true, force: true });
    }
  }, 60_000);
});
