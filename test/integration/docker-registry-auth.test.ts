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

interface JobStatus {
  id: string;
  status: string;
  output?: unknown;
  reason?: string;
}

describe.runIf(run)("docker workers: registry credentials stored per template (containerRegistryAuthId)", () => {
  const pushedTag = `auth-${process.pid}-${Date.now()}`;
  let cp: TestControlPlane;
  let pushed: string;

  beforeAll(async () => {
    // No credentials configured on the control plane: only the template's can pull the private image.
    cp = await startTestControlPlane({
      driver: "docker",
      dockerHost: DOCKER_HOST,
      autoscalerTickMs: 100,
      workerStopGraceMs: 2000,
    });
    pushed = await pushToTestRegistry(ECHO_IMAGE, "runfleet/private-echo", pushedTag);
  }, 120_000);

  afterAll(async () => {
    await cp?.dispose();
    if (pushed) {
      await docker
        .getImage(pushed)
        .remove()
        .catch(() => undefined);
    }
  });

  const endpointFor = async (template: Record<string, unknown>) => {
    const name = `ra-${Math.random().toString(36).slice(2)}`;
    const created = await cp.call<{ id: string }>("POST", "/v1/templates", { name, imageName: pushed, ...template });
    expect(created.status).toBe(201);
    const endpoint = await cp.call<{ id: string }>("POST", "/v1/endpoints", {
      name,
      templateId: created.body.id,
      computeType: "CPU",
      workersMax: 1,
      idleTimeout: 1,
    });
    expect(endpoint.status).toBe(201);
    return { endpointId: endpoint.body.id, templateId: created.body.id };
  };

  it("stores credentials without ever showing the password, and refuses a template naming unknown ones", async () => {
    const created = await cp.call<Record<string, unknown>>("POST", "/v1/registry-auths", {
      name: "shown-once",
      username: "someone",
      password: "never-shown",
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: expect.stringMatching(/^ra_/), name: "shown-once", username: "someone" });
    const listed = await cp.call<unknown[]>("GET", "/v1/registry-auths");
    expect(JSON.stringify([created.body, listed.body])).not.toContain("never-shown");
    const taken = await cp.call("POST", "/v1/registry-auths", { name: "shown-once", username: "x", password: "y" });
    expect(taken.status).toBe(409);
    const unknown = await cp.call<{ code: string; errors: { field: string }[] }>("POST", "/v1/templates", {
      name: "unknown-auth",
      imageName: pushed,
      containerRegistryAuthId: "ra_missing",
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({
      code: "registry_auth_not_found",
      errors: [{ field: "containerRegistryAuthId" }],
    });
    expect((await cp.call("DELETE", `/v1/registry-auths/${String(created.body.id)}`)).status).toBe(204);
  });

  it("pulls a private image with the template's credentials, where an anonymous pull is refused", async () => {
    // The tag only: the engine must fetch the manifest from the registry.
    await docker.getImage(pushed).remove();
    const anonymous = await endpointFor({});
    const { body: waiting } = await cp.call<JobStatus>("POST", `/v2/${anonymous.endpointId}/run`, { input: {} });
    const refused = await eventually(
      async () => {
        const { body } = await cp.call<JobStatus>("GET", `/v2/${anonymous.endpointId}/status/${waiting.id}`);
        return /cannot be pulled/.test(body.reason ?? "") ? body : undefined;
      },
      30_000,
      "the anonymous pull to be refused",
    );
    expect(refused.reason).toContain(`cannot be pulled from ${TEST_REGISTRY.address} without credentials`);
    await cp.call("DELETE", `/v1/endpoints/${anonymous.endpointId}`);

    const auth = await cp.call<{ id: string }>("POST", "/v1/registry-auths", {
      name: "test-registry",
      username: TEST_REGISTRY.username,
      password: TEST_REGISTRY.password,
    });
    const withAuth = await endpointFor({ containerRegistryAuthId: auth.body.id });
    const { body } = await cp.call<JobStatus>("POST", `/v2/${withAuth.endpointId}/runsync?wait=60000`, {
      input: { message: "private" },
    });
    expect(body).toMatchObject({ status: "COMPLETED", output: { echo: { message: "private" } } });
    expect((await docker.getImage(pushed).inspect()).RepoTags).toContain(pushed);
    const template = await cp.call<{ containerRegistryAuthId: string }>("GET", `/v1/templates/${withAuth.templateId}`);
    expect(template.body.containerRegistryAuthId).toBe(auth.body.id);

    // Named by a template: not deleted until the template lets go of them.
    const inUse = await cp.call<{ code: string }>("DELETE", `/v1/registry-auths/${auth.body.id}`);
    expect(inUse).toMatchObject({ status: 409, body: { code: "registry_auth_in_use" } });
    await cp.call("DELETE", `/v1/endpoints/${withAuth.endpointId}`);
    const reset = await cp.call("PATCH", `/v1/templates/${withAuth.templateId}`, {
      reset: ["containerRegistryAuthId"],
    });
    expect(reset.body).toMatchObject({ containerRegistryAuthId: null });
    expect((await cp.call("DELETE", `/v1/registry-auths/${auth.body.id}`)).status).toBe(204);
  }, 120_000);
});
