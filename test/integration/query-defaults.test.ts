import { readFileSync } from "node:fs";
import { OPENAPI_PATH } from "@runfleet/control-plane";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  createExternalEndpoint,
  startTestControlPlane,
  type TestControlPlane,
} from "../support/control-plane-process.js";

/** The `default:` openapi.yaml documents for a query parameter of an operation. */
function documentedDefault(operationId: string, name: string): unknown {
  const spec = parse(readFileSync(OPENAPI_PATH, "utf8")) as {
    paths: Record<string, Record<string, { operationId?: string; parameters?: { name: string; schema?: object }[] }>>;
  };
  const operation = Object.values(spec.paths)
    .flatMap((item) => Object.values(item))
    .find((o) => o.operationId === operationId);
  const parameter = operation?.parameters?.find((p) => p.name === name);
  return (parameter?.schema as { default?: unknown } | undefined)?.default;
}

describe("a request without a query parameter gets the default openapi.yaml documents", () => {
  let cp: TestControlPlane;
  let endpointId: string;

  beforeAll(async () => {
    cp = await startTestControlPlane();
    endpointId = await createExternalEndpoint(cp, ["true"]);
  });

  afterAll(async () => {
    await cp.dispose();
  });

  it("getEndpointMetrics covers the documented windowSeconds", async () => {
    const expected = documentedDefault("getEndpointMetrics", "windowSeconds");
    expect(typeof expected).toBe("number");
    const { status, body } = await cp.call<{ windowSeconds: number }>("GET", `/v1/endpoints/${endpointId}/metrics`);
    expect(status).toBe(200);
    expect(body.windowSeconds).toBe(expected);
  });

  it("getEndpointAdvice looks back over the documented windowSeconds", async () => {
    const expected = documentedDefault("getEndpointAdvice", "windowSeconds");
    expect(typeof expected).toBe("number");
    const { status, body } = await cp.call<{ from: string; to: string }>("GET", `/v1/endpoints/${endpointId}/advice`);
    expect(status).toBe(200);
    expect((Date.parse(body.to) - Date.parse(body.from)) / 1000).toBe(expected);
  });
});
