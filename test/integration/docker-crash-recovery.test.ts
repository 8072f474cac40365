import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DockerDriver } from "@runfleet/control-plane";
import { afterAll, describe, expect, it } from "vitest";
import { TEST_ADMIN_KEY } from "../support/control-plane-process.js";
import {
  adminCall,
  expectAllCompleted,
  freePort,
  idleWorkerSpec,
  jobsAcrossACrash,
  type ServeProcess,
  startServeProcess,
} from "../support/control-plane-subprocess.js";
import {
  containersOf,
  DOCKER_HOST,
  ECHO_IMAGE,
  removeContainersOf,
  requireDockerEngine,
} from "../support/docker-engine.js";
import { eventually } from "../support/workers.js";

const run = await requireDockerEngine();

describe.runIf(run)("a control plane with docker workers killed with SIGKILL", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "runfleet-docker-crash-"));
  let serve: ServeProcess | undefined;
  let instanceId: string | undefined;

  afterAll(async () => {
    // A graceful stop stops the workers it adopted; anything a failed test left is removed too.
    serve?.child.kill("SIGTERM");
    await serve?.exited;
    if (instanceId) {
      await removeContainersOf(instanceId);
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("adopts the running containers after a restart, removes orphans, and finishes every job", async () => {
    const port = await freePort();
    const args = [
      ...["--port", String(port), "--data-dir", dataDir, "--driver", "docker"],
      ...["--job-lease-ms", "3000", "--take-hold-ms", "2000", "--sweep-interval-ms", "100"],
      ...["--autoscaler-tick-ms", "100", "--worker-stop-grace-ms", "2000"],
    ];
    const env = { RUNFLEET_ADMIN_KEY: TEST_ADMIN_KEY, RUNFLEET_LOG_LEVEL: "warn", DOCKER_HOST };
    serve = await startServeProcess(args, env);
    instanceId = readFileSync(join(dataDir, "instance-id"), "utf8").trim();
    const call = adminCall(() => serve, TEST_ADMIN_KEY);
    const template = await call<{ id: string }>("POST", "/v1/templates", { name: "crash-echo", imageName: ECHO_IMAGE });
    const endpoint = await call<{ id: string }>("POST", "/v1/endpoints", {
      name: "crash-echo",
      templateId: template.body.id,
      computeType: "CPU",
      workersMin: 2,
      workersMax: 2,
      idleTimeout: 60,
    });
    const endpointId = endpoint.body.id;
    const workerIds = async () =>
      (await call<{ id: string }[]>("GET", `/v1/endpoints/${endpointId}/workers`)).body.map((w) => w.id).sort();
    const containerWorkers = async () =>
      (await containersOf(instanceId as string)).map((c) => c.Labels["org.runfleet.worker"] ?? "").sort();

    // Two jobs the workers are running when the control plane dies, and ten waiting behind them.
    const { running: slow, queued } = await jobsAcrossACrash(call, endpointId);
    const before = await workerIds();
    expect(before).toHaveLength(2);
    expect(await containerWorkers()).toEqual(before);

    serve.child.kill("SIGKILL");
    await serve.exited;
    // The containers outlive the control plane.
    expect(await containerWorkers()).toEqual(before);
    // And a container of this instance that no worker record claims: an orphan to be removed.
    const stray = await DockerDriver.connect({ host: DOCKER_HOST, instanceId });
    await stray.start(idleWorkerSpec("wk_orphan", endpointId, ECHO_IMAGE));
    await stray.close();
    expect(await containerWorkers()).toContain("wk_orphan");

    serve = await startServeProcess(args, env);
    await expectAllCompleted(call, endpointId, [...slow, ...queued], 60_000);
    // The same two workers, in the same two containers: adopted, not duplicated; the orphan is gone.
    expect(await workerIds()).toEqual(before);
    await eventually(
      async () => {
        const workers = await containerWorkers();
        return workers.length === 2 && !workers.includes("wk_orphan") ? workers : undefined;
      },
      15_000,
      "the orphan to be removed",
    );
    expect(await containerWorkers()).toEqual(before);
  }, 120_000);
});
