import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Hono } from "hono";
import { Authenticator } from "./auth/authenticator.js";
import { type ControlPlaneConfig, type ControlPlaneOptions, compileConfig } from "./config/config.js";
import { ControlPlaneError } from "./errors/control-plane-error.js";
import { createApp } from "./http/app.js";
import { jobHandlers } from "./http/handlers/job-handlers.js";
import { managementHandlers } from "./http/handlers/management-handlers.js";
import { systemHandlers } from "./http/handlers/system-handlers.js";
import { workerProtocolHandlers } from "./http/handlers/worker-handlers.js";
import { workerManagementHandlers } from "./http/handlers/worker-management-handlers.js";
import { loadOpenApiDocument } from "./http/openapi-document.js";
import type { OperationHandlers } from "./http/operation-types.js";
import { JobService } from "./jobs/job-service.js";
import { createLogger, type Logger } from "./logging/logger.js";
import { type AdminKeyBootstrap, ApiKeyService } from "./management/api-key-service.js";
import { EndpointService } from "./management/endpoint-service.js";
import { TemplateService } from "./management/template-service.js";
import { SqliteStore } from "./store/sqlite/sqlite-store.js";
import type { Store } from "./store/store.js";
import { type Clock, systemClock } from "./util/clock.js";
import { WebhookDispatcher } from "./webhooks/webhook-dispatcher.js";
import { waitReason } from "./workers/wait-reason.js";
import { WorkerRegistry, workerStatus } from "./workers/worker-registry.js";

/** A control plane assembled in this process, not yet bound to a port. */
export interface ControlPlane {
  readonly config: ControlPlaneConfig;
  readonly app: Hono;
  readonly store: Store;
  readonly logger: Logger;
  /** What happened to the admin key at start-up (a created secret is here, once). */
  readonly adminKey: AdminKeyBootstrap;
  /** Serves one request in-process, as the HTTP server would. */
  fetch(request: Request): Promise<Response>;
  /** The URL workers and the banner use; set once the server listens. */
  baseUrl: string;
  /** The job lifecycle (exposed for embedders and tests). */
  readonly jobs: JobService;
  /** The registered workers. */
  readonly workers: WorkerRegistry;
  /** Stops background work and closes the store. */
  close(): Promise<void>;
}

/** Extra wiring for tests: a fake clock, a quiet logger. */
export interface ControlPlaneOverrides {
  clock?: Clock;
  logger?: Logger;
}

/**
 * Assembles a control plane from its configuration: store, services, the handler table and the HTTP
 * application. Nothing listens yet; {@link startServer} binds it to a port.
 */
export async function createControlPlane(
  options: ControlPlaneOptions | ControlPlaneConfig,
  overrides: ControlPlaneOverrides = {},
): Promise<ControlPlane> {
  const config = compileConfig(options);
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const clock = overrides.clock ?? systemClock;
  const store = new SqliteStore({ path: join(config.dataDir, "runfleet.sqlite") });
  try {
    const authenticator = new Authenticator(store, clock);
    const templates = new TemplateService(store, clock);
    const endpoints = new EndpointService(store, clock);
    const apiKeys = new ApiKeyService(store, clock, authenticator);
    templates.onChange((template) => {
      endpoints.rollTemplate(template.id).catch((error) => logger.error({ err: error }, "template roll-over failed"));
    });
    const adminKey = await apiKeys.ensureAdminKey(config.adminKey);
    const workers = new WorkerRegistry(store, clock);
    await workers.load();
    authenticator.setWorkerTokenLookup((hash) => workers.lookupToken(hash));
    const webhooks = new WebhookDispatcher(
      store,
      clock,
      {
        secret: config.webhookSecret ?? webhookSecretFile(config.dataDir),
        maxAttempts: config.webhookMaxAttempts,
        retryBaseMs: config.webhookRetryBaseMs,
        timeoutMs: config.webhookTimeoutMs,
        pollIntervalMs: Math.min(config.webhookRetryBaseMs, 1000),
      },
      logger.child({ component: "webhooks" }),
    );
    const runningCount = (endpointId: string, workerId: string) =>
      jobs.runningByWorker(endpointId).get(workerId)?.length ?? 0;
    const statusesOf = (endpointId: string) =>
      workers
        .list(endpointId)
        .map((worker) => ({ worker, status: workerStatus(worker, runningCount(endpointId, worker.id)) }));
    const jobs: JobService = new JobService(
      store,
      clock,
      config,
      {
        stopJob: (workerId, jobId) => workers.signalStop(workerId, jobId),
        jobEnded: (job) => {
          if (job.webhook) {
            webhooks
              .enqueue(job, jobs.view(job))
              .catch((error) => logger.error({ err: error, jobId: job.id }, "webhook enqueue failed"));
          }
        },
        jobsQueued: () => undefined,
        waitReason: (endpointId, job) => {
          const statuses = statusesOf(endpointId);
          const endpoint = endpointCache.get(endpointId);
          return waitReason({
            workersMax: endpoint?.workersMax ?? 1,
            workers: statuses.map((s) => s.status),
            unhealthyReason: statuses.find((s) => s.status === "UNHEALTHY")?.worker.unhealthyReason ?? undefined,
            lowPriority: job.lowPriority,
            position: job.position,
          });
        },
        mayTake: (workerId) => workers.mayTake(workerId),
      },
      logger.child({ component: "jobs" }),
    );
    // Endpoint settings the wait reasons read synchronously.
    const endpointCache = new Map((await endpoints.list()).map((endpoint) => [endpoint.id, endpoint]));
    endpoints.onChange((change) => {
      if (change.kind === "deleted") {
        endpointCache.delete(change.endpoint.id);
        jobs.forgetEndpoint(change.endpoint.id);
        workers.forgetEndpoint(change.endpoint.id);
      } else {
        endpointCache.set(change.endpoint.id, change.endpoint);
      }
    });
    const document = loadOpenApiDocument();
    let shuttingDown = false;
    let baseUrl = config.publicUrl ?? `http://${config.host}:${config.port}`;
    const pingIntervalMs = Math.max(100, Math.floor(config.jobLeaseMs / 3));
    const handlers = {
      ...systemHandlers({
        store,
        openApiText: document.text,
        metricsText: () => "",
        isShuttingDown: () => shuttingDown,
      }),
      ...managementHandlers({ endpoints, templates, apiKeys }),
      ...jobHandlers({
        endpoints,
        jobs,
        workerCounts: (endpointId) => {
          const counts = { idle: 0, initializing: 0, ready: 0, running: 0, throttled: 0, unhealthy: 0 };
          for (const { worker, status } of statusesOf(endpointId)) {
            if (status === "IDLE") {
              counts.idle++;
            } else if (status === "INITIALIZING") {
              counts.initializing++;
            } else if (status === "RUNNING") {
              counts.running++;
            } else if (status === "THROTTLED") {
              counts.throttled++;
            } else if (status === "UNHEALTHY") {
              counts.unhealthy++;
            }
            if (
              status === "IDLE" ||
              (status === "RUNNING" && runningCount(endpointId, worker.id) < worker.concurrency)
            ) {
              counts.ready++;
            }
          }
          return counts;
        },
      }),
      ...workerProtocolHandlers({
        jobs,
        workers,
        takeHoldMs: config.takeHoldMs,
        recycle: (workerId) => {
          workers.drain(workerId).catch((error) => logger.error({ err: error, workerId }, "drain failed"));
        },
      }),
      ...workerManagementHandlers({
        store,
        endpoints,
        templates,
        workers,
        jobs,
        baseUrl: () => baseUrl,
        pingIntervalMs,
        readLogs: async () => [],
        stopWorker: async () => undefined,
      }),
    } satisfies Partial<OperationHandlers>;
    const app = createApp({
      document,
      handlers: handlers as OperationHandlers,
      authenticator,
      logger,
      maxBodyBytes: config.maxBodyBytes,
    });
    await jobs.start();
    webhooks.start();
    const controlPlane: ControlPlane = {
      config,
      app,
      store,
      logger,
      adminKey,
      jobs,
      workers,
      get baseUrl() {
        return baseUrl;
      },
      set baseUrl(url: string) {
        baseUrl = url;
      },
      fetch: async (request) => app.fetch(request),
      close: async () => {
        shuttingDown = true;
        jobs.stop();
        webhooks.stop();
        await store.close();
      },
    };
    return controlPlane;
  } catch (error) {
    await store.close();
    if (ControlPlaneError.is(error)) {
      throw new Error(`cannot start: ${error.message}`, { cause: error });
    }
    throw error;
  }
}

/** Reads the webhook signing secret kept in the data directory, creating it on first start. */
function webhookSecretFile(dataDir: string): string {
  const path = join(dataDir, "webhook-secret");
  try {
    return readFileSync(path, "utf8").trim();
  } catch {
    mkdirSync(dataDir, { recursive: true });
    const secret = randomBytes(32).toString("base64url");
    writeFileSync(path, `${secret}\n`, { mode: 0o600 });
    return secret;
  }
}
