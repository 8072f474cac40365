import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { type ControlPlaneOptions, type RunningControlPlane, startServer } from "@runfleet/control-plane";
import { assertContractResponse } from "./contract-responses.js";
import { eventually } from "./workers.js";

/** An admin key tests use; long enough for the configuration's rule. */
export const TEST_ADMIN_KEY = "rf_test_admin_key_0123456789abcdef";

/** A control plane on a free loopback port with its own data directory, plus helpers to call it. */
export interface TestControlPlane {
  server: RunningControlPlane;
  url: string;
  dataDir: string;
  /** Calls the API with the admin key; returns status and parsed JSON body, after checking both against the contract. */
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
 * The store options of test control planes: the embedded store, or with `RUNFLEET_TEST_STORE=postgres`
 * the database of `RUNFLEET_TEST_DATABASE_URL`, in a schema named after the data directory (so that a
 * restarted control plane finds its data again), to run the integration tests against PostgreSQL.
 */
export function testStoreOptions(dataDir: string): ControlPlaneOptions {
  if (process.env.RUNFLEET_TEST_STORE !== "postgres") {
    return {};
  }
  const url = process.env.RUNFLEET_TEST_DATABASE_URL;
  if (!url) {
    throw new Error("RUNFLEET_TEST_STORE=postgres needs RUNFLEET_TEST_DATABASE_URL (scripts/postgres-cluster.sh env)");
  }
  return {
    databaseUrl: url,
    databaseSchema: `t_${basename(dataDir)
      .toLowerCase()
      .replace(/[^a-z0-9_]/g, "_")}`,
    secretKey: "integration-test-secret-key-0123456789",
  };
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
    ...testStoreOptions(dataDir),
    ...options,
  });
  const call = async <T>(method: string, path: string, body?: unknown, key = TEST_ADMIN_KEY) => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const parsed = text ? JSON.parse(text) : undefined;
    // Every answer a test receives must be one the contract documents.
    assertContractResponse({
      method,
      url: path,
      status: response.status,
      contentType: response.headers.get("content-type"),
      body: parsed,
    });
    return { status: response.status, body: parsed as T };
  };
  let stopped = false;
  const stop = async () => {
    if (!stopped) {
      stopped = true;
      await server.stop();
      if (options.stopWorkersOnShutdown !== false) {
        endLeftWorkers(dataDir);
      }
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

/**
 * A graceful stop stops every process worker: one still running afterwards would outlive the test run
 * (orphaned, polling a dead address). Any such worker is killed, with its process group, and the test fails.
 */
function endLeftWorkers(dataDir: string): void {
  const dir = join(dataDir, "process-workers");
  let files: string[];
  try {
    files = readdirSync(dir).filter((file) => file.endsWith(".json"));
  } catch {
    return;
  }
  const left: string[] = [];
  for (const file of files) {
    let state: { workerId: string; pid: number; kernelStart: string | null };
    try {
      state = JSON.parse(readFileSync(join(dir, file), "utf8")) as typeof state;
      const stat = readFileSync(`/proc/${state.pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (fields[0] === "Z" || (state.kernelStart !== null && fields[19] !== state.kernelStart)) {
        continue;
      }
    } catch {
      continue; // unreadable, or the process is gone
    }
    try {
      process.kill(-state.pid, "SIGKILL");
    } catch {
      // Ended meanwhile.
    }
    left.push(`${state.workerId} (pid ${state.pid})`);
  }
  if (left.length > 0) {
    throw new Error(`worker process(es) outlived the control plane's graceful stop (now killed): ${left.join(", ")}`);
  }
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
