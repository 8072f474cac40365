import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { startTestControlPlane, TEST_ADMIN_KEY, type TestControlPlane } from "../support/control-plane-process.js";
import { REPO_ROOT } from "../support/workers.js";

describe("HTTP edges over a real port", () => {
  let cp: TestControlPlane;

  beforeAll(async () => {
    cp = await startTestControlPlane({ maxBodyBytes: 2048 });
  });

  afterAll(async () => {
    await cp.dispose();
  });

  const raw = (path: string, init: RequestInit = {}) =>
    fetch(`${cp.url}${path}`, { ...init, headers: { authorization: `Bearer ${TEST_ADMIN_KEY}`, ...init.headers } });

  const expectProblem = async (response: Response, status: number, code: string) => {
    expect(response.status).toBe(status);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    const body = (await response.json()) as { code: string; detail: string; status: number };
    expect(body).toMatchObject({ code, status });
    expect(JSON.stringify(body)).not.toMatch(/at .*\.js:\d+/);
    return body;
  };

  it("answers an unknown route with a 404 problem", async () => {
    await expectProblem(await raw("/v1/nothing-here"), 404, "route_not_found");
  });

  it("answers a wrong method with 405 and Allow", async () => {
    const response = await raw("/v1/endpoints", { method: "PUT" });
    expect(response.headers.get("allow")).toBe("GET, POST");
    await expectProblem(response, 405, "method_not_allowed");
  });

  it("answers malformed JSON with a 400 naming the body", async () => {
    const body = await expectProblem(
      await raw("/v1/templates", { method: "POST", body: "{not json" }),
      400,
      "malformed_json",
    );
    expect(body.detail).toMatch(/not valid JSON/);
  });

  it("answers a body over the limit with 413", async () => {
    const big = JSON.stringify({ name: "x", command: ["y".repeat(4096)] });
    await expectProblem(await raw("/v1/templates", { method: "POST", body: big }), 413, "payload_too_large");
  });

  it("answers a missing body with a 400", async () => {
    await expectProblem(await raw("/v1/templates", { method: "POST" }), 400, "validation_failed");
  });

  it("answers a bad query parameter with a 400 naming it", async () => {
    const body = await expectProblem(await raw("/v1/endpoints/ep_x/jobs?limit=0"), 400, "validation_failed");
    expect(body.detail).toMatch(/limit/);
  });

  it("serves the probes without a key", async () => {
    expect(await (await fetch(`${cp.url}/healthz`)).json()).toEqual({ status: "ok" });
    expect(await (await fetch(`${cp.url}/readyz`)).json()).toMatchObject({ status: "ready", checks: { store: "ok" } });
  });

  it("serves its contract and a browsable reference", async () => {
    const yaml = await (await fetch(`${cp.url}/openapi.yaml`)).text();
    expect(parse(yaml)).toEqual(parse(readFileSync(`${REPO_ROOT}/openapi.yaml`, "utf8")));
    const page = await fetch(`${cp.url}/docs`);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    const html = await page.text();
    for (const operationId of ["createEndpoint", "runJob", "takeJob", "getEndpointHealth"]) {
      expect(html).toContain(operationId);
    }
  });

  it("exposes Prometheus metrics", async () => {
    const text = await (await fetch(`${cp.url}/metrics`)).text();
    expect(text).toContain("# TYPE runfleet_process_resident_memory_bytes gauge");
  });

  it("keeps endpoints across a restart on the same data directory", async () => {
    const template = await cp.call<{ id: string }>("POST", "/v1/templates", { name: "keep", command: ["x"] });
    const endpoint = await cp.call<{ id: string }>("POST", "/v1/endpoints", {
      name: "keep",
      templateId: template.body.id,
      workersMax: 0,
    });
    await cp.stop();
    const again = await startTestControlPlane({}, cp.dataDir);
    try {
      const { status, body } = await again.call<{ name: string }>("GET", `/v1/endpoints/${endpoint.body.id}`);
      expect(status).toBe(200);
      expect(body.name).toBe("keep");
    } finally {
      await again.stop();
    }
    cp = await startTestControlPlane({ maxBodyBytes: 2048 }, cp.dataDir);
  });
});
