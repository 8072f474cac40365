import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type InProcessControlPlane, inProcessControlPlane } from "../support/api-client.js";

describe("the console's files and the caller's key", () => {
  let cp: InProcessControlPlane;
  const dir = mkdtempSync(join(tmpdir(), "runfleet-console-"));
  const get = (path: string, headers: Record<string, string> = {}) =>
    cp.controlPlane.fetch(new Request(`http://control-plane.test${path}`, { headers }));

  beforeAll(async () => {
    mkdirSync(join(dir, "assets"));
    writeFileSync(join(dir, "index.html"), "<!doctype html><title>console</title>");
    writeFileSync(join(dir, "assets/app-1234.js"), "console.log(1)");
    writeFileSync(join(tmpdir(), "runfleet-console-secret.txt"), "not served");
    cp = await inProcessControlPlane({ consoleDir: dir });
  });

  afterAll(async () => {
    await cp.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it("redirects /console, serves the page for the console's routes, and assets with long caching", async () => {
    const bare = await get("/console");
    expect(bare.status).toBe(308);
    expect(bare.headers.get("location")).toBe("/console/");
    for (const path of ["/console/", "/console/endpoints/ep_1/metrics"]) {
      const page = await get(path);
      expect(page.status).toBe(200);
      expect(page.headers.get("content-type")).toContain("text/html");
      expect(page.headers.get("cache-control")).toBe("no-cache");
      expect(page.headers.get("content-security-policy")).toContain("connect-src 'self'");
      expect(await page.text()).toContain("<title>console</title>");
    }
    const asset = await get("/console/assets/app-1234.js");
    expect(asset.status).toBe(200);
    expect(asset.headers.get("content-type")).toContain("text/javascript");
    expect(asset.headers.get("cache-control")).toContain("immutable");
  });

  it("answers a problem for a missing asset and never leaves the console's directory", async () => {
    const missing = await get("/console/assets/nope.js");
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toBe("application/problem+json");
    for (const path of [
      "/console/..%2F..%2Frunfleet-console-secret.txt",
      "/console/%2e%2e/runfleet-console-secret.txt",
    ]) {
      const escaped = await get(path);
      expect(escaped.status).toBe(404);
      expect(await escaped.text()).not.toContain("not served");
    }
  });

  it("tells a key who it is, whatever its scope", async () => {
    const admin = await cp.api.GET("/v1/whoami");
    expect(admin.data).toMatchObject({ scope: "admin" });
    const created = await cp.api.POST("/v1/keys", { body: { name: "runner", scope: "invoke" } });
    const invoker = await cp.as(created.data?.key).GET("/v1/whoami");
    expect(invoker.data).toMatchObject({ name: "runner", scope: "invoke" });
    expect(JSON.stringify(invoker.data)).not.toContain(created.data?.key ?? "-");
    expect((await cp.as(undefined).GET("/v1/whoami")).response.status).toBe(401);
  });
});
