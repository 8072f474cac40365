import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  requireService,
  startTestControlPlane,
  TEST_ADMIN_KEY,
  type TestControlPlane,
} from "../support/control-plane-process.js";
import {
  DOCKER_HOST,
  docker,
  ECHO_IMAGE,
  pushToTestRegistry,
  requireDockerEngine,
  requireTestRegistry,
  TEST_REGISTRY,
} from "../support/docker-engine.js";
import {
  createProgramProject,
  explain,
  hasPulumiCli,
  type PulumiProject,
  pulumiBinDir,
} from "../support/pulumi-cli.js";

const bin = await pulumiBinDir();
const run =
  requireService(hasPulumiCli(bin), `the Pulumi CLI in ${bin} (scripts/pulumi-cli.sh builds it)`) &&
  (await requireDockerEngine()) &&
  (await requireTestRegistry());

/**
 * A RunPod user's template, as a Pulumi program: a private image pulled with stored registry credentials,
 * a named volume for the model cache (RunPod's network volume at /runpod-volume), a container disk size.
 */
const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import { Endpoint, RegistryAuth, Template } from "@runfleet/pulumi";

const config = new pulumi.Config();
const registry = new RegistryAuth("registry", {
  username: config.require("registryUser"),
  password: config.requireSecret("registryPassword"),
});
const disk = config.getNumber("containerDiskInGb");
const template = new Template("private", {
  imageName: config.require("image"),
  containerRegistryAuthId: registry.registryAuthId,
  volumeMounts: [{ type: "volume", name: config.require("cacheVolume"), mountPath: "/runpod-volume" }],
  ...(disk === undefined ? {} : { containerDiskInGb: disk }),
});
const endpoint = new Endpoint("private", {
  templateId: template.templateId,
  driver: "docker",
  computeType: "CPU",
  workersMax: 1,
  idleTimeout: 5,
});
export const endpointId = endpoint.endpointId;
export const templateId = template.templateId;
export const registryAuthId = registry.registryAuthId;
`;

interface PreviewStep {
  op: string;
  urn: string;
  diffReasons?: string[];
}

describe.runIf(run)("a private image with registry credentials and a cache volume, with the real Pulumi CLI", () => {
  const exampleDir = mkdtempSync(join(tmpdir(), "runfleet-private-image-"));
  const cacheVolume = `cache-${process.pid}`;
  let cp: TestControlPlane;
  let project: PulumiProject;
  let image: string;
  let outputs: Record<string, string>;

  const pulumi = async (...args: string[]) => {
    const result = await project.pulumi([...args, "--stack", "private"]);
    expect(result.code, explain(result)).toBe(0);
    return result;
  };

  beforeAll(async () => {
    // Only the stack's credentials can pull the image: none are configured on the control plane.
    cp = await startTestControlPlane({ driver: "docker", dockerHost: DOCKER_HOST, autoscalerTickMs: 100 });
    image = await pushToTestRegistry(ECHO_IMAGE, "runfleet/pulumi-private", `e2e-${process.pid}`);
    await docker.getImage(image).remove();
    project = await createProgramProject(bin, exampleDir, "private-image", PROGRAM);
    expect((await project.pulumi(["stack", "init", "private"])).code).toBe(0);
    for (const args of [
      ["runfleet:baseUrl", cp.url],
      ["--secret", "runfleet:apiKey", TEST_ADMIN_KEY],
      ["registryUser", TEST_REGISTRY.username],
      ["--secret", "registryPassword", TEST_REGISTRY.password],
      ["image", image],
      ["cacheVolume", cacheVolume],
      ["containerDiskInGb", "10"],
    ]) {
      await pulumi("config", "set", ...args);
    }
  }, 180_000);

  afterAll(async () => {
    await cp?.dispose();
    project?.dispose();
    rmSync(exampleDir, { recursive: true, force: true });
    await docker
      .getVolume(`runfleet-${cacheVolume}`)
      .remove()
      .catch(() => undefined);
    await docker
      .getImage(image)
      .remove()
      .catch(() => undefined);
  });

  it("pulumi up stores the credentials, and the endpoint's worker pulls the private image with them", async () => {
    await pulumi("up", "--yes", "--skip-preview");
    outputs = JSON.parse((await pulumi("stack", "output", "--json")).stdout) as Record<string, string>;
    const template = await cp.call("GET", `/v1/templates/${outputs.templateId}`);
    expect(template.body).toMatchObject({
      imageName: image,
      containerRegistryAuthId: outputs.registryAuthId,
      containerDiskInGb: 10,
      volumeMounts: [{ type: "volume", name: cacheVolume, mountPath: "/runpod-volume" }],
    });
    const job = await cp.call("POST", `/v2/${outputs.endpointId}/runsync?wait=90000`, {
      input: { message: "private" },
    });
    expect(job.body).toMatchObject({ status: "COMPLETED", output: { echo: { message: "private" } } });
    expect((await docker.getVolume(`runfleet-${cacheVolume}`).inspect()).Labels).toMatchObject({
      "org.runfleet.volume": cacheVolume,
    });
    const state = (await pulumi("stack", "export")).stdout;
    expect(state).not.toContain(TEST_REGISTRY.password);
  }, 300_000);

  it("a container disk size removed from the program is previewed and reset by pulumi up", async () => {
    await pulumi("config", "rm", "containerDiskInGb");
    const preview = JSON.parse((await pulumi("preview", "--json")).stdout) as { steps: PreviewStep[] };
    const changed = preview.steps.filter((step) => step.op !== "same");
    expect(changed).toEqual([expect.objectContaining({ op: "update", diffReasons: ["containerDiskInGb"] })]);
    await pulumi("up", "--yes", "--skip-preview");
    const template = await cp.call("GET", `/v1/templates/${outputs.templateId}`);
    expect(template.body).toMatchObject({ containerDiskInGb: null, containerRegistryAuthId: outputs.registryAuthId });
  }, 300_000);

  it("pulumi destroy removes the endpoint, the template and then the credentials", async () => {
    await pulumi("destroy", "--yes", "--skip-preview");
    expect((await cp.call("GET", `/v1/registry-auths/${outputs.registryAuthId}`)).status).toBe(404);
    expect((await cp.call("GET", `/v1/templates/${outputs.templateId}`)).status).toBe(404);
  }, 300_000);
});
