import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ControlPlaneOptions, type RunningControlPlane, startServer } from "@runfleet/control-plane";
import { eventually } from "./workers.js";

/** An admin key tests use; long enough for the configuration's rule. */
export const TEST_ADMIN_KEY = "rf_test_admin_key_0123456789abcdef";

/** A control plane on a free loopback port with its own data directory, plus helpers to call it. */
export interface TestControlPlane {
  server: RunningControlPlane;
  url: string;
  dataDir: string;
  /** Calls the API with the admin key; returns status and parsed JSON body. */
  call: <T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    key?: string,
  ) => Promise<{ status: number; body: T }>;
  /** Stops the server (the data directory stays, for restart tests). */
  stop: () => Promise<void>;
  /** Stops the server and removes its data directory. */
  dispose: () => Promise<void>;
}

/**
 * Starts a control plane for a test. Timings are shortened (leases, long polls, the sweeper) so that
 * lifecycle tests run in seconds; every other setting is the default.
 */
export async function startTestControlPlane(
  options: ControlPlaneOptions = {},
  dataDir = mkdtempSync(join(tmpdir(), "runfleet-test-")),
): Promise<TestControlPlane> {
  const server = await startServer({
    port: 0,
    dataDir,
    adminKey: TEST_ADMIN_KEY,
    logLevel: "silent",
    jobLeaseMs: 3000,
    takeHoldMs: 2000,
    sweepIntervalMs: 100,
    webhookRetryBaseMs: 200,
    metricsIntervalMs: 200,
    ...options,
  });
  const call = async <T>(method: string, path: string, body?: unknown, key = TEST_ADMIN_KEY) => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
  let stopped = false;
  const stop = async () => {
    if (!stopped) {
      stopped = true;
      await server.stop();
    }
  };
  return {
    server,
    url: server.url,
    dataDir,
    call,
    stop,
    dispose: async () => {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Creates a template and a CPU endpoint running `command`; returns the endpoint id. */
export async function createCommandEndpoint(
  cp: TestControlPlane,
  command: string[],
  settings: Record<string, unknown> = {},
): Promise<string> {
  const name = `t-${Math.random().toString(36).slice(2)}`;
  const template = await cp.call<{ id: string }>("POST", "/v1/templates", { name, command });
  if (template.status !== 201) {
    throw new Error(`template: ${template.status} ${JSON.stringify(template.body)}`);
  }
  const endpoint = await cp.call<{ id: string }>("POST", "/v1/endpoints", {
    name,
    templateId: template.body.id,
    computeType: "CPU",
    ...settings,
  });
  if (endpoint.status !== 201) {
    throw new Error(`endpoint: ${endpoint.status} ${JSON.stringify(endpoint.body)}`);
  }
  return endpoint.body.id;
}

/**
 * Creates an endpoint served only by external workers the test starts itself: `workersMax: 0` keeps the
 * autoscaler from starting workers of its own.
 */
export function createExternalEndpoint(cp: TestControlPlane, command: string[]): Promise<string> {
  return createCommandEndpoint(cp, command, { workersMax: 0 });
}

/** Registers an external worker and returns its id, token and environment. */
export async function registerWorker(
  cp: TestControlPlane,
  endpointId: string,
  concurrency = 1,
): Promise<{ id: string; token: string; env: Record<string, string> }> {
  const { status, body } = await cp.call<{ worker: { id: string }; token: string; env: Record<string, string> }>(
    "POST",
    `/v1/endpoints/${endpointId}/workers`,
    { concurrency },
  );
  if (status !== 201) {
    throw new Error(`register worker: ${status} ${JSON.stringify(body)}`);
  }
  return { id: body.worker.id, token: body.token, env: body.env };
}

/** Says whether a test that needs an external service should run: in CI it must, elsewhere it may skip. */
export function requireService(available: boolean, what: string): boolean {
  if (available) {
    return true;
  }
  if (process.env.CI) {
    throw new Error(`${what} is required in CI but was not found`);
  }
  console.warn(`skipping: ${what} not found (run .ci/run, or install it, to include these tests)`);
  return false;
}

/**
 * Creates an endpoint running the echo worker (examples/echo-worker) with one worker kept warm, and
 * waits until that worker is idle; returns both ids.
 */
export async function warmEchoEndpoint(cp: TestControlPlane): Promise<{ endpointId: string; workerId: string }> {
  const endpointId = await createCommandEndpoint(cp, [process.execPath, "examples/echo-worker/dist/worker.js"], {
    workersMin: 1,
    idleTimeout: 60,
  });
  const workerId = await eventually(
    async () => {
      const { body } = await cp.call<{ id: string; status: string }[]>("GET", `/v1/endpoints/${endpointId}/workers`);
      return body[0]?.status === "IDLE" ? body[0].id : undefined;
    },
    20_000,
    "a warm echo worker",
  );
  return { endpointId, workerId };
}
