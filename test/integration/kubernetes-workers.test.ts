import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestControlPlane, type TestControlPlane } from "../support/control-plane-process.js";
import { ECHO_IMAGE, PYTHON_IMAGE } from "../support/docker-engine.js";
import {
  podsOf,
  removePodsOf,
  requireKubernetesCluster,
  secretsOf,
  TEST_KUBECONFIG,
  TEST_NAMESPACE,
} from "../support/kubernetes-cluster.js";
import { eventually, samplePeak } from "../support/workers.js";

const run = await requireKubernetesCluster([ECHO_IMAGE, PYTHON_IMAGE]);

interface JobStatus {
  id: string;
  status: string;
  output?: unknown;
  workerId?: string;
  reason?: string;
}

describe.runIf(run)("endpoints whose workers are Kubernetes pods", () => {
  let cp: TestControlPlane;
  let instanceId: string;

  beforeAll(async () => {
    cp = await startTestControlPlane({
      driver: "kubernetes",
      kubeconfig: TEST_KUBECONFIG,
      kubernetesNamespace: TEST_NAMESPACE,
      autoscalerTickMs: 100,
      workerStopGraceMs: 2000,
    });
    instanceId = readFileSync(join(cp.dataDir, "instance-id"), "utf8").trim();
  });

  afterAll(async () => {
    // A graceful stop stops the workers; whatever a failed test left is removed too.
    await cp?.dispose();
    if (instanceId) {
      await removePodsOf(instanceId);
    }
  });

  const imageEndpoint = async (
    image: string,
    settings: Record<string, unknown>,
    template: Record<string, unknown> = {},
  ) => {
    const name = `k-${Math.random().toString(36).slice(2)}`;
    const created = await cp.call<{ id: string }>("POST", "/v1/templates", { name, imageName: image, ...template });
    expect(created.status).toBe(201);
    const endpoint = await cp.call<{ id: string }>("POST", "/v1/endpoints", {
      name,
      templateId: created.body.id,
      computeType: "CPU",
      ...settings,
    });
    expect(endpoint.status, JSON.stringify(endpoint.body)).toBe(201);
    return endpoint.body.id;
  };
  const workerCount = async (endpointId: string) =>
    (await cp.call<unknown[]>("GET", `/v1/endpoints/${endpointId}/workers`)).body.length;
  const endpointPods = async (endpointId: string) =>
    (await podsOf(instanceId)).filter((pod) => pod.metadata?.labels?.["runfleet.dev/endpoint"] === endpointId);
  const nothingLeft = async (endpointId: string) => {
    await eventually(async () => ((await endpointPods(endpointId)).length === 0 ? true : undefined), 20_000, "no pod");
    const secrets = (await secretsOf(instanceId)).filter(
      (s) => s.metadata?.labels?.["runfleet.dev/endpoint"] === endpointId && !s.metadata?.deletionTimestamp,
    );
    expect(secrets.map((s) => s.metadata?.name)).toEqual([]);
  };
  const reasonOf = async (endpointId: string, jobId: string) =>
    (await cp.call<JobStatus>("GET", `/v2/${endpointId}/status/${jobId}`)).body.reason ?? "";

  it("scales the TypeScript worker image from zero on a burst and back to zero, leaving no pod", async () => {
    const endpointId = await imageEndpoint(ECHO_IMAGE, {
      workersMin: 0,
      workersMax: 3,
      scalerType: "REQUEST_COUNT",
      scalerValue: 1,
      idleTimeout: 1,
    });
    expect(await endpointPods(endpointId)).toEqual([]);
    const sampler = samplePeak(async () => (await endpointPods(endpointId)).length, 100);
    const ids = await Promise.all(
      Array.from({ length: 9 }, async (_, i) => {
        const { body } = await cp.call<JobStatus>("POST", `/v2/${endpointId}/run`, {
          input: { message: `burst ${i}`, sleepMs: 500 },
        });
        return body.id;
      }),
    );
    const workers = new Set<string>();
    for (const [i, id] of ids.entries()) {
      const done = await eventually(
        async () => {
          const { body } = await cp.call<JobStatus>("GET", `/v2/${endpointId}/status-sync/${id}?wait=2000`);
          return body.status === "COMPLETED" ? body : undefined;
        },
        90_000,
        `job ${id} to complete`,
      );
      expect(done.output).toMatchObject({ echo: { message: `burst ${i}` } });
      workers.add(done.workerId ?? "");
    }
    expect(workers.size).toBeGreaterThan(1);
    await eventually(async () => ((await workerCount(endpointId)) === 0 ? true : undefined), 30_000, "scale to zero");
    const peak = await sampler.stop();
    expect(peak).toBeGreaterThan(1);
    expect(peak).toBeLessThanOrEqual(3);
    await nothingLeft(endpointId);
  }, 150_000);

  it("answers jobs from the unmodified Python RunPod worker image, with its logs through the pod log API", async () => {
    const endpointId = await imageEndpoint(PYTHON_IMAGE, { workersMin: 0, workersMax: 1, idleTimeout: 3 });
    const { status, body } = await cp.call<JobStatus>("POST", `/v2/${endpointId}/runsync?wait=90000`, {
      input: { mode: "echo", from: "python" },
    });
    expect(status).toBe(200);
    expect(body.status).toBe("COMPLETED");
    expect(body.output).toMatchObject({ echo: { mode: "echo", from: "python" } });
    const logs = await cp.call<{ lines: { line: string }[] }>(
      "GET",
      `/v1/endpoints/${endpointId}/workers/${body.workerId}/logs?tail=50`,
    );
    expect(logs.status).toBe(200);
    expect(logs.body.lines.length).toBeGreaterThan(0);
    await eventually(async () => ((await workerCount(endpointId)) === 0 ? true : undefined), 30_000, "scale to zero");
    await nothingLeft(endpointId);
  }, 120_000);

  it("keeps no FlashBoot standby (Kubernetes has no pause): an idle worker's pod is removed", async () => {
    const endpointId = await imageEndpoint(ECHO_IMAGE, { workersMax: 1, idleTimeout: 1, flashboot: true });
    const first = await cp.call<JobStatus>("POST", `/v2/${endpointId}/runsync?wait=60000`, { input: { message: "a" } });
    expect(first.body.status).toBe("COMPLETED");
    await eventually(async () => ((await workerCount(endpointId)) === 0 ? true : undefined), 30_000, "scale to zero");
    await nothingLeft(endpointId);
    const second = await cp.call<JobStatus>("POST", `/v2/${endpointId}/runsync?wait=60000`, {
      input: { message: "b" },
    });
    expect(second.body.status).toBe("COMPLETED");
    expect(second.body.workerId).not.toBe(first.body.workerId);
    await cp.call("DELETE", `/v1/endpoints/${endpointId}`);
    await nothingLeft(endpointId);
  }, 120_000);

  it("says why a job waits when the image cannot be pulled, and backs off", async () => {
    // A loopback registry: the pull fails here, and nothing leaves the host.
    const endpointId = await imageEndpoint("127.0.0.1:5999/runfleet/missing:dev", { workersMax: 1 });
    const { body } = await cp.call<JobStatus>("POST", `/v2/${endpointId}/run`, { input: { message: "x" } });
    const seen: string[] = [];
    const reason = await eventually(
      async () => {
        const why = await reasonOf(endpointId, body.id);
        if (seen.at(-1) !== why) {
          seen.push(why);
        }
        return /cannot be started/.test(why) ? why : undefined;
      },
      60_000,
      "the image pull failure as the job's reason",
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}; the reasons seen: ${JSON.stringify(seen)}`);
    });
    expect(reason).toMatch(/ErrImagePull|ImagePullBackOff/);
    expect(reason).toMatch(/retrying with back-off/);
    await cp.call("DELETE", `/v1/endpoints/${endpointId}`);
    await nothingLeft(endpointId);
  }, 90_000);

  it("reports a worker that crashes at start with its exit code and last lines", async () => {
    const crashing = await imageEndpoint(
      ECHO_IMAGE,
      { workersMax: 1 },
      { command: ["node", "-e", "console.error('cannot load the model'); process.exit(7)"] },
    );
    const { body } = await cp.call<JobStatus>("POST", `/v2/${crashing}/run`, { input: { message: "x" } });
    const reason = await eventually(
      async () => {
        const why = await reasonOf(crashing, body.id);
        return /crash-looping/.test(why) ? why : undefined;
      },
      90_000,
      "the crash loop as the job's reason",
    );
    expect(reason).toMatch(/worker exited with 7: .*cannot load the model/);
    await cp.call("DELETE", `/v1/endpoints/${crashing}`);
    await nothingLeft(crashing);
  }, 120_000);

  it("leaves a GPU worker beyond the node's GPUs Pending, with the scheduler's reason", async () => {
    const endpointId = await imageEndpoint(ECHO_IMAGE, {
      computeType: "GPU",
      gpuCount: 8,
      workersMax: 1,
    });
    const { body } = await cp.call<JobStatus>("POST", `/v2/${endpointId}/run`, { input: { message: "x" } });
    const reason = await eventually(
      async () => {
        const why = await reasonOf(endpointId, body.id);
        return /pending/.test(why) ? why : undefined;
      },
      30_000,
      "the scheduler's reason",
    );
    expect(reason).toMatch(/Unschedulable: .*Insufficient nvidia\.com\/gpu/);
    const [pod] = await endpointPods(endpointId);
    expect(pod?.status?.phase).toBe("Pending");
    expect(pod?.spec?.containers[0]?.resources?.limits).toMatchObject({ "nvidia.com/gpu": "8" });
    await cp.call("DELETE", `/v1/endpoints/${endpointId}`);
    await nothingLeft(endpointId);
  }, 90_000);
});
