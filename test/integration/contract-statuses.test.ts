import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { startTestControlPlane, TEST_ADMIN_KEY, type TestControlPlane } from "../support/control-plane-process.js";
import { REPO_ROOT } from "../support/workers.js";

interface Operation {
  operationId: string;
  tags: string[];
  requestBody?: unknown;
  responses: Record<string, unknown>;
  /** The load-balancing router's routes: proxied to workers, not handled. */
  "x-runfleet-proxy"?: boolean;
}

const contract = parse(readFileSync(`${REPO_ROOT}/openapi.yaml`, "utf8")) as {
  paths: Record<string, Record<string, Operation | unknown>>;
};
const METHODS = ["get", "post", "put", "patch", "delete"];
const operations = Object.entries(contract.paths).flatMap(([path, item]) =>
  METHODS.filter((method) => method in item).map((method) => ({ path, method, ...(item[method] as Operation) })),
);

/**
 * The contract and the server agree on what a schemathesis run found them to disagree on: statuses the
 * server answers must be documented, and bodies the schema allows must not be refused (scripts/api-fuzz.sh
 * checks the rest, property by property).
 */
describe("the contract documents what the server answers", () => {
  let cp: TestControlPlane;

  beforeAll(async () => {
    cp = await startTestControlPlane({ maxBodyBytes: 2048 });
  });

  afterAll(async () => {
    await cp.dispose();
  });

  // Worker routes check the token's endpoint first (403); API-key routes validate ids (400).
  const withIds = operations.filter((op) => op.path.includes("{") && op.tags[0] !== "worker");
  it.each(withIds.map((op) => [`${op.method.toUpperCase()} ${op.path}`, op] as const))(
    "%s: an id that breaks the id pattern is a documented 400",
    async (_, op) => {
      const url = op.path.replace(/\{[^}]+\}/g, encodeURIComponent("not an id!"));
      const response = await fetch(`${cp.url}${url}`, {
        method: op.method.toUpperCase(),
        headers: { authorization: `Bearer ${TEST_ADMIN_KEY}`, "content-type": "application/json" },
        body: op.requestBody ? "{}" : undefined,
      });
      expect(response.status).toBe(400);
      expect(Object.keys(op.responses)).toContain("400");
    },
  );

  it.each(
    operations
      // The load-balancing router streams bodies to the worker's own server, which sets its own limit.
      .filter((op) => op.requestBody && op["x-runfleet-proxy"] !== true)
      .map((op) => [`${op.method.toUpperCase()} ${op.path}`, op] as const),
  )("%s: a body can be too large, and 413 is documented", (_, op) => {
    expect(Object.keys(op.responses)).toContain("413");
  });

  it("answers 413 to an endpoint body over the management limit", async () => {
    const response = await cp.call("POST", "/v1/endpoints", { name: "x".repeat(4096) });
    expect(response.status).toBe(413);
  });

  it("refuses a template whose command is empty and has no image at the schema, naming the field", async () => {
    const { status, body } = await cp.call<{ code: string; fields: { field: string }[] }>("POST", "/v1/templates", {
      name: "empty-command",
      command: [],
    });
    expect(status).toBe(400);
    expect(body.code).toBe("validation_failed");
    // An empty command with an image is fine: the container runs the image's own command.
    const withImage = await cp.call("POST", "/v1/templates", { name: "image-cmd", imageName: "img:1", command: [] });
    expect(withImage.status).toBe(201);
  });

  it.each(["read", "admin"])("refuses endpointIds on a %s key at the schema", async (scope) => {
    const { status, body } = await cp.call<{ code: string; detail: string }>("POST", "/v1/keys", {
      name: `${scope}-limited`,
      scope,
      endpointIds: ["ep_123"],
    });
    expect(status).toBe(400);
    expect(body.detail).toMatch(/endpointIds/);
  });
});
