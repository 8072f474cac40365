import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KubernetesDriver } from "@runfleet/control-plane";
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
import { ECHO_IMAGE } from "../support/docker-engine.js";
import {
  podsOf,
  removePodsOf,
  requireKubernetesCluster,
  TEST_KUBECONFIG,
  TEST_NAMESPACE,
} from "../support/kubernetes-cluster.js";
import { eventually } from "../support/workers.js";

const run = await requireKubernetesCluster();

describe.runIf(run)("a control plane with Kubernetes workers killed with SIGKILL", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "runfleet-kubernetes-crash-"));
  let serve: ServeProcess | undefined;
  let instanceId: string | undefined;

  afterAll(async () => {
    // A graceful stop stops the workers it adopted; anything a failed test left is removed too.
    serve?.child.kill("SIGTERM");
    await serve?.exited;
    if (instanceId) {
      await removePodsOf(instanceId);
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("adopts the running pods after a restart, removes orphans, and finishes every job", async () => {
    const port = await freePort();
    const args = [
      ...["--port", String(port), "--data-dir", dataDir, "--driver", "kubernetes"],
      ...["--kubeconfig", TEST_KUBECONFIG, "--kubernetes-namespace", TEST_NAMESPACE],
      ...["--job-lease-ms", "3000", "--take-hold-ms", "2000", "--sweep-interval-ms", "100"],
      ...["--autoscaler-tick-ms", "100", "--worker-stop-grace-ms", "2000"],
    ];
    const env = { RUNFLEET_ADMIN_KEY: TEST_ADMIN_KEY, RUNFLEET_LOG_LEVEL: "warn" };
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
    const podWorkers = async () =>
      (await podsOf(instanceId as string))
        .filter((pod) => !pod.metadata?.deletionTimestamp)
        .map((pod) => pod.metadata?.labels?.["runfleet.dev/worker"] ?? "")
        .sort();

    // Two jobs the workers are running when the control plane dies, and ten waiting behind them.
    const { running: slow, queued } = await jobsAcrossACrash(call, endpointId);
    const before = await workerIds();
    expect(before).toHaveLength(2);
    expect(await podWorkers()).toEqual(before);

    serve.child.kill("SIGKILL");
    await serve.exited;
    // The pods outlive the control plane.
    expect(await podWorkers()).toEqual(before);
    // And a pod of this instance that no worker record claims: an orphan to be removed.
    // Unique: a pod name is taken until its pod is gone, whichever run made it.
    const orphan = `wk_orphan${process.pid}`;
    const stray = await KubernetesDriver.connect({
      kubeconfig: TEST_KUBECONFIG,
      namespace: TEST_NAMESPACE,
      instanceId,
    });
    await stray.start(idleWorkerSpec(orphan, endpointId, ECHO_IMAGE));
    await stray.close();
    expect(await podWorkers()).toContain(orphan);

    serve = await startServeProcess(args, env);
    await expectAllCompleted(call, endpointId, [...slow, ...queued], 60_000);
    // The same two workers, in the same two pods: adopted, not duplicated; the orphan is gone.
    expect(await workerIds()).toEqual(before);
    await eventually(
      async () => {
        const workers = await podWorkers();
        return workers.length === 2 && !workers.includes(orphan) ? workers : undefined;
      },
      30_000,
      "the orphan to be removed",
    );
    expect(await podWorkers()).toEqual(before);
  }, 180_000);
});
