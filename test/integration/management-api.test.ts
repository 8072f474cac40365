import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type InProcessControlPlane, inProcessControlPlane } from "../support/api-client.js";

describe("the management API, in process through the generated client types", () => {
  let cp: InProcessControlPlane;
  let templateId: string;

  beforeAll(async () => {
    cp = await inProcessControlPlane();
    const { data } = await cp.api.POST("/v1/templates", { body: { name: "echo", command: ["node", "worker.js"] } });
    templateId = data?.id ?? "";
  });

  afterAll(async () => {
    await cp.dispose();
  });

  it("creates an endpoint with RunPod's defaults and reads it back", async () => {
    const { data, response } = await cp.api.POST("/v1/endpoints", {
      body: { name: "echo", templateId, workersMax: 0 },
    });
    expect(response.status).toBe(201);
    expect(data).toMatchObject({
      name: "echo",
      templateId,
      computeType: "GPU",
      gpuCount: 1,
      workersMin: 0,
      workersMax: 0,
      idleTimeout: 5,
      scalerType: "QUEUE_DELAY",
      scalerValue: 4,
      executionTimeoutMs: 600_000,
      flashboot: false,
      env: {},
      driver: null,
      version: 1,
    });
    const got = await cp.api.GET("/v1/endpoints/{endpointId}", { params: { path: { endpointId: data?.id ?? "" } } });
    expect(got.data).toEqual(data);
    const list = await cp.api.GET("/v1/endpoints");
    expect(list.data?.map((e) => e.id)).toContain(data?.id);
  });

  it("answers workersMin > workersMax with a 400 naming both fields", async () => {
    const { error, response } = await cp.api.POST("/v1/endpoints", {
      body: { name: "bad", templateId, workersMin: 3, workersMax: 2 },
    });
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(error).toMatchObject({ code: "invalid_scaling", status: 400 });
    expect(error?.errors?.map((e) => e.field).sort()).toEqual(["workersMax", "workersMin"]);
  });

  it.each([
    [{ idleTimeout: 0 }, "idleTimeout"],
    [{ idleTimeout: 3601 }, "idleTimeout"],
    [{ scalerValue: 0 }, "scalerValue"],
    [{ scalerType: "QUEUE_DELAY" as const, scalerValue: 4000 }, "scalerValue"],
    [{ executionTimeoutMs: 10 }, "executionTimeoutMs"],
    [{ gpuCount: 0 }, "gpuCount"],
  ])("refuses %j naming %s", async (settings, field) => {
    const { error, response } = await cp.api.POST("/v1/endpoints", { body: { name: "bad", templateId, ...settings } });
    expect(response.status).toBe(400);
    expect(error?.errors?.map((e) => e.field)).toContain(field);
  });

  it("refuses an unknown field, naming it", async () => {
    const body = { name: "bad", templateId, gpuType: "H100" };
    const { error } = await cp.api.POST("/v1/endpoints", { body });
    expect(error).toMatchObject({
      code: "validation_failed",
      errors: [{ field: "gpuType", message: "is not a known field" }],
    });
  });

  it("refuses an endpoint whose template does not exist", async () => {
    const { error, response } = await cp.api.POST("/v1/endpoints", { body: { name: "x", templateId: "tpl_missing" } });
    expect(response.status).toBe(404);
    expect(error).toMatchObject({ code: "template_not_found", errors: [{ field: "templateId" }] });
  });

  it("bumps the version when env changes, not when scaling changes", async () => {
    const { data: created } = await cp.api.POST("/v1/endpoints", { body: { name: "v", templateId, workersMax: 0 } });
    const endpointId = created?.id ?? "";
    const scaled = await cp.api.PATCH("/v1/endpoints/{endpointId}", {
      params: { path: { endpointId } },
      body: { workersMax: 0, idleTimeout: 9 },
    });
    expect(scaled.data).toMatchObject({ idleTimeout: 9, version: 1 });
    const rolled = await cp.api.PATCH("/v1/endpoints/{endpointId}", {
      params: { path: { endpointId } },
      body: { env: { MODEL: "b" } },
    });
    expect(rolled.data).toMatchObject({ env: { MODEL: "b" }, version: 2 });
    const invalid = await cp.api.PATCH("/v1/endpoints/{endpointId}", {
      params: { path: { endpointId } },
      body: { workersMin: 5 },
    });
    expect(invalid.response.status).toBe(400);
    const deleted = await cp.api.DELETE("/v1/endpoints/{endpointId}", { params: { path: { endpointId } } });
    expect(deleted.response.status).toBe(204);
    const gone = await cp.api.GET("/v1/endpoints/{endpointId}", { params: { path: { endpointId } } });
    expect(gone.error).toMatchObject({ code: "endpoint_not_found", status: 404 });
  });

  describe("templates", () => {
    it("needs an image or a command", async () => {
      const { error, response } = await cp.api.POST("/v1/templates", {
        body: { name: "empty" } as unknown as { name: string; command: string[] },
      });
      expect(response.status).toBe(400);
      expect(error?.code).toBe("validation_failed");
    });

    it("refuses a taken name with 409", async () => {
      const { error, response } = await cp.api.POST("/v1/templates", { body: { name: "echo", imageName: "x:1" } });
      expect(response.status).toBe(409);
      expect(error).toMatchObject({ code: "name_taken", errors: [{ field: "name" }] });
    });

    it("refuses to delete a template in use, and deletes an unused one", async () => {
      await cp.api.POST("/v1/endpoints", { body: { name: "user", templateId, workersMax: 0 } });
      const inUse = await cp.api.DELETE("/v1/templates/{templateId}", { params: { path: { templateId } } });
      expect(inUse.response.status).toBe(409);
      expect(inUse.error?.code).toBe("template_in_use");
      const { data: spare } = await cp.api.POST("/v1/templates", { body: { name: "spare", imageName: "img:1" } });
      const removed = await cp.api.DELETE("/v1/templates/{templateId}", {
        params: { path: { templateId: spare?.id ?? "" } },
      });
      expect(removed.response.status).toBe(204);
    });

    it("bumps its version when a worker-visible field changes", async () => {
      const { data } = await cp.api.POST("/v1/templates", { body: { name: "t2", command: ["a"] } });
      const templateIdNow = data?.id ?? "";
      const renamed = await cp.api.PATCH("/v1/templates/{templateId}", {
        params: { path: { templateId: templateIdNow } },
        body: { name: "t3" },
      });
      expect(renamed.data).toMatchObject({ name: "t3", version: 1 });
      const changed = await cp.api.PATCH("/v1/templates/{templateId}", {
        params: { path: { templateId: templateIdNow } },
        body: { command: ["b"] },
      });
      expect(changed.data).toMatchObject({ command: ["b"], version: 2 });
    });
  });

  describe("API keys", () => {
    it("shows a new key's secret once, stores it hashed, and lists it without the secret", async () => {
      const { data, response } = await cp.api.POST("/v1/keys", { body: { name: "reader", scope: "read" } });
      expect(response.status).toBe(201);
      expect(data?.key).toMatch(/^rf_/);
      expect(data?.prefix).toBe(data?.key.slice(0, 9));
      const list = await cp.api.GET("/v1/keys");
      const listed = list.data?.find((k) => k.id === data?.id);
      expect(listed).toBeDefined();
      expect(JSON.stringify(list.data)).not.toContain(data?.key ?? "never");
    });

    it("lets a read key GET but not change anything, saying why", async () => {
      const { data } = await cp.api.POST("/v1/keys", { body: { name: "ro", scope: "read" } });
      const reader = cp.as(data?.key);
      expect((await reader.GET("/v1/endpoints")).response.status).toBe(200);
      const denied = await reader.POST("/v1/templates", { body: { name: "nope", command: ["x"] } });
      expect(denied.response.status).toBe(403);
      expect(denied.error?.detail).toMatch(/scope read/);
    });

    it("keeps an invoke key to the job API of its endpoints", async () => {
      const { data: endpoint } = await cp.api.POST("/v1/endpoints", {
        body: { name: "inv", templateId, workersMax: 0 },
      });
      const { data: other } = await cp.api.POST("/v1/endpoints", {
        body: { name: "other", templateId, workersMax: 0 },
      });
      const { data } = await cp.api.POST("/v1/keys", {
        body: { name: "app", scope: "invoke", endpointIds: [endpoint?.id ?? ""] },
      });
      const app = cp.as(data?.key);
      expect((await app.GET("/v1/endpoints")).response.status).toBe(403);
      const run = await app.POST("/v2/{endpointId}/run", {
        params: { path: { endpointId: endpoint?.id ?? "" } },
        body: { input: { x: 1 } },
      });
      expect(run.response.status).toBe(200);
      const elsewhere = await app.POST("/v2/{endpointId}/run", {
        params: { path: { endpointId: other?.id ?? "" } },
        body: { input: {} },
      });
      expect(elsewhere.response.status).toBe(403);
    });

    it("rejects a revoked key with 401 saying so", async () => {
      const { data } = await cp.api.POST("/v1/keys", { body: { name: "temp", scope: "admin" } });
      const revoked = await cp.api.DELETE("/v1/keys/{keyId}", { params: { path: { keyId: data?.id ?? "" } } });
      expect(revoked.response.status).toBe(204);
      const { error, response } = await cp.as(data?.key).GET("/v1/endpoints");
      expect(response.status).toBe(401);
      expect(error?.detail).toMatch(/revoked/);
    });

    it("refuses to revoke the last admin key", async () => {
      const keys = (await cp.api.GET("/v1/keys")).data ?? [];
      const admins = keys.filter((k) => k.scope === "admin" && k.revokedAt === null);
      for (const key of admins.slice(1)) {
        await cp.api.DELETE("/v1/keys/{keyId}", { params: { path: { keyId: key.id } } });
      }
      const last = admins[0];
      const { error, response } = await cp.api.DELETE("/v1/keys/{keyId}", {
        params: { path: { keyId: last?.id ?? "" } },
      });
      expect(response.status).toBe(409);
      expect(error?.code).toBe("last_admin_key");
    });

    it("answers a missing or unknown key with 401 and WWW-Authenticate", async () => {
      for (const key of [undefined, "rf_not_a_real_key"]) {
        const { error, response } = await cp.as(key).GET("/v1/endpoints");
        expect(response.status).toBe(401);
        expect(response.headers.get("www-authenticate")).toMatch(/^Bearer/);
        expect(error?.code).toBe("unauthorized");
      }
    });

    it("accepts the raw key without Bearer, as RunPod's curl examples send it", async () => {
      const response = await cp.controlPlane.fetch(
        new Request("http://control-plane.test/v1/endpoints", {
          headers: { authorization: "rf_test_admin_key_0123456789abcdef" },
        }),
      );
      expect(response.status).toBe(200);
    });
  });
});
