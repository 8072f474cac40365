import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../support/workers.js";

/**
 * examples/pulumi-docker-endpoint under Pulumi's mocks. A real `pulumi up` needs the Docker provider
 * plugin (pulumi-resource-docker), which cannot be built from the Go module proxy (docs/pulumi.md
 * says why), so this checks the program's wiring: image → template → endpoint on the Docker driver.
 */
const registered: pulumi.runtime.MockResourceArgs[] = [];
const IMAGE_ID = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

/** The ids the mocked engine gives: the Runfleet resources' `templateId` and `endpointId` are their ids. */
function mockId(args: pulumi.runtime.MockResourceArgs): string {
  switch (args.type) {
    case "pulumi-nodejs:dynamic/runfleet:Template":
      return "tpl_mock";
    case "pulumi-nodejs:dynamic/runfleet:Endpoint":
      return "ep_mock";
    default:
      return `${args.name}-id`;
  }
}

/** The state the mocked engine returns: what the real providers would add to the inputs. */
function mockState(args: pulumi.runtime.MockResourceArgs): Record<string, unknown> {
  switch (args.type) {
    case "docker:index/image:Image":
      return { ...args.inputs, repoDigest: IMAGE_ID };
    case "pulumi-nodejs:dynamic/runfleet:Template":
      return { ...args.inputs, templateId: "tpl_mock" };
    case "pulumi-nodejs:dynamic/runfleet:Endpoint":
      return { ...args.inputs, endpointId: "ep_mock" };
    default:
      return args.inputs;
  }
}

describe("examples/pulumi-docker-endpoint (Pulumi mocks)", () => {
  let outputs: Record<string, unknown>;

  beforeAll(async () => {
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          registered.push(args);
          return { id: mockId(args), state: mockState(args) };
        },
        call: (args) => args.inputs,
      },
      "runfleet-pulumi-docker-endpoint",
      "dev",
      false,
    );
    const { dockerStack } = await import("@runfleet/example-pulumi-docker-endpoint/docker-stack");
    const stack = dockerStack();
    outputs = await new Promise((done) =>
      pulumi.all([stack.imageId, stack.endpointId]).apply(([imageId, endpointId]) => done({ imageId, endpointId })),
    );
  });

  const inputsOf = (type: string) => registered.find((r) => r.type === type)?.inputs;

  it("builds the worker image from the repository root without pushing it", () => {
    expect(inputsOf("docker:index/image:Image")).toMatchObject({
      imageName: "runfleet/echo-worker:pulumi",
      skipPush: true,
      build: { context: `${REPO_ROOT}/`, dockerfile: `${REPO_ROOT}/examples/pulumi-docker-endpoint/Dockerfile` },
    });
  });

  it("passes the built image's id to the template, and the template to an endpoint on the Docker driver", () => {
    expect(inputsOf("pulumi-nodejs:dynamic/runfleet:Template")).toMatchObject({
      name: "echo-image-dev",
      imageName: IMAGE_ID,
    });
    expect(inputsOf("pulumi-nodejs:dynamic/runfleet:Endpoint")).toMatchObject({
      templateId: "tpl_mock",
      driver: "docker",
      computeType: "CPU",
      workersMax: 2,
      flashboot: true,
    });
    expect(outputs).toEqual({ imageId: IMAGE_ID, endpointId: "ep_mock" });
  });
});
