import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { requireService, TEST_ADMIN_KEY } from "../support/control-plane-process.js";
import {
  type AdminCall,
  adminCall,
  crashTestServeArgs,
  freePort,
  type ServeProcess,
  startServeProcess,
} from "../support/control-plane-subprocess.js";
import { eventually, hasPythonRunpod, processRunning, VENV_PYTHON } from "../support/workers.js";

/**
 * Process workers whose control plane was SIGKILLed: an unmodified RunPod Python worker cannot be told to
 * give up, and would poll the dead address forever (the runpod SDK retries a refused job-take at once).
 * The process driver's orphan watchdog ends such workers once the control plane has been gone for the
 * orphan timeout, and leaves alone those that a restarted control plane adopted.
 */
const FIXTURE = "test/fixtures/runpod_behaviours.py";
const run = requireService(hasPythonRunpod(), "Python venv with runpod (.venv/bin/python)");
const QUIET = { RUNPOD_SKIP_AUTO_SYSTEM_CHECKS: "true" };
const ENV = { RUNFLEET_ADMIN_KEY: TEST_ADMIN_KEY, RUNFLEET_LOG_LEVEL: "warn" };

/** Pids of the processes in a process group (a worker and what it forked), from /proc. */
function groupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) {
      continue;
    }
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      // Field 5 is the process group; a zombie waiting to be reaped has already ended.
      if (Number(fields[2]) === pgid && fields[0] !== "Z") {
        members.push(Number(entry));
      }
    } catch {
      // Ended while listed.
    }
  }
  return members;
}

function recordedPid(dataDir: string, file: string): number {
  return (JSON.parse(readFileSync(join(dataDir, "process-workers", file), "utf8")) as { pid: number }).pid;
}

async function idlePythonWorker(call: AdminCall): Promise<{ endpointId: string; workerId: string }> {
  const template = await call<{ id: string }>("POST", "/v1/templates", {
    name: `py-${Math.random().toString(36).slice(2)}`,
    command: [VENV_PYTHON, FIXTURE],
    env: QUIET,
  });
  const endpoint = await call<{ id: string }>("POST", "/v1/endpoints", {
    name: `py-${Math.random().toString(36).slice(2)}`,
    templateId: template.body.id,
    computeType: "CPU",
    driver: "process",
    workersMin: 1,
    workersMax: 1,
  });
  const endpointId = endpoint.body.id;
  const worker = await eventually(
    async () =>
      (await call<{ id: string; status: string }[]>("GET", `/v1/endpoints/${endpointId}/workers`)).body.find(
        (w) => w.status === "IDLE",
      ),
    90_000,
    "an idle Python worker",
  );
  return { endpointId, workerId: worker.id };
}

describe.runIf(run)("RunPod Python workers of a SIGKILLed control plane", () => {
  const dataDirs: string[] = [];
  const serves: ServeProcess[] = [];
  const groups: number[] = [];

  afterAll(async () => {
    for (const serve of serves) {
      serve.child.kill("SIGKILL");
    }
    // Whatever a failed test left behind is not left running.
    for (const pgid of groups) {
      try {
        process.kill(-pgid, "SIGKILL");
      } catch {
        // Gone, as it should be.
      }
    }
    for (const dir of dataDirs) {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("are ended, with what they forked, once it has been gone for the orphan timeout", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "runfleet-orphans-"));
    dataDirs.push(dataDir);
    const args = crashTestServeArgs(await freePort(), dataDir, [
      "--worker-orphan-timeout-ms",
      "3000",
      "--worker-stop-grace-ms",
      "2000",
    ]);
    const serve = await startServeProcess(args, ENV);
    serves.push(serve);
    const call = adminCall(() => serve, TEST_ADMIN_KEY);
    const { workerId } = await idlePythonWorker(call);
    const pid = recordedPid(dataDir, `${workerId}.json`);
    groups.push(pid);
    const watchdog = recordedPid(dataDir, "orphan-watchdog.pid");
    // The worker and the heartbeat process the runpod SDK forks.
    await eventually(() => (groupMembers(pid).length >= 2 ? true : undefined), 30_000, "runpod's heartbeat process");

    serve.child.kill("SIGKILL");
    await serve.exited;
    const killedAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    // Not before the timeout: a control plane that restarts in time finds its workers.
    expect(groupMembers(pid).length).toBeGreaterThanOrEqual(2);

    await eventually(() => (groupMembers(pid).length === 0 ? true : undefined), 60_000, "the orphaned worker's end");
    // After the timeout and the watchdog's margin (5 s), which lets workers that keep the timeout go first.
    expect(Date.now() - killedAt).toBeGreaterThanOrEqual(3000 + 5000 - 1000);
    // Its job done, the watchdog is gone too, and said what it did.
    await eventually(() => (processRunning(watchdog) ? undefined : true), 10_000, "the watchdog's exit");
    expect(readFileSync(join(dataDir, "logs", "orphan-watchdog.log"), "utf8")).toMatch(
      new RegExp(`stopping 1 worker\\(s\\): ${workerId} \\(pid ${pid}\\)`),
    );
  }, 180_000);

  it("are kept when a restarted control plane adopts them, and ended with it when it stops", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "runfleet-orphans-"));
    dataDirs.push(dataDir);
    // Longer than a restart takes on a loaded machine, short enough for a test.
    const orphanTimeoutMs = 8000;
    const args = crashTestServeArgs(await freePort(), dataDir, ["--worker-orphan-timeout-ms", String(orphanTimeoutMs)]);
    let serve = await startServeProcess(args, ENV);
    serves.push(serve);
    const call = adminCall(() => serve, TEST_ADMIN_KEY);
    const { endpointId, workerId } = await idlePythonWorker(call);
    const pid = recordedPid(dataDir, `${workerId}.json`);
    groups.push(pid);
    const watchdog = recordedPid(dataDir, "orphan-watchdog.pid");

    serve.child.kill("SIGKILL");
    await serve.exited;
    serve = await startServeProcess(args, ENV);
    serves.push(serve);
    // Well past the time the watchdog would have stopped an orphan (the timeout and its margin of at least
    // 5 s), counted from the kill: the adopted worker still runs, and serves jobs.
    await new Promise((resolve) => setTimeout(resolve, orphanTimeoutMs + 5000 + 3000));
    expect(groupMembers(pid).length).toBeGreaterThanOrEqual(1);
    expect(processRunning(watchdog)).toBe(true);
    const { body } = await call<{ status: string; workerId?: string }>("POST", `/v2/${endpointId}/runsync?wait=60000`, {
      input: { mode: "echo" },
    });
    expect(body).toMatchObject({ status: "COMPLETED", workerId });

    // A graceful stop stops its workers, and the watchdog, with nothing left to guard, ends as well.
    serve.child.kill("SIGTERM");
    await serve.exited;
    await eventually(() => (groupMembers(pid).length === 0 ? true : undefined), 10_000, "the worker's stop");
    await eventually(() => (processRunning(watchdog) ? undefined : true), 10_000, "the watchdog's exit");
  }, 240_000);
});
