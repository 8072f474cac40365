import { resolve } from "node:path";
import { createContext, runInContext } from "node:vm";
import { rolldown } from "rolldown";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestControlPlane, TEST_ADMIN_KEY, type TestControlPlane } from "../support/control-plane-process.js";
import { scriptedWorker } from "../support/protocol-worker.js";
import { REPO_ROOT } from "../support/workers.js";

/** Bundles an entry point the way a browser app's bundler would; returns the code and what it could not resolve. */
async function bundleForBrowser(entry: string): Promise<{ code: string; unresolved: string[] }> {
  const unresolved: string[] = [];
  const bundle = await rolldown({
    input: resolve(REPO_ROOT, entry),
    platform: "browser",
    onLog: (_level, log) => {
      if (log.code === "UNRESOLVED_IMPORT") {
        unresolved.push(log.message);
      }
    },
  });
  const { output } = await bundle.generate({ format: "iife", name: "RunfleetSdk" });
  await bundle.close();
  return { code: output[0].code, unresolved };
}

/** The globals a browser (or a web worker, or an edge runtime) gives scripts: web APIs, no Node. */
function browserLikeContext() {
  return createContext({
    fetch,
    Request,
    Response,
    Headers,
    URL,
    URLSearchParams,
    AbortController,
    AbortSignal,
    DOMException,
    TextEncoder,
    TextDecoder,
    FormData,
    Blob,
    ReadableStream,
    structuredClone,
    queueMicrotask,
    crypto: globalThis.crypto,
    setTimeout,
    clearTimeout,
  });
}

describe("the client entry point in a browser-like runtime", () => {
  let cp: TestControlPlane;

  beforeAll(async () => {
    cp = await startTestControlPlane();
  });

  afterAll(async () => {
    await cp?.dispose();
  });

  it("bundles for the browser with no Node-only import, unlike the worker runtime", async () => {
    const client = await bundleForBrowser("sdk/dist/index.js");
    expect(client.unresolved).toEqual([]);
    expect(client.code).not.toMatch(/from\s*["']node:|require\(["']node:/);
    // The check can fail: the worker runtime does use Node and is reported.
    const worker = await bundleForBrowser("sdk/dist/worker/index.js");
    expect(worker.unresolved.join("\n")).toMatch(/node:/);
  });

  it("runs a job against a real control plane with only web globals", async () => {
    const { code } = await bundleForBrowser("sdk/dist/index.js");
    const context = browserLikeContext();
    runInContext(`${code}\nglobalThis.RunfleetSdk = RunfleetSdk;`, context);
    expect(runInContext("typeof process + typeof require + typeof Buffer", context)).toBe(
      "undefinedundefinedundefined",
    );

    const template = await cp.call<{ id: string }>("POST", "/v1/templates", { name: "browser", command: ["true"] });
    const endpoint = await cp.call<{ id: string }>("POST", "/v1/endpoints", {
      name: "browser",
      templateId: template.body.id,
      workersMax: 0,
    });
    const endpointId = endpoint.body.id;
    const worker = await scriptedWorker((request) => fetch(request), cp.url, TEST_ADMIN_KEY, endpointId);

    context.config = { baseUrl: cp.url, apiKey: TEST_ADMIN_KEY, pollIntervalMs: 20 };
    context.endpointId = endpointId;
    const result = runInContext(
      `(async () => {
        const runfleet = RunfleetSdk.createRunfleet(config);
        const job = await runfleet.endpoint(endpointId).run({ from: "browser" });
        const done = await job.wait({ timeoutMs: 20000 });
        const missing = await runfleet.endpoint("ep_missing").run({}).catch((e) => e);
        return { output: done.output, missingIsApiError: missing instanceof RunfleetSdk.ApiError, code: missing.code };
      })()`,
      context,
    ) as Promise<unknown>;
    // Fail fast rather than wait for a job that was never sent.
    const taken = await Promise.race([worker.take(), result.then(() => Promise.reject(new Error("ended early")))]);
    expect(taken.input).toEqual({ from: "browser" });
    await worker.finish(taken.id, { output: { seen: "in the browser" } });
    expect(await result).toEqual({
      output: { seen: "in the browser" },
      missingIsApiError: true,
      code: "endpoint_not_found",
    });
  });
});
