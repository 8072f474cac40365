import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Hono } from "hono";
import { Authenticator } from "./auth/authenticator.js";
import { Autoscaler } from "./autoscaler/autoscaler.js";
import { type ControlPlaneConfig, type ControlPlaneOptions, compileConfig } from "./config/config.js";
import { createDriverSet } from "./drivers/driver-set.js";
import type { WorkerDriver } from "./drivers/worker-driver.js";
import { ControlPlaneError } from "./errors/control-plane-error.js";
import { detectGpus, GpuInventory, parseDeclaredGpus } from "./gpus/gpu-inventory.js";
import { createApp } from "./http/app.js";
import { jobHandlers } from "./http/handlers/job-handlers.js";
import { managementHandlers } from "./http/handlers/management-handlers.js";
import { observabilityHandlers } from "./http/handlers/observability-handlers.js";
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
import { EndpointMetricsRecorder } from "./metrics/endpoint-metrics.js";
import { PrometheusRegistry } from "./metrics/prometheus-registry.js";
import { SqliteStore } from "./store/sqlite/sqlite-store.js";
import type { Store } from "./store/store.js";
import { type Clock, systemClock } from "./util/clock.js";
import { newId } from "./util/ids.js";
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
  /**
   * On a control plane without endpoints, creates the quick-start endpoint `echo` (the TypeScript echo
   * worker of examples/, CPU, scale from zero) when that worker is built under the working directory.
   * Returns its id, or undefined when nothing was created.
   */
  seedQuickstart(): Promise<string | undefined>;
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
  const store = new SqliteStore({ path: join(config.dataDir, "runfleet.sqlite"), synchronous: config.storeSync });
  let closeDrivers = async () => {};
  try {
    const authenticator = new Authenticator(store, clock);
    const templates = new TemplateService(store, clock);
    // The instance id labels this control plane's containers; kept, so that a restart adopts them.
    const instanceId = dataDirSecret(config.dataDir, "instance-id", () => newId("cp"));
    const drivers = await createDriverSet(config, instanceId, logger.child({ component: "drivers" }));
    closeDrivers = () => drivers.close();
    const endpoints = new EndpointService(store, clock, Object.keys(drivers.byKind));
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
        secret:
          config.webhookSecret ??
          dataDirSecret(config.dataDir, "webhook-secret", () => randomBytes(32).toString("base64url")),
        maxAttempts: config.webhookMaxAttempts,
        retryBaseMs: config.webhookRetryBaseMs,
        timeoutMs: config.webhookTimeoutMs,
        pollIntervalMs: Math.min(config.webhookRetryBaseMs, 1000),
      },
      logger.child({ component: "webhooks" }),
    );
    const prometheus = new PrometheusRegistry();
    const recorder = new EndpointMetricsRecorder(clock, config.metricsIntervalMs);
    const gpus = new GpuInventory(config.gpus !== undefined ? parseDeclaredGpus(config.gpus) : await detectGpus());
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
          prometheus.inc("runfleet_jobs_finished_total", "Jobs that reached a final status", {
            endpoint: job.endpointId,
            status: job.status,
          });
          if (job.startedAt !== null && job.completedAt !== null) {
            const labels = { endpoint: job.endpointId };
            prometheus.observe(
              "runfleet_job_delay_seconds",
              "Queue time before a worker took the job",
              labels,
              (job.startedAt - job.createdAt) / 1000,
            );
            prometheus.observe(
              "runfleet_job_execution_seconds",
              "Time a worker spent on the job",
              labels,
              (job.completedAt - job.startedAt) / 1000,
            );
          }
          if (job.webhook) {
            webhooks
              .enqueue(job, jobs.view(job))
              .catch((error) => logger.error({ err: error, jobId: job.id }, "webhook enqueue failed"));
          }
        },
        jobsQueued: (endpointId) => autoscaler.notify(endpointId),
        waitReason: (endpointId, job) => {
          const statuses = statusesOf(endpointId);
          const endpoint = endpointCache.get(endpointId);
          return waitReason({
            endpointReason: autoscaler.endpointReason(endpointId),
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
        autoscaler
          .endpointDeleted(change.endpoint, workers.list(change.endpoint.id))
          .catch((error) => logger.error({ err: error }, "stopping a deleted endpoint's workers failed"));
        jobs.forgetEndpoint(change.endpoint.id);
        recorder.forget(change.endpoint.id);
        workers.forgetEndpoint(change.endpoint.id);
      } else {
        endpointCache.set(change.endpoint.id, change.endpoint);
        autoscaler.notify(change.endpoint.id);
      }
    });
    const autoscaler: Autoscaler = new Autoscaler({
      store,
      clock,
      logger: logger.child({ component: "autoscaler" }),
      jobs,
      workers,
      gpus,
      driverFor: (endpoint) => drivers.driverFor(endpoint),
      drivers: drivers.all,
      endpoint: (id) => endpointCache.get(id),
      endpoints: () => [...endpointCache.values()],
      template: (id) => templates.get(id),
      baseUrl: () => baseUrl,
      pingIntervalMs: Math.max(100, Math.floor(config.jobLeaseMs / 3)),
      tickMs: config.autoscalerTickMs,
      stopGraceMs: config.workerStopGraceMs,
      initTimeoutMs: config.workerInitTimeoutMs,
      observeColdStart: (phase, ms) =>
        prometheus.observe("runfleet_cold_start_seconds", "Worker cold-start phases", { phase }, ms / 1000),
    });
    workers.onReady((worker) => autoscaler.workerReady(worker.id));
    const document = loadOpenApiDocument();
    let shuttingDown = false;
    let baseUrl = config.publicUrl ?? `http://${config.host}:${config.port}`;
    const pingIntervalMs = Math.max(100, Math.floor(config.jobLeaseMs / 3));
    // The driver that runs a worker; none for external workers (their output is not captured here).
    const driverOf = (workerId: string): WorkerDriver | undefined => {
      const kind = workers.find(workerId)?.driver;
      return kind === undefined || kind === "external" ? undefined : drivers.byKind[kind];
    };
    const handlers = {
      ...systemHandlers({
        store,
        openApiText: document.text,
        metricsText: () => prometheus.render(),
        isShuttingDown: () => shuttingDown,
      }),
      ...managementHandlers({
        endpoints,
        templates,
        apiKeys,
        endpointReason: (endpointId) => autoscaler.endpointReason(endpointId),
      }),
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
          counts.unhealthy += autoscaler.crashLoopingWorkers(endpointId);
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
        readLogs: async (workerId, tail) => (await driverOf(workerId)?.logs(workerId, tail)) ?? [],
        followLogs: (workerId, tail, signal) => driverOf(workerId)?.followLogs(workerId, tail, signal) ?? noLines(),
        stopWorker: (workerId) => autoscaler.removeWorker(workerId, "removed through the API"),
      }),
      ...observabilityHandlers({ store, clock, endpoints, workers, recorder, gpus }),
    } satisfies OperationHandlers;
    const endpointStates = () =>
      [...endpointCache.keys()].map((endpointId) => {
        const counts: Record<string, number> = {};
        for (const { status } of statusesOf(endpointId)) {
          counts[status] = (counts[status] ?? 0) + 1;
        }
        const crashLooping = autoscaler.crashLoopingWorkers(endpointId);
        if (crashLooping > 0) {
          counts.UNHEALTHY = (counts.UNHEALTHY ?? 0) + crashLooping;
        }
        return { endpointId, queued: jobs.queueState(endpointId).queued, workers: counts };
      });
    prometheus.collect(() => {
      for (const name of [
        "runfleet_jobs_queued",
        "runfleet_jobs_running",
        "runfleet_oldest_queued_job_age_seconds",
        "runfleet_workers",
      ]) {
        prometheus.resetGauge(name);
      }
      const now = clock.now();
      const running = jobs.runningByWorker();
      for (const { endpointId, queued, workers: byStatus } of endpointStates()) {
        const labels = { endpoint: endpointId };
        prometheus.set("runfleet_jobs_queued", "Jobs waiting in an endpoint's queue", labels, queued);
        const oldest = jobs.queueState(endpointId).oldestQueuedAt;
        prometheus.set(
          "runfleet_oldest_queued_job_age_seconds",
          "Age of the oldest waiting job",
          labels,
          oldest === undefined ? 0 : (now - oldest) / 1000,
        );
        let runningJobs = 0;
        for (const worker of workers.list(endpointId)) {
          runningJobs += running.get(worker.id)?.length ?? 0;
        }
        prometheus.set("runfleet_jobs_running", "Jobs being run", labels, runningJobs);
        for (const [status, count] of Object.entries(byStatus)) {
          prometheus.set("runfleet_workers", "Workers by status", { endpoint: endpointId, status }, count);
        }
      }
      prometheus.set(
        "runfleet_process_resident_memory_bytes",
        "Resident memory of the control plane",
        {},
        process.memoryUsage.rss(),
      );
      prometheus.set("runfleet_gpus_total", "GPUs in the inventory", {}, gpus.devices.length);
    });
    const app = createApp({
      document,
      handlers,
      authenticator,
      logger,
      maxBodyBytes: config.maxBodyBytes,
    });
    await jobs.start([...endpointCache.keys()]);
    webhooks.start();
    await autoscaler.start();
    recorder.start(endpointStates);
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
      seedQuickstart: async () => {
        const command = ["node", "examples/echo-worker/dist/worker.js"];
        if ((await endpoints.list()).length > 0 || !existsSync(join(process.cwd(), command[1] as string))) {
          return undefined;
        }
        const template =
          (await templates.list()).find((t) => t.name === "echo") ??
          (await templates.create({ name: "echo", command }));
        const endpoint = await endpoints.create({
          name: "echo",
          templateId: template.id,
          // Its template is a command on this host, whichever driver is the default.
          driver: "process",
          computeType: "CPU",
          workersMin: 0,
          workersMax: 3,
          idleTimeout: 30,
        });
        return endpoint.id;
      },
      close: async () => {
        shuttingDown = true;
        await autoscaler.stop(config.stopWorkersOnShutdown);
        await drivers.close();
        jobs.stop();
        webhooks.stop();
        recorder.stop();
        await store.close();
      },
    };
    return controlPlane;
  } catch (error) {
    await closeDrivers();
    await store.close();
    if (ControlPlaneError.is(error)) {
      throw new Error(`cannot start: ${error.message}`, { cause: error });
    }
    throw error;
  }
}

/**
 * Reads a value kept in the data directory (the webhook signing secret, the instance id), creating it
 * with `create` on first start.
 */
function dataDirSecret(dataDir: string, file: string, create: () => string): string {
  const path = join(dataDir, file);
  try {
    return readFileSync(path, "utf8").trim();
  } catch {
    mkdirSync(dataDir, { recursive: true });
    const value = create();
    writeFileSync(path, `${value}\n`, { mode: 0o600 });
    return value;
  }
}

/** The log lines of a worker whose output is not captured: none. */
async function* noLines(): AsyncGenerator<never> {}
