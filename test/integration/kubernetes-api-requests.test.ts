import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestControlPlane, type TestControlPlane } from "../support/control-plane-process.js";
import { eventually } from "../support/workers.js";

/**
 * The kubernetes driver's settings and request counting, against a stand-in API server (no cluster needed):
 * what each request was, and the pods it was asked to create, are recorded. The real cluster's tests
 * (kubernetes-workers, kubernetes-kwok-scale) cover the rest.
 */
describe("the kubernetes driver's API requests and pod settings", () => {
  const dir = mkdtempSync(join(tmpdir(), "runfleet-fake-apiserver-"));
  const requests: string[] = [];
  const createdPods: { spec?: { tolerations?: unknown; nodeSelector?: unknown } }[] = [];
  let server: Server;
  let cp: TestControlPlane;

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push(`${req.method} ${req.url}`);
      let body = "";
      req.on("data", (chunk: Buffer) => {
        body += chunk.toString();
      });
      req.on("end", () => {
        res.setHeader("content-type", "application/json");
        if (req.url?.includes("watch=true")) {
          // A watch that stays open, with no event.
          res.writeHead(200);
          res.flushHeaders();
          return;
        }
        if (req.method === "GET") {
          res.end(JSON.stringify({ apiVersion: "v1", kind: "List", metadata: { resourceVersion: "1" }, items: [] }));
          return;
        }
        const object = body ? (JSON.parse(body) as Record<string, unknown>) : {};
        if (req.method === "POST" && req.url?.endsWith("/pods")) {
          createdPods.push(object);
        }
        const metadata = { ...(object.metadata as object | undefined), uid: "uid-1", resourceVersion: "2" };
        res.writeHead(req.method === "POST" ? 201 : 200);
        res.end(JSON.stringify({ ...object, metadata }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : 0;
    const kubeconfig = join(dir, "kubeconfig");
    writeFileSync(
      kubeconfig,
      [
        "apiVersion: v1",
        "kind: Config",
        `clusters: [{name: fake, cluster: {server: "http://127.0.0.1:${port}", insecure-skip-tls-verify: true}}]`,
        "users: [{name: fake, user: {token: fake-token}}]",
        "contexts: [{name: fake, context: {cluster: fake, user: fake}}]",
        "current-context: fake",
      ].join("\n"),
    );
    cp = await startTestControlPlane({
      driver: "kubernetes",
      kubeconfig,
      kubernetesNamespace: "workers",
      kubernetesTolerations: '[{"key":"pool","operator":"Equal","value":"gpu","effect":"NoSchedule"}]',
      kubernetesNodeSelector: "pool=gpu",
      workerStopGraceMs: 0,
      stopWorkersOnShutdown: false,
    });
  });

  afterAll(async () => {
    await cp?.dispose();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  const counted = async () => {
    const text = await (await fetch(`${cp.url}/metrics`)).text();
    return Object.fromEntries(
      [...text.matchAll(/^runfleet_kubernetes_api_requests_total\{verb="(\w+)",resource="([^"]+)"\} (\d+)$/gm)].map(
        (m) => [`${m[1]} ${m[2]}`, Number(m[3])],
      ),
    );
  };

  it("counts every request by verb and resource: the informer's list and one watch, not a request per poll", async () => {
    const counts = await counted();
    expect(counts["list pods"]).toBe(
      requests.filter((r) => /^GET \/api\/v1\/namespaces\/workers\/pods\?(?!.*watch=true)/.test(r)).length,
    );
    expect(counts["watch pods"]).toBe(1);
    expect(requests.filter((r) => r.includes("watch=true"))).toHaveLength(1);
  });

  it("gives worker pods the configured tolerations and node selector, and counts their creation", async () => {
    const template = await cp.call<{ id: string }>("POST", "/v1/templates", {
      name: "fake",
      imageName: "runfleet/echo-worker:dev",
    });
    const endpoint = await cp.call<{ id: string }>("POST", "/v1/endpoints", {
      name: "fake",
      templateId: template.body.id,
      computeType: "GPU",
      gpuTypeIds: ["NVIDIA L4"],
      workersMax: 1,
    });
    expect(endpoint.status).toBe(201);
    await cp.call("POST", `/v2/${endpoint.body.id}/run`, { input: {} });
    const pod = await eventually(async () => createdPods[0], 10_000, "a pod created");
    expect(pod.spec?.tolerations).toEqual([
      { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" },
      { key: "pool", operator: "Equal", value: "gpu", effect: "NoSchedule" },
    ]);
    expect(pod.spec?.nodeSelector).toEqual({ pool: "gpu", "nvidia.com/gpu.product": "NVIDIA-L4" });
    const counts = await eventually(
      async () => ((await counted())["patch secrets"] ? await counted() : undefined),
      10_000,
      "the Secret's owner patched",
    );
    expect(counts).toMatchObject({ "create pods": 1, "create secrets": 1, "patch secrets": 1 });
  });
});
