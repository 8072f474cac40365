import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import type { V1Pod } from "@kubernetes/client-node";
import { databaseInstanceId, KubernetesDriver } from "@runfleet/control-plane";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_ADMIN_KEY } from "../support/control-plane-process.js";
import { idleWorkerSpec } from "../support/control-plane-subprocess.js";
import { ECHO_IMAGE } from "../support/docker-engine.js";
import {
  CONTROL_PLANE_IMAGE,
  requireKubernetesCluster,
  TEST_KUBECONFIG,
  testCluster,
} from "../support/kubernetes-cluster.js";
import { dropTestSchema, newTestSchema, requirePostgres, TEST_DATABASE_URL } from "../support/postgres.js";
import { eventually, REPO_ROOT } from "../support/workers.js";

/** The overlay of the manifests for the test cluster (host network, the apiserver on 127.0.0.1). */
const MANIFESTS = join(REPO_ROOT, "deploy/kubernetes/test-cluster");
const NAMESPACE = "runfleet";
const DEPLOYMENT = "runfleet-control-plane";
/** Where the overlay has the active control plane listen, on the node's (this host's) loopback. */
const BASE_URL = "http://127.0.0.1:18480";

const SECRET_KEY = "in-cluster-test-secret-key-0123456789abcdef";

const run = (await requireKubernetesCluster([ECHO_IMAGE, CONTROL_PLANE_IMAGE])) && (await requirePostgres());

const execFileAsync = promisify(execFile);

async function kubectl(...args: string[]): Promise<string> {
  const { stdout: binDir } = await execFileAsync(join(REPO_ROOT, "scripts/kubernetes-build.sh"), ["--bin-dir"]);
  const { stdout } = await execFileAsync(join(binDir.trim(), "kubectl"), ["--kubeconfig", TEST_KUBECONFIG, ...args], {
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
}

interface JobStatus {
  id: string;
  status: string;
  output?: unknown;
  workerId?: string;
}

/** Calls the control plane that serves from inside the cluster, with the admin key of the Secret. */
async function call<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(`${BASE_URL}${path}`, {
    method,
    headers: { authorization: `Bearer ${TEST_ADMIN_KEY}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

const controlPlanePods = async (): Promise<V1Pod[]> =>
  (
    await testCluster().listNamespacedPod({
      namespace: NAMESPACE,
      labelSelector: "app.kubernetes.io/component=control-plane",
    })
  ).items.filter((pod) => !pod.metadata?.deletionTimestamp && pod.status?.phase === "Running");

/** The replica that holds the database's active lock: the one whose log says it listens. */
async function activePod(): Promise<string | undefined> {
  for (const pod of await controlPlanePods()) {
    const name = pod.metadata?.name ?? "";
    const log = await testCluster()
      .readNamespacedPodLog({ name, namespace: NAMESPACE })
      .catch(() => "");
    if (log.includes("control plane listening on")) {
      return name;
    }
  }
  return undefined;
}

const workerPods = async (): Promise<V1Pod[]> =>
  (await testCluster().listNamespacedPod({ namespace: NAMESPACE, labelSelector: "runfleet.dev/endpoint" })).items;

describe.runIf(run)("Runfleet deployed into the cluster (2 replicas on PostgreSQL, the kubernetes driver)", () => {
  const schema = newTestSchema("k8s");
  let endpointId = "";

  beforeAll(async () => {
    await kubectl("apply", "-f", join(REPO_ROOT, "deploy/kubernetes/base/namespace.yaml"));
    // A run that was interrupted may have left the Secret: this run's schema replaces it.
    await kubectl("--namespace", NAMESPACE, "delete", "secret", "runfleet-control-plane", "--ignore-not-found");
    await kubectl(
      "--namespace",
      NAMESPACE,
      "create",
      "secret",
      "generic",
      "runfleet-control-plane",
      `--from-literal=RUNFLEET_DATABASE_URL=${TEST_DATABASE_URL}`,
      `--from-literal=RUNFLEET_DATABASE_SCHEMA=${schema}`,
      `--from-literal=RUNFLEET_SECRET_KEY=${SECRET_KEY}`,
      `--from-literal=RUNFLEET_ADMIN_KEY=${TEST_ADMIN_KEY}`,
    );
    await kubectl("apply", "-k", MANIFESTS);
    await eventually(
      async () => {
        const deployment = await kubectl("--namespace", NAMESPACE, "get", "deployment", DEPLOYMENT, "-o", "json");
        const ready = (JSON.parse(deployment) as { status?: { readyReplicas?: number } }).status?.readyReplicas ?? 0;
        return ready >= 1 ? true : undefined;
      },
      120_000,
      "a control-plane replica Ready",
    );
  }, 180_000);

  afterAll(async () => {
    // Deleting the namespace deletes the Deployment, its pods and any worker pod or Secret a failed test
    // left; the test then waits for it to be gone, so that nothing is left in the cluster.
    await kubectl("delete", "-k", MANIFESTS, "--ignore-not-found", "--wait=true", "--timeout=120s").catch(
      () => undefined,
    );
    await eventually(
      async () =>
        (await testCluster()
          .readNamespace({ name: NAMESPACE })
          .then(() => false)
          .catch(() => true))
          ? true
          : undefined,
      120_000,
      "the namespace deleted",
    ).catch(() => undefined);
    if (TEST_DATABASE_URL) {
      await dropTestSchema(schema);
    }
  }, 260_000);

  it("runs one active replica and one standby, and answers jobs with worker pods", async () => {
    const active = await eventually(activePod, 60_000, "the active replica");
    await eventually(
      async () => ((await controlPlanePods()).length === 2 ? true : undefined),
      120_000,
      "both replicas running",
    );
    const standby = (await controlPlanePods()).find((pod) => pod.metadata?.name !== active)?.metadata?.name ?? "";
    const standbyLog = await eventually(
      async () => {
        const log = await testCluster().readNamespacedPodLog({ name: standby, namespace: NAMESPACE });
        return log.includes("follower:") ? log : undefined;
      },
      60_000,
      "the standby's log",
    );
    expect(standbyLog).not.toContain("control plane listening on");

    const template = await call<{ id: string }>("POST", "/v1/templates", { name: "in-cluster", imageName: ECHO_IMAGE });
    expect(template.status, JSON.stringify(template.body)).toBe(201);
    const endpoint = await call<{ id: string; driver?: string }>("POST", "/v1/endpoints", {
      name: "in-cluster",
      templateId: template.body.id,
      computeType: "CPU",
      workersMin: 0,
      workersMax: 2,
      idleTimeout: 5,
    });
    expect(endpoint.status, JSON.stringify(endpoint.body)).toBe(201);
    endpointId = endpoint.body.id;

    const sync = await call<JobStatus>("POST", `/v2/${endpointId}/runsync?wait=90000`, {
      input: { message: "from inside the cluster" },
    });
    expect(sync.status, JSON.stringify(sync.body)).toBe(200);
    expect(sync.body.status).toBe("COMPLETED");
    expect(sync.body.output).toMatchObject({ echo: { message: "from inside the cluster" } });
    // The worker is a pod of the control plane's namespace, made through its service account.
    const pods = await workerPods();
    expect(pods.map((pod) => pod.metadata?.labels?.["runfleet.dev/endpoint"])).toContain(endpointId);

    const queued = await call<JobStatus>("POST", `/v2/${endpointId}/run`, { input: { message: "async" } });
    expect(queued.status).toBe(200);
    const done = await eventually(
      async () => {
        const { body } = await call<JobStatus>("GET", `/v2/${endpointId}/status-sync/${queued.body.id}?wait=2000`);
        return body.status === "COMPLETED" ? body : undefined;
      },
      90_000,
      "the queued job",
    );
    expect(done.output).toMatchObject({ echo: { message: "async" } });
  }, 300_000);

  it("survives the loss of the active replica's pod: the standby takes over and jobs complete", async () => {
    expect(endpointId).not.toBe("");
    const active = await eventually(activePod, 30_000, "the active replica");
    // Jobs acknowledged before the active replica goes; their workers run with sleeps, so some are
    // still queued or running when it does.
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const { status, body } = await call<JobStatus>("POST", `/v2/${endpointId}/run`, {
        input: { message: `before ${i}`, sleepMs: 1500 },
      });
      expect(status).toBe(200);
      ids.push(body.id);
    }
    await testCluster().deleteNamespacedPod({ name: active, namespace: NAMESPACE, gracePeriodSeconds: 0 });

    const next = await eventually(
      async () => {
        const name = await activePod();
        return name !== undefined && name !== active ? name : undefined;
      },
      120_000,
      "another replica to take over",
    );
    expect(next).not.toBe(active);
    await eventually(
      async () => ((await call<unknown>("GET", "/readyz")).status === 200 ? true : undefined),
      60_000,
      "the new active replica ready",
    );

    for (const [i, id] of ids.entries()) {
      const done = await eventually(
        async () => {
          const { body } = await call<JobStatus>("GET", `/v2/${endpointId}/status-sync/${id}?wait=2000`);
          return body.status === "COMPLETED" ? body : undefined;
        },
        120_000,
        `job ${id} to complete after the take-over`,
      );
      expect(done.output).toMatchObject({ echo: { message: `before ${i}` } });
    }
    const after = await call<JobStatus>("POST", `/v2/${endpointId}/runsync?wait=90000`, {
      input: { message: "after the take-over" },
    });
    expect(after.body.status).toBe("COMPLETED");
    expect(after.body.output).toMatchObject({ echo: { message: "after the take-over" } });

    // The Deployment replaces the lost pod, which waits as the new standby.
    await eventually(
      async () => ((await controlPlanePods()).length === 2 ? true : undefined),
      120_000,
      "two replicas again",
    );

    // A worker pod of this instance that no record claims, as the replica that died could leave one when
    // it created a pod as it went: the active replica's orphan sweep removes it (the overlay sweeps every
    // 2 s, sparing pods younger than 10 s). Before this sweep, such a pod was left in 1 run in 3.
    const orphan = `wk_incluster${process.pid}`;
    const stray = await KubernetesDriver.connect({
      kubeconfig: TEST_KUBECONFIG,
      namespace: NAMESPACE,
      instanceId: databaseInstanceId(SECRET_KEY, schema),
    });
    await stray.start(idleWorkerSpec(orphan, endpointId, ECHO_IMAGE));
    await stray.close();

    // Removing the endpoint stops its workers, and the sweep the orphan: no worker pod is left behind.
    const removed = await call<unknown>("DELETE", `/v1/endpoints/${endpointId}`);
    expect([200, 204]).toContain(removed.status);
    await eventually(
      async () => {
        const left = await workerPods();
        if (left.length > 0) {
          throw new Error(
            left
              .map(
                (pod) =>
                  `${pod.metadata?.name} ${pod.status?.phase} deleting=${Boolean(pod.metadata?.deletionTimestamp)}`,
              )
              .join(", "),
          );
        }
        return true;
      },
      90_000,
      "no worker pod",
    );
    // The orphan went through the sweep (nothing else stops a pod no record claims), which counts it once
    // the pod's end is confirmed: a moment after the pod is gone from the API.
    await eventually(
      async () => {
        const metrics = await fetch(`${BASE_URL}/metrics`, { signal: AbortSignal.timeout(30_000) }).then((response) =>
          response.text(),
        );
        const swept = /^runfleet_orphan_workers_removed_total\{driver="kubernetes"\} (\d+)$/m.exec(metrics);
        return Number(swept?.[1] ?? 0) >= 1 ? true : undefined;
      },
      30_000,
      "the orphan's removal counted by the active replica's sweep",
    );
  }, 420_000);
});
