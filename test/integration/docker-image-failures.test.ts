import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestControlPlane, type TestControlPlane } from "../support/control-plane-process.js";
import {
  DOCKER_HOST,
  docker,
  ECHO_IMAGE,
  pushToTestRegistry,
  requireDockerEngine,
  requireTestRegistry,
  TEST_REGISTRY,
} from "../support/docker-engine.js";
import { eventually } from "../support/workers.js";

const run = (await requireDockerEngine()) && (await requireTestRegistry());
/** An engine with the NVIDIA runtime would hand out the GPU: the GPU failure case needs one without. */
const engineHasNvidia = run && "nvidia" in ((await docker.info()) as { Runtimes: Record<string, unknown> }).Runtimes;

interface JobStatus {
  id: string;
  status: string;
  output?: unknown;
  reason?: string;
}

describe.runIf(run)("docker workers: registry credentials, and images that cannot run", () => {
  const authDir = mkdtempSync(join(tmpdir(), "runfleet-docker-auth-"));
  const pushedTag = `pull-${process.pid}-${Date.now()}`;
  let cp: TestControlPlane;
  let pushed: string | undefined;

  beforeAll(async () => {
    // The credentials as `docker login` stores them.
    const authFile = join(authDir, "config.json");
    const auth = Buffer.from(`${TEST_REGISTRY.username}:${TEST_REGISTRY.password}`).toString("base64");
    writeFileSync(authFile, JSON.stringify({ auths: { [TEST_REGISTRY.address]: { auth } } }));
    cp = await startTestControlPlane({
      driver: "docker",
      dockerHost: DOCKER_HOST,
      dockerAuthFile: authFile,
      // Declared GPUs on an engine without the NVIDIA container toolkit: the device request must fail.
      gpus: "NVIDIA L4:1",
      autoscalerTickMs: 100,
      workerStopGraceMs: 2000,
    });
  });

  afterAll(async () => {
    await cp?.dispose();
    if (pushed) {
      await docker
        .getImage(pushed)
        .remove()
        .catch(() => undefined);
    }
    rmSync(authDir, { recursive: true, force: true });
  });

  const endpointOf = async (
    image: string,
    env: Record<string, string> = {},
    command: string[] = [],
    settings: Record<string, unknown> = {},
  ) => {
    const name = `f-${Math.random().toString(36).slice(2)}`;
    const template = await cp.call<{ id: string }>("POST", "/v1/templates", { name, imageName: image, env, command });
    const endpoint = await cp.call<{ id: string }>("POST", "/v1/endpoints", {
      name,
      templateId: template.body.id,
      computeType: "CPU",
      workersMax: 1,
      idleTimeout: 1,
      ...settings,
    });
    expect(endpoint.status).toBe(201);
    return endpoint.body.id;
  };
  /** The endpoint's back-off events, oldest first: the endpoint-level record of why workers do not run. */
  const backoffEvents = async (endpointId: string) =>
    (
      await cp.call<{ action: string; reason: string; inputs: { backoffMs?: number } }[]>(
        "GET",
        `/v1/endpoints/${endpointId}/scaling-events`,
      )
    ).body
      .filter((e) => e.action === "backoff")
      .reverse();
  const backoffs = async (endpointId: string) => (await backoffEvents(endpointId)).map((e) => e.inputs.backoffMs ?? 0);
  const waitingWith = (endpointId: string, jobId: string, pattern: RegExp, what: string) =>
    eventually(
      async () => {
        const { body } = await cp.call<JobStatus>("GET", `/v2/${endpointId}/status/${jobId}`);
        return pattern.test(body.reason ?? "") ? body : undefined;
      },
      30_000,
      what,
    );

  it("pulls a worker image from the registry with the configured credentials", async () => {
    pushed = await pushToTestRegistry(ECHO_IMAGE, "runfleet/echo-worker", pushedTag);
    // Only the tag goes: the engine must pull the manifest from the registry, with the credentials.
    await docker.getImage(pushed).remove();
    const endpointId = await endpointOf(pushed);
    const { body } = await cp.call<JobStatus>("POST", `/v2/${endpointId}/runsync?wait=60000`, {
      input: { message: "pulled" },
    });
    expect(body).toMatchObject({ status: "COMPLETED", output: { echo: { message: "pulled" } } });
    // A healthy endpoint has no reason to show.
    expect((await cp.call<{ reason?: string }>("GET", `/v1/endpoints/${endpointId}`)).body.reason).toBeUndefined();
    expect((await docker.getImage(pushed).inspect()).RepoTags).toContain(pushed);
    await cp.call("DELETE", `/v1/endpoints/${endpointId}`);
  });

  it("says on the endpoint and its queued jobs that an image cannot be pulled, and backs off", async () => {
    const missing = `${TEST_REGISTRY.address}/runfleet/missing:never`;
    const endpointId = await endpointOf(missing);
    const { body: job } = await cp.call<JobStatus>("POST", `/v2/${endpointId}/run`, { input: {} });
    const queued = await waitingWith(endpointId, job.id, /cannot be pulled/, "the image-pull reason");
    expect(queued.status).toBe("IN_QUEUE");
    expect(queued.reason).toContain(`image ${missing} cannot be pulled from ${TEST_REGISTRY.address} as runfleet`);
    // The endpoint itself says so too.
    const shown = await cp.call<{ reason?: string }>("GET", `/v1/endpoints/${endpointId}`);
    expect(shown.body.reason).toMatch(
      /^the endpoint's workers cannot be started, retrying with back-off: image .* cannot be pulled/,
    );
    // Back-off, not a hot loop: each retry waits longer than the one before.
    const delays = await eventually(async () => {
      const list = await backoffs(endpointId);
      return list.length >= 2 ? list : undefined;
    });
    expect(delays[1]).toBeGreaterThan(delays[0] ?? 0);
    expect((await backoffEvents(endpointId))[0]?.reason).toMatch(
      /^image .* cannot be pulled .*; next start in 1000 ms/,
    );
    expect((await cp.call<unknown[]>("GET", `/v1/endpoints/${endpointId}/workers`)).body).toEqual([]);
    await cp.call("DELETE", `/v1/endpoints/${endpointId}`);
  });

  it("says why a container cannot run when its command is not in the image", async () => {
    const endpointId = await endpointOf(ECHO_IMAGE, {}, ["/no/such/worker"]);
    const { body: job } = await cp.call<JobStatus>("POST", `/v2/${endpointId}/run`, { input: {} });
    // The init process starts, cannot run the command, and exits: a crash loop that names the command.
    const queued = await waitingWith(endpointId, job.id, /crash-looping/, "the crash-loop reason");
    expect(queued.reason).toMatch(/exited with 127: .*exec \/no\/such\/worker failed: No such file or directory/);
    await cp.call("DELETE", `/v1/endpoints/${endpointId}`);
  });

  it.skipIf(engineHasNvidia)(
    "asks the engine for the worker's GPUs, and says so when it cannot give them",
    async () => {
      const endpointId = await endpointOf(ECHO_IMAGE, {}, [], { computeType: "GPU", gpuCount: 1 });
      const { body: job } = await cp.call<JobStatus>("POST", `/v2/${endpointId}/run`, { input: {} });
      const queued = await waitingWith(endpointId, job.id, /cannot be started/, "the GPU start failure");
      expect(queued.reason).toMatch(/could not select device driver "nvidia" with capabilities: \[\[gpu\]\]/);
      // Its GPU went back to the inventory.
      const inventory = (await cp.call<{ workerId: string | null }[]>("GET", "/v1/gpus")).body;
      expect(inventory.every((gpu) => gpu.workerId === null)).toBe(true);
      await cp.call("DELETE", `/v1/endpoints/${endpointId}`);
    },
  );

  it("reports a container that exits at once as crash-looping, on the endpoint and its jobs, with back-off", async () => {
    const endpointId = await endpointOf(ECHO_IMAGE, { ECHO_EXIT_AT_START: "1" });
    const { body: job } = await cp.call<JobStatus>("POST", `/v2/${endpointId}/run`, { input: {} });
    const queued = await waitingWith(endpointId, job.id, /crash-looping/, "the crash-loop reason");
    expect(queued.status).toBe("IN_QUEUE");
    expect(queued.reason).toMatch(/exited with 1: echo worker: ECHO_EXIT_AT_START=1/);
    const shown = await cp.call<{ reason?: string }>("GET", `/v1/endpoints/${endpointId}`);
    expect(shown.body.reason).toMatch(/crash-looping \(UNHEALTHY\).*exited with 1/);
    const health = await cp.call<{ workers: { unhealthy: number } }>("GET", `/v2/${endpointId}/health`);
    expect(health.body.workers.unhealthy).toBe(1);
    const delays = await backoffs(endpointId);
    expect(delays.length).toBeGreaterThanOrEqual(3);
    expect(delays[2]).toBeGreaterThan(delays[0] ?? 0);
    expect((await backoffEvents(endpointId))[0]?.reason).toMatch(/^worker exited with 1: echo worker/);
    await cp.call("DELETE", `/v1/endpoints/${endpointId}`);
  });
});
