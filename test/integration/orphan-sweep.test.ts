import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DockerDriver, KubernetesDriver } from "@runfleet/control-plane";
import { afterAll, describe, expect, it } from "vitest";
import { TEST_ADMIN_KEY } from "../support/control-plane-process.js";
import {
  adminCall,
  expectAllCompleted,
  freePort,
  idleWorkerSpec,
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
import {
  podsOf,
  removePodsOf,
  requireKubernetesCluster,
  TEST_KUBECONFIG,
  TEST_NAMESPACE,
} from "../support/kubernetes-cluster.js";
import { eventually } from "../support/workers.js";

/** Short enough for a test, long enough that every worker of the burst outlives it many times over. */
const GRACE_MS = 3000;

interface ContainerDriverCase {
  kind: "docker" | "kubernetes";
  run: boolean;
  args: string[];
  env: Record<string, string>;
  /** Starts a worker of the instance behind the control plane's back, as another control plane would. */
  plant: (instanceId: string, workerId: string, endpointId: string) => Promise<void>;
  /** The worker ids of the instance's live containers or pods. */
  present: (instanceId: string) => Promise<string[]>;
  cleanUp: (instanceId: string) => Promise<void>;
}

const cases: ContainerDriverCase[] = [
  {
    kind: "docker",
    run: await requireDockerEngine(),
    args: ["--driver", "docker"],
    env: { DOCKER_HOST },
    plant: async (instanceId, workerId, endpointId) => {
      const stray = await DockerDriver.connect({ host: DOCKER_HOST, instanceId });
      await stray.start(idleWorkerSpec(workerId, endpointId, ECHO_IMAGE));
      await stray.close();
    },
    present: async (instanceId) =>
      (await containersOf(instanceId))
        .filter((container) => container.State === "running")
        .map((container) => container.Labels["org.runfleet.worker"] ?? ""),
    cleanUp: removeContainersOf,
  },
  {
    kind: "kubernetes",
    run: await requireKubernetesCluster(),
    args: ["--driver", "kubernetes", "--kubeconfig", TEST_KUBECONFIG, "--kubernetes-namespace", TEST_NAMESPACE],
    env: {},
    plant: async (instanceId, workerId, endpointId) => {
      const stray = await KubernetesDriver.connect({
        kubeconfig: TEST_KUBECONFIG,
        namespace: TEST_NAMESPACE,
        instanceId,
      });
      await stray.start(idleWorkerSpec(workerId, endpointId, ECHO_IMAGE));
      await stray.close();
    },
    present: async (instanceId) =>
      (await podsOf(instanceId))
        .filter((pod) => !pod.metadata?.deletionTimestamp)
        .map((pod) => pod.metadata?.labels?.["runfleet.dev/worker"] ?? ""),
    cleanUp: removePodsOf,
  },
];

interface ScalingEvent {
  at: string;
  action: string;
  workerId: string | null;
  reason: string;
}

for (const driver of cases) {
  describe.runIf(driver.run)(`the orphan sweep of a running control plane (${driver.kind} driver)`, () => {
    const dataDir = mkdtempSync(join(tmpdir(), `runfleet-orphan-sweep-${driver.kind}-`));
    let serve: ServeProcess | undefined;
    let instanceId: string | undefined;

    afterAll(async () => {
      serve?.child.kill("SIGTERM");
      await serve?.exited;
      if (instanceId) {
        await driver.cleanUp(instanceId);
      }
      rmSync(dataDir, { recursive: true, force: true });
    });

    it("removes a worker no record claims once it is past the grace period, and never a worker it starts", async () => {
      const port = await freePort();
      const args = [
        ...["--port", String(port), "--data-dir", dataDir, ...driver.args],
        ...["--autoscaler-tick-ms", "100", "--worker-stop-grace-ms", "2000"],
        // Sweeps far more often than the default, so that they run throughout the starts below.
        ...["--orphan-sweep-interval-ms", "200", "--orphan-sweep-grace-ms", String(GRACE_MS)],
      ];
      serve = await startServeProcess(args, {
        RUNFLEET_ADMIN_KEY: TEST_ADMIN_KEY,
        RUNFLEET_LOG_LEVEL: "warn",
        ...driver.env,
      });
      instanceId = readFileSync(join(dataDir, "instance-id"), "utf8").trim();
      const call = adminCall(() => serve, TEST_ADMIN_KEY);
      const template = await call<{ id: string }>("POST", "/v1/templates", {
        name: "sweep-echo",
        imageName: ECHO_IMAGE,
      });
      const endpoint = await call<{ id: string }>("POST", "/v1/endpoints", {
        name: "sweep-echo",
        templateId: template.body.id,
        computeType: "CPU",
        workersMin: 0,
        workersMax: 2,
        idleTimeout: 60,
      });
      const endpointId = endpoint.body.id;
      const events = async () => (await call<ScalingEvent[]>("GET", `/v1/endpoints/${endpointId}/scaling-events`)).body;

      // A burst from zero: its workers are started while the sweep runs every 200 ms. Their records claim
      // them; were they taken for orphans, they would be removed once 3 s old, mid-burst.
      const submit = async (input: Record<string, unknown>) =>
        (await call<{ id: string }>("POST", `/v2/${endpointId}/run`, { input })).body.id;
      const jobs = await Promise.all(Array.from({ length: 6 }, (_, i) => submit({ message: `j${i}`, sleepMs: 1000 })));
      await expectAllCompleted(call, endpointId, jobs, 120_000);
      const workers = (await call<{ id: string }[]>("GET", `/v1/endpoints/${endpointId}/workers`)).body.map(
        (w) => w.id,
      );
      expect(workers.length).toBeGreaterThan(0);

      // An orphan: a worker of this instance and endpoint that no record claims.
      const orphan = `wk_sweep${process.pid}${driver.kind.slice(0, 1)}`;
      const planted = Date.now();
      // Taken before the start: the sweep counts from the worker's start time, which comes after it.
      await driver.plant(instanceId, orphan, endpointId);

      // Recorded once its stop is done.
      const removal = await eventually(
        async () => (await events()).find((event) => event.workerId === orphan),
        60_000,
        "the orphan's removal to be recorded",
      );
      expect(await driver.present(instanceId)).not.toContain(orphan);
      expect(removal.action).toBe("stop_worker");
      expect(removal.reason).toMatch(/^orphan: running and no worker record claims it/);
      // Not before the grace period: it was spared while younger.
      expect(Date.parse(removal.at ?? "") - planted).toBeGreaterThanOrEqual(GRACE_MS);
      const metrics = await (await fetch(`${serve.url}/metrics`)).text();
      expect(metrics).toContain(`runfleet_orphan_workers_removed_total{driver="${driver.kind}"} 1`);

      // The control plane's own workers, older than the grace by now, are all still there and were never
      // taken for orphans.
      const present = await driver.present(instanceId);
      for (const id of workers) {
        expect(present).toContain(id);
      }
      expect((await events()).filter((event) => event.reason.startsWith("orphan:")).map((e) => e.workerId)).toEqual([
        orphan,
      ]);
    }, 240_000);
  });
}
