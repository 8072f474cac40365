import type { components } from "@runfleet/sdk";
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
      type: "QUEUE",
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

  it("says the SSH gateway is off when the control plane was started without --ssh-port", async () => {
    const { data, response } = await cp.api.GET("/v1/ssh-gateway");
    expect(response.status).toBe(200);
    expect(data).toEqual({ enabled: false, port: null, hostKeyFingerprint: null });
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

  describe("reset: settings back to their defaults", () => {
    const patch = (endpointId: string, body: components["schemas"]["EndpointUpdate"]) =>
      cp.api.PATCH("/v1/endpoints/{endpointId}", { params: { path: { endpointId } }, body });

    it("returns the named settings to the documented defaults and keeps the others", async () => {
      const { data: created } = await cp.api.POST("/v1/endpoints", {
        body: { name: "resettable", templateId, workersMax: 0, flashboot: true, idleTimeout: 60, gpuCount: 2 },
      });
      const endpointId = created?.id ?? "";
      const reset = await patch(endpointId, { reset: ["flashboot", "idleTimeout"], workersMax: 1 });
      expect(reset.response.status).toBe(200);
      expect(reset.data).toMatchObject({ flashboot: false, idleTimeout: 5, gpuCount: 2, workersMax: 1, version: 1 });
      const read = await cp.api.GET("/v1/endpoints/{endpointId}", { params: { path: { endpointId } } });
      expect(read.data).toMatchObject({ flashboot: false, idleTimeout: 5, gpuCount: 2 });
      // A reset env rolls the workers over, as any env change does.
      await patch(endpointId, { env: { MODEL: "a" } });
      expect((await patch(endpointId, { reset: ["env"] })).data).toMatchObject({ env: {}, version: 3 });
    });

    it("answers a setting both given and reset with a 400 naming it, and changes nothing", async () => {
      const { data: created } = await cp.api.POST("/v1/endpoints", {
        body: { name: "both", templateId, workersMax: 0, flashboot: true },
      });
      const endpointId = created?.id ?? "";
      const both = await patch(endpointId, { flashboot: false, reset: ["flashboot"] });
      expect(both.response.status).toBe(400);
      expect(both.error).toMatchObject({ code: "validation_failed", errors: [{ field: "flashboot" }] });
      const unknown = await patch(endpointId, { reset: ["name" as "flashboot"] });
      expect(unknown.response.status).toBe(400);
      expect(unknown.error?.errors?.[0]?.field).toBe("reset.0");
      const read = await cp.api.GET("/v1/endpoints/{endpointId}", { params: { path: { endpointId } } });
      expect(read.data).toMatchObject({ flashboot: true });
    });

    it("checks the reset settings with the rest: a reset workersMax below workersMin is invalid_scaling", async () => {
      const { data: created } = await cp.api.POST("/v1/endpoints", {
        body: { name: "bounds", templateId, workersMin: 0, workersMax: 8 },
      });
      const endpointId = created?.id ?? "";
      const invalid = await patch(endpointId, { workersMin: 5, reset: ["workersMax"] });
      expect(invalid.response.status).toBe(400);
      expect(invalid.error?.code).toBe("invalid_scaling");
    });

    it("still reads a null driver as a reset (deprecated), like reset: [driver]", async () => {
      const { data: created } = await cp.api.POST("/v1/endpoints", {
        body: { name: "driver", templateId, workersMax: 0, driver: "process" },
      });
      const endpointId = created?.id ?? "";
      expect((await patch(endpointId, { driver: null })).data).toMatchObject({ driver: null });
      await patch(endpointId, { driver: "process" });
      expect((await patch(endpointId, { reset: ["driver"] })).data).toMatchObject({ driver: null });
    });

    it("resets template settings; a template left with nothing to run is refused", async () => {
      const { data } = await cp.api.POST("/v1/templates", {
        body: { name: "limits", imageName: "img:1", command: ["run"], memoryLimitMb: 512, ports: ["8000/http"] },
      });
      const id = data?.id ?? "";
      const reset = await cp.api.PATCH("/v1/templates/{templateId}", {
        params: { path: { templateId: id } },
        body: { reset: ["memoryLimitMb", "ports", "command"] },
      });
      expect(reset.data).toMatchObject({ memoryLimitMb: null, ports: [], command: [], imageName: "img:1", version: 2 });
      const empty = await cp.api.PATCH("/v1/templates/{templateId}", {
        params: { path: { templateId: id } },
        body: { reset: ["imageName"] },
      });
      expect(empty.response.status).toBe(400);
      expect(empty.error?.code).toBe("validation_failed");
    });
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

    it("keeps a container disk size and volume mounts (RunPod's containerDiskInGb, network volumes)", async () => {
      const volumeMounts = [
        { type: "volume" as const, name: "hf-cache", mountPath: "/runpod-volume" },
        { type: "hostPath" as const, hostPath: "/srv/models", mountPath: "/models", readOnly: true },
      ];
      const { data, response } = await cp.api.POST("/v1/templates", {
        body: { name: "gpu-worker", imageName: "acme/worker:1", containerDiskInGb: 20, volumeMounts },
      });
      expect(response.status).toBe(201);
      expect(data).toMatchObject({ containerDiskInGb: 20, volumeMounts });
      const plain = await cp.api.POST("/v1/templates", { body: { name: "plain", imageName: "acme/worker:1" } });
      expect(plain.data).toMatchObject({ containerDiskInGb: null, volumeMounts: [] });
      const reset = await cp.api.PATCH("/v1/templates/{templateId}", {
        params: { path: { templateId: data?.id ?? "" } },
        body: { reset: ["containerDiskInGb", "volumeMounts"] },
      });
      expect(reset.data).toMatchObject({ containerDiskInGb: null, volumeMounts: [], version: 2 });
    });

    it.each([
      [{ volumeMounts: [{ type: "volume", name: "Not A Label", mountPath: "/v" }] }, "volumeMounts.0.name"],
      [{ volumeMounts: [{ type: "hostPath", hostPath: "relative/dir", mountPath: "/v" }] }, "volumeMounts.0.hostPath"],
      [{ volumeMounts: [{ type: "nfs", mountPath: "/v" }] }, "volumeMounts.0.type"],
      [
        {
          volumeMounts: [
            { type: "volume", name: "a", mountPath: "/v" },
            { type: "volume", name: "b", mountPath: "/v" },
          ],
        },
        "volumeMounts",
      ],
      [{ containerDiskInGb: 0 }, "containerDiskInGb"],
    ])("refuses %j naming %s", async (settings, field) => {
      const { error, response } = await cp.api.POST("/v1/templates", {
        body: { name: `bad-${field}`, imageName: "x:1", ...settings } as never,
      });
      expect(response.status).toBe(400);
      expect(error?.errors?.map((e) => e.field)).toContain(field);
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
