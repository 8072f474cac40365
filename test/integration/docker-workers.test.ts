import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestControlPlane, type TestControlPlane } from "../support/control-plane-process.js";
import {
  containersOf,
  DOCKER_HOST,
  ECHO_IMAGE,
  PYTHON_IMAGE,
  removeContainersOf,
  requireDockerEngine,
} from "../support/docker-engine.js";
import { eventually, samplePeak } from "../support/workers.js";

const run = await requireDockerEngine([ECHO_IMAGE, PYTHON_IMAGE]);

interface JobStatus {
  id: string;
  status: string;
  output?: unknown;
  workerId?: string;
  reason?: string;
}

describe.runIf(run)("endpoints whose workers are Docker containers", () => {
  let cp: TestControlPlane;
  let instanceId: string;

  beforeAll(async () => {
    cp = await startTestControlPlane({
      driver: "docker",
      dockerHost: DOCKER_HOST,
      autoscalerTickMs: 100,
      workerStopGraceMs: 2000,
    });
    instanceId = readFileSync(join(cp.dataDir, "instance-id"), "utf8").trim();
  });

  afterAll(async () => {
    // A graceful stop stops the workers; whatever a failed test left is removed too.
    await cp?.dispose();
    if (instanceId) {
      await removeContainersOf(instanceId);
    }
  });

  const imageEndpoint = async (image: string, settings: Record<string, unknown>, env: Record<string, string> = {}) => {
    const name = `d-${Math.random().toString(36).slice(2)}`;
    const template = await cp.call<{ id: string }>("POST", "/v1/templates", { name, imageName: image, env });
    expect(template.status).toBe(201);
    const endpoint = await cp.call<{ id: string; driver: string | null }>("POST", "/v1/endpoints", {
      name,
      templateId: template.body.id,
      computeType: "CPU",
      ...settings,
    });
    expect(endpoint.status).toBe(201);
    return endpoint.body.id;
  };
  const workerCount = async (endpointId: string) =>
    (await cp.call<unknown[]>("GET", `/v1/endpoints/${endpointId}/workers`)).body.length;
  const endpointContainers = async (endpointId: string) =>
    (await containersOf(instanceId)).filter((c) => c.Labels["org.runfleet.endpoint"] === endpointId);

  it("scales the TypeScript worker image from zero on a burst and back to zero, leaving no container", async () => {
    const endpointId = await imageEndpoint(ECHO_IMAGE, {
      workersMin: 0,
      workersMax: 3,
      scalerType: "REQUEST_COUNT",
      scalerValue: 1,
      idleTimeout: 1,
    });
    expect(await endpointContainers(endpointId)).toEqual([]);
    const sampler = samplePeak(async () => (await endpointContainers(endpointId)).length, 50);
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
        60_000,
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
    await eventually(async () => ((await endpointContainers(endpointId)).length === 0 ? true : undefined), 10_000);
  });

  it("answers jobs from the unmodified Python RunPod worker image", async () => {
    const endpointId = await imageEndpoint(PYTHON_IMAGE, { workersMin: 0, workersMax: 1, idleTimeout: 3 });
    const { status, body } = await cp.call<JobStatus>("POST", `/v2/${endpointId}/runsync?wait=60000`, {
      input: { mode: "echo", from: "python" },
    });
    expect(status).toBe(200);
    expect(body.status).toBe("COMPLETED");
    expect(body.output).toMatchObject({ echo: { mode: "echo", from: "python" } });
    // Its logs reach the workers API while it runs.
    const logs = await cp.call<{ lines: { line: string }[] }>(
      "GET",
      `/v1/endpoints/${endpointId}/workers/${body.workerId}/logs?tail=50`,
    );
    expect(logs.status).toBe(200);
    expect(logs.body.lines.length).toBeGreaterThan(0);
    await eventually(async () => ((await workerCount(endpointId)) === 0 ? true : undefined), 30_000, "scale to zero");
    await eventually(async () => ((await endpointContainers(endpointId)).length === 0 ? true : undefined), 10_000);
  });

  it("keeps a FlashBoot standby as a paused container and resumes it for the next job", async () => {
    const endpointId = await imageEndpoint(ECHO_IMAGE, { workersMax: 1, idleTimeout: 1, flashboot: true });
    const first = await cp.call<JobStatus>("POST", `/v2/${endpointId}/runsync?wait=60000`, { input: { message: "a" } });
    expect(first.body.status).toBe("COMPLETED");
    const paused = await eventually(
      async () => {
        const [container] = await endpointContainers(endpointId);
        return container?.State === "paused" ? container : undefined;
      },
      20_000,
      "the standby to be paused",
    );
    const second = await cp.call<JobStatus>("POST", `/v2/${endpointId}/runsync?wait=60000`, {
      input: { message: "b" },
    });
    expect(second.body).toMatchObject({ status: "COMPLETED", workerId: first.body.workerId });
    expect((await endpointContainers(endpointId)).map((c) => c.Id)).toEqual([paused.Id]);
    await cp.call("DELETE", `/v1/endpoints/${endpointId}`);
    await eventually(async () => ((await endpointContainers(endpointId)).length === 0 ? true : undefined), 10_000);
  });
});

describe.runIf(run)("an endpoint that overrides the control plane's driver", () => {
  let cp: TestControlPlane;

  beforeAll(async () => {
    // The default stays `process`; the docker driver is there because an engine answers.
    cp = await startTestControlPlane({ dockerHost: DOCKER_HOST, autoscalerTickMs: 100, workerStopGraceMs: 2000 });
  });

  afterAll(async () => {
    const instanceId = readFileSync(join(cp.dataDir, "instance-id"), "utf8").trim();
    await cp?.dispose();
    await removeContainersOf(instanceId);
  });

  it("runs its workers as containers while the others stay processes", async () => {
    const template = await cp.call<{ id: string }>("POST", "/v1/templates", {
      name: "override",
      imageName: ECHO_IMAGE,
    });
    const endpoint = await cp.call<{ id: string; driver: string | null }>("POST", "/v1/endpoints", {
      name: "override",
      templateId: template.body.id,
      computeType: "CPU",
      driver: "docker",
      idleTimeout: 1,
    });
    expect(endpoint.body.driver).toBe("docker");
    const { body } = await cp.call<JobStatus>("POST", `/v2/${endpoint.body.id}/runsync?wait=60000`, {
      input: { message: "override" },
    });
    expect(body).toMatchObject({ status: "COMPLETED", output: { echo: { message: "override" } } });
    const workers = (await cp.call<{ driver: string }[]>("GET", `/v1/endpoints/${endpoint.body.id}/workers`)).body;
    expect(workers.map((w) => w.driver)).toEqual(["docker"]);
  });

  it("refuses a driver override that this control plane cannot run, naming the field", async () => {
    const template = await cp.call<{ id: string }>("POST", "/v1/templates", { name: "k8s", imageName: ECHO_IMAGE });
    const refused = await cp.call<{ code: string; errors: { field: string; message: string }[] }>(
      "POST",
      "/v1/endpoints",
      { name: "k8s", templateId: template.body.id, computeType: "CPU", driver: "kubernetes" },
    );
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toContainEqual({ field: "driver", message: expect.stringMatching(/process, docker/) });
  });
});
