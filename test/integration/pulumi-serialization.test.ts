import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import * as pulumi from "@pulumi/pulumi";
import { ApiKey, Endpoint, Template } from "@runfleet/pulumi";
import requireFromString from "require-from-string";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NODE, REPO_ROOT } from "../support/workers.js";

/** Every resource the program registers, as the engine would receive it. */
const registered: pulumi.runtime.MockResourceArgs[] = [];

describe("the serialized provider", () => {
  beforeAll(async () => {
    process.env.RUNFLEET_BASE_URL = "http://127.0.0.1:9/secret-host";
    process.env.RUNFLEET_API_KEY = "rf_must_not_be_captured_0123456789";
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          registered.push(args);
          return { id: `${args.name}-id`, state: args.inputs };
        },
        call: (args) => args.inputs,
      },
      "project",
      "stack",
      false,
    );
  });

  afterAll(() => {
    delete process.env.RUNFLEET_BASE_URL;
    delete process.env.RUNFLEET_API_KEY;
  });

  it("serializes with module and type in the token, holding no credentials, URLs or paths", async () => {
    const template = new Template("t", { name: "t", command: ["node", "w.js"], env: { K: pulumi.secret("v") } });
    const endpoint = new Endpoint("e", { name: "e", templateId: template.templateId, workersMax: 2 });
    const key = new ApiKey("k", { name: "k", scope: "invoke", endpointIds: [endpoint.endpointId] });
    await new Promise<void>((done) => key.urn.apply(() => done()));
    expect(registered.map((r) => r.type).sort()).toEqual([
      "pulumi-nodejs:dynamic/runfleet:ApiKey",
      "pulumi-nodejs:dynamic/runfleet:Endpoint",
      "pulumi-nodejs:dynamic/runfleet:Template",
    ]);
    for (const resource of registered) {
      const text = String(resource.inputs.__provider);
      expect(text).toContain('await import("@runfleet/pulumi/runtime")');
      expect(text).not.toContain("rf_must_not_be_captured");
      expect(text).not.toContain("127.0.0.1");
      expect(text).not.toContain(REPO_ROOT);
      // Small, because nothing but the resource kind is captured.
      expect(text.length).toBeLessThan(5000);
    }
  });

  it("deserializes as the provider process does and delegates to the runtime module", async () => {
    const endpoint = registered.find((r) => r.type.endsWith(":Endpoint"));
    const provider = (
      requireFromString(String(endpoint?.inputs.__provider)) as { handler: () => pulumi.dynamic.ResourceProvider }
    ).handler();
    const result = await provider.check?.({}, { name: "e", templateId: "tpl_1", workersMin: 4, workersMax: 1 });
    expect(result?.failures?.map((f) => f.property)).toEqual(["workersMin", "workersMax"]);
  });
});

/**
 * A program that declares every kind of resource, under Pulumi's mocks: serialization runs as in
 * `pulumi up`, in a process of its own so that nothing this test process loaded before hides a warning.
 */
const PROGRAM = `
import * as pulumi from "@pulumi/pulumi";
import { ApiKey, Endpoint, Template } from "@runfleet/pulumi";
await pulumi.runtime.setMocks({ newResource: (a) => ({ id: a.name + "-id", state: a.inputs }), call: (a) => a.inputs }, "p", "s", false);
const template = new Template("t", { name: "t", command: ["node", "w.js"] });
const endpoint = new Endpoint("e", { name: "e", templateId: template.templateId });
const key = new ApiKey("k", { name: "k", scope: "invoke", endpointIds: [endpoint.endpointId] });
await new Promise((done) => key.urn.apply(done));
process.stdout.write("registered");
`;

describe("a program using the resources", () => {
  it("prints nothing on stderr: Pulumi's serializer loading node:sqlite does not warn", async () => {
    // A file, not `node -e`: that mode defines every built-in module as a global, and the serializer's
    // walk over globals would load (and warn about) modules no real program loads.
    const dir = mkdtempSync(join(tmpdir(), "runfleet-program-"));
    try {
      symlinkSync(join(REPO_ROOT, "node_modules"), join(dir, "node_modules"));
      writeFileSync(join(dir, "index.mjs"), PROGRAM);
      const { stdout, stderr } = await promisify(execFile)(NODE, ["index.mjs"], { cwd: dir });
      expect(stdout).toBe("registered");
      expect(stderr).toBe("");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
