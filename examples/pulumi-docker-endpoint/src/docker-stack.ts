import { fileURLToPath } from "node:url";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { Endpoint, Template } from "@runfleet/pulumi";

/** The project name, as in Pulumi.yaml; it is also the namespace of the settings below. */
export const PROJECT_NAME = "runfleet-pulumi-docker-endpoint";

/** The repository root: the image's build context. */
const REPO_ROOT = fileURLToPath(new URL("../../..", import.meta.url));

/** What the stack exports. */
export interface DockerStackOutputs {
  /** The built image's local id (`sha256:...`), unique per build. */
  imageId: pulumi.Output<string>;
  /** The endpoint's id, for `/v2/{endpointId}/run`. */
  endpointId: pulumi.Output<string>;
}

/**
 * Builds the echo worker's image with `@pulumi/docker` (kept local: no registry push), then declares a
 * template running that exact build and an endpoint on the Docker driver. The template names the
 * image by its id, so a rebuild changes the template and the endpoint's workers roll over to it.
 * Stack settings, each with the example's default: `workersMax` (2), `gpuCount` (0: a CPU endpoint;
 * 1 or more asks for that many GPUs per worker).
 */
export function dockerStack(): DockerStackOutputs {
  const config = new pulumi.Config(PROJECT_NAME);
  const gpuCount = config.getNumber("gpuCount") ?? 0;
  const image = new docker.Image("echo-worker", {
    imageName: "runfleet/echo-worker:pulumi",
    build: {
      context: REPO_ROOT,
      dockerfile: fileURLToPath(new URL("../Dockerfile", import.meta.url)),
      platform: "linux/amd64",
    },
    skipPush: true,
  });
  const template = new Template("echo-image", {
    name: `echo-image-${pulumi.getStack()}`,
    imageName: image.repoDigest,
    memoryLimitMb: 512,
  });
  const endpoint = new Endpoint("echo-docker", {
    name: "echo-docker",
    templateId: template.templateId,
    driver: "docker",
    ...(gpuCount > 0 ? { computeType: "GPU", gpuCount } : { computeType: "CPU" }),
    workersMin: 0,
    workersMax: config.getNumber("workersMax") ?? 2,
    flashboot: true,
  });
  return { imageId: image.repoDigest, endpointId: endpoint.endpointId };
}
