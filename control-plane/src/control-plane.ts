import { createHmac, randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { availableParallelism, totalmem } from "node:os";
import { join } from "node:path";
import type { Duplex } from "node:stream";
import type { Hono } from "hono";
import { AdmissionControl } from "./admission/admission-control.js";
import { Authenticator } from "./auth/authenticator.js";
import { Autoscaler } from "./autoscaler/autoscaler.js";
import { type ControlPlaneConfig, type ControlPlaneOptions, compileConfig } from "./config/config.js";
import { createDriverSet } from "./drivers/driver-set.js";
import type { WorkerDriver } from "./drivers/worker-driver.js";
import { ControlPlaneError } from "./errors/control-plane-error.js";
import { ExecService } from "./exec/exec-service.js";
import type { SshGateway } from "./exec/ssh-gateway.js";
import { detectGpus, GpuInventory, parseDeclaredGpus } from "./gpus/gpu-inventory.js";
import { createApp } from "./http/app.js";
import { defaultConsoleDir } from "./http/console-assets.js";
import { execHandlers } from "./http/handlers/exec-handlers.js";
import { jobHandlers } from "./http/handlers/job-handlers.js";
import { managementHandlers } from "./http/handlers/management-handlers.js";
import { observabilityHandlers } from "./http/handlers/observability-handlers.js";
import { systemHandlers } from "./http/handlers/system-handlers.js";
import { usageHandlers } from "./http/handlers/usage-handlers.js";
import { workerProtocolHandlers } from "./http/handlers/worker-handlers.js";
import { workerManagementHandlers } from "./http/handlers/worker-management-handlers.js";
import { loadOpenApiDocument } from "./http/openapi-document.js";
import type { OperationHandlers } from "./http/operation-types.js";
import { shellSocketHandler, type UpgradeHandler } from "./http/shell-socket.js";
import { JobService } from "./jobs/job-service.js";
import { LoadBalancer } from "./load-balancing/load-balancer.js";
import { PortAllocator, parsePortRange } from "./load-balancing/port-allocator.js";
import { nodeLoadBalancerRoute, nodeLoadBalancerUpgrade } from "./load-balancing/routed-request.js";
import { createLogger, type Logger } from "./logging/logger.js";
import { type AdminKeyBootstrap, ApiKeyService } from "./management/api-key-service.js";
import { EndpointService } from "./management/endpoint-service.js";
import { RegistryAuthService } from "./management/registry-auth-service.js";
import { SshKeyService } from "./management/ssh-key-service.js";
import { TemplateService } from "./management/template-service.js";
import { MetricHistoryRecorder } from "./metrics/metric-history-recorder.js";
import { PrometheusRegistry } from "./metrics/prometheus-registry.js";
import { SecretBox } from "./secrets/secret-box.js";
import { usageStateOf } from "./simulation/cost-model.js";
import { ActiveLock } from "./store/postgres/active-lock.js";
import { PostgresStore } from "./store/postgres/postgres-store.js";
import { SqliteStore } from "./store/sqlite/sqlite-store.js";
import type { Store } from "./store/store.js";
import { UsageMeter, type WorkerUsageSample } from "./usage/usage-meter.js";
import { type Clock, systemClock } from "./util/clock.js";
import { newId } from "./util/ids.js";
import { ensurePrivateDir, PRIVATE_FILE_MODE, tightenPrivateFiles } from "./util/private-files.js";
import { WebhookDispatcher } from "./webhooks/webhook-dispatcher.js";
import { OrphanSweeper } from "./workers/orphan-sweeper.js";
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
  /** Serves WebSocket upgrades (the interactive shell); the HTTP server hands them over. */
  readonly handleUpgrade: UpgradeHandler;
  /**
   * Serves a request for a load-balancing endpoint on Node's request and response, ahead of the API
   * application: true when it took the request, false for every other request (the HTTP server then
   * hands it to `app`).
   */
  readonly routeToWorkers: (incoming: IncomingMessage, outgoing: ServerResponse) => boolean;
  /** Sessions inside workers, audited (the SSH gateway opens them too). */
  readonly exec: ExecService;
  /** The SSH keys the gateway accepts. */
  readonly sshKeys: SshKeyService;
  /** Serves one request in-process, as the HTTP server would. */
  fetch(request: Request): Promise<Response>;
  /** The URL workers and the banner use; set once the server listens. */
  baseUrl: string;
  /** Where the SSH gateway listens (`GET /v1/ssh-gateway`); set once it does, undefined while it is off. */
  sshGateway: Pick<SshGateway, "port" | "hostKeyFingerprint"> | undefined;
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
  /**
   * The first step of a graceful stop, taken as the server stops accepting connections: answers every
   * held long poll now (job-takes with no jobs, `runsync` and waits on a job with the job as it is, so the
   * client polls its status later) rather than letting the connection be cut under it. A request relayed
   * by a follower then gets an answer instead of `502 leader_failed`.
   */
  answerHeldRequests(): void;
  /** Stops background work and closes the store. */
  close(): Promise<void>;
}

/** Extra wiring for tests: a fake clock, a quiet logger. */
export interface ControlPlaneOverrides {
  clock?: Clock;
  logger?: Logger;
  /**
   * What to do when a control plane on a database loses its active lock (its session broke: another
   * process may already serve). By default it logs and exits the process with status 70, since serving on
   * would let two processes move the same jobs.
   */
  onActiveLockLost?: (cause: unknown) => void;
  /** Aborts the wait of a standby for the active lock (the process is asked to stop meanwhile). */
  signal?: AbortSignal;
}

/**
 * The instance id of the control planes that share a database schema (the active one and its standbys),
 * derived from their common secret key so that every replica labels and finds the same workers.
 */
export function databaseInstanceId(secretKey: string, schema: string): string {
  return `cp_${createHmac("sha256", secretKey).update(`runfleet instance ${schema}`).digest("hex").slice(0, 16)}`;
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
  ensurePrivateDir(config.dataDir);
  const secrets = new SecretBox(
    config.secretKey ?? dataDirSecret(config.dataDir, "secret-key", () => randomBytes(32).toString("base64url")),
  );
  const store: Store =
    config.databaseUrl === undefined
      ? new SqliteStore({ path: join(config.dataDir, "runfleet.sqlite"), synchronous: config.storeSync, secrets })
      : new PostgresStore({
          url: config.databaseUrl,
          schema: config.databaseSchema,
          poolSize: config.databasePoolSize,
          connectTimeoutMs: config.databaseConnectTimeoutMs,
          secrets,
        });
  let closeDrivers = async () => {};
  let activeLock: ActiveLock | undefined;
  try {
    if (store instanceof PostgresStore) {
      // Fails early on a wrong URL or credentials, and migrates (once, under an advisory lock). The URL
      // is not repeated: it may hold a password.
      await store.open().catch((error: unknown) => {
        throw new Error(
          `cannot open the database of --database-url (RUNFLEET_DATABASE_URL): ${error instanceof Error ? error.message : String(error)}`,
          { cause: error },
        );
      });
      activeLock = await ActiveLock.acquire(await store.sessionClient(), store.schema, {
        signal: overrides.signal,
        onWaiting: () =>
          logger.info(
            { schema: store.schema },
            "follower: another replica leads this database; waiting for its active lock to take over",
          ),
        onLost:
          overrides.onActiveLockLost ??
          ((cause) => {
            logger.fatal({ err: cause }, "lost the database's active lock: stopping, so that only one process serves");
            process.exit(70);
          }),
      });
      logger.info({ schema: store.schema }, "leader: this replica holds the database's active lock; loading its state");
    }
    const authenticator = new Authenticator(store, clock);
    const templates = new TemplateService(store, clock);
    // The instance id labels this control plane's containers; kept, so that a restart adopts them.
    // On a database, the active control plane and its standbys are one instance: a standby that takes over
    // on the same Docker engine adopts the containers of the one that died, as a restart would.
    const instanceId =
      store instanceof PostgresStore && config.secretKey !== undefined
        ? databaseInstanceId(config.secretKey, store.schema)
        : dataDirSecret(config.dataDir, "instance-id", () => newId("cp"));
    // Made before the drivers, which report into it from their start (the kubernetes driver's first list).
    const prometheus = new PrometheusRegistry();
    if (store instanceof PostgresStore) {
      // Created once this process holds the active lock: it leads (a follower's /metrics says 0).
      prometheus.set("runfleet_replica_leader", "1 while this replica leads its database cluster, else 0", {}, 1);
    }
    const drivers = await createDriverSet(config, instanceId, logger.child({ component: "drivers" }), {
      kubernetesApiRequest: ({ verb, resource }) =>
        prometheus.inc(
          "runfleet_kubernetes_api_requests_total",
          "Requests the kubernetes driver sent to the Kubernetes API (a watch counts once, not per event)",
          { verb, resource },
        ),
    });
    closeDrivers = () => drivers.close();
    const endpoints = new EndpointService(store, clock, Object.keys(drivers.byKind));
    const apiKeys = new ApiKeyService(store, clock, authenticator);
    const registryAuths = new RegistryAuthService(store, clock);
    templates.onChange((template) => {
      endpoints.rollTemplate(template.id).catch((error) => logger.error({ err: error }, "template roll-over failed"));
    });
    const adminKey = await apiKeys.ensureAdminKey(config.adminKey);
    const workers = new WorkerRegistry(store, clock, config.workerOrphanTimeoutMs);
    await workers.load();
    authenticator.setWorkerTokenLookup((hash) => workers.lookupToken(hash));
    const webhooks = new WebhookDispatcher(
      store,
      clock,
      {
        secret:
          config.webhookSecret ??
          (config.databaseUrl !== undefined && config.secretKey !== undefined
            ? // Every control plane on the database must sign alike: derived from the key they share.
              createHmac("sha256", config.secretKey).update("runfleet webhook signing secret").digest("base64url")
            : dataDirSecret(config.dataDir, "webhook-secret", () => randomBytes(32).toString("base64url"))),
        maxAttempts: config.webhookMaxAttempts,
        retryBaseMs: config.webhookRetryBaseMs,
        timeoutMs: config.webhookTimeoutMs,
        pollIntervalMs: Math.min(config.webhookRetryBaseMs, 1000),
      },
      logger.child({ component: "webhooks" }),
    );
    const recorder = new MetricHistoryRecorder(
      store,
      clock,
      logger.child({ component: "metrics" }),
      config.metricsIntervalMs,
    );
    const usage = new UsageMeter({
      store,
      clock,
      logger: logger.child({ component: "usage" }),
      sampleMs: config.usageSampleMs,
      flushMs: config.usageFlushMs,
      retentionMs: config.usageRetentionMs,
      counted: (endpointId, state, seconds, gpuSeconds) => {
        prometheus.inc(
          "runfleet_worker_seconds_total",
          "Worker time by state",
          { endpoint: endpointId, state },
          seconds,
        );
        if (gpuSeconds > 0) {
          prometheus.inc(
            "runfleet_gpu_seconds_total",
            "GPU time held by workers",
            { endpoint: endpointId },
            gpuSeconds,
          );
        }
      },
    });
    const gpus = new GpuInventory(config.gpus !== undefined ? parseDeclaredGpus(config.gpus) : await detectGpus());
    // Jobs for a queue worker, routed requests for a load-balancing one: either makes it RUNNING.
    const runningCount = (endpointId: string, workerId: string) =>
      (jobs.runningByWorker(endpointId).get(workerId)?.length ?? 0) + loadBalancer.inFlight(workerId);
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
        usage.forget(change.endpoint.id);
        workers.forgetEndpoint(change.endpoint.id);
      } else {
        endpointCache.set(change.endpoint.id, change.endpoint);
        autoscaler.notify(change.endpoint.id);
      }
    });
    const loadBalancer: LoadBalancer = new LoadBalancer({
      workers,
      endpoint: (id) => endpointCache.get(id),
      endpoints: () => [...endpointCache.values()],
      notifyAutoscaler: (endpointId) => autoscaler.notify(endpointId),
      clock,
      logger: logger.child({ component: "load-balancer" }),
      prometheus,
      healthIntervalMs: config.lbHealthIntervalMs,
      coldStartWaitMs: config.lbColdStartWaitMs,
      unhealthyTimeoutMs: config.lbUnhealthyTimeoutMs,
    });
    const ports = new PortAllocator(parsePortRange(config.lbPortRange), () =>
      [...endpointCache.keys()].flatMap((endpointId) =>
        workers
          .list(endpointId)
          .flatMap((worker) => [worker.port, worker.healthPort].filter((port): port is number => port !== null)),
      ),
    );
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
      registryCredentials: (id) => registryAuths.get(id),
      baseUrl: () => baseUrl,
      pingIntervalMs: Math.max(100, Math.floor(config.jobLeaseMs / 3)),
      machine: { cpuCount: availableParallelism(), memoryMb: Math.floor(totalmem() / 1024 / 1024) },
      tickMs: config.autoscalerTickMs,
      stopGraceMs: config.workerStopGraceMs,
      initTimeoutMs: config.workerInitTimeoutMs,
      observeColdStart: (phase, ms) =>
        prometheus.observe("runfleet_cold_start_seconds", "Worker cold-start phases", { phase }, ms / 1000),
      requestLoad: (endpointId) => loadBalancer.load(endpointId),
      allocatePort: () => ports.allocate(),
    });
    workers.onReady((worker) => autoscaler.workerReady(worker.id));
    const orphansRemoved = (driver: string) =>
      prometheus.counter(
        "runfleet_orphan_workers_removed_total",
        "Driver workers (pods, containers, processes) no worker record claimed, removed by the orphan sweep",
        { driver },
      );
    const orphanSweeper = new OrphanSweeper({
      drivers: drivers.all,
      claimed: (workerId) => workers.find(workerId) !== undefined,
      starting: () => autoscaler.startsInProgress(),
      clock,
      logger: logger.child({ component: "orphan-sweep" }),
      intervalMs: config.orphanSweepIntervalMs,
      graceMs: config.orphanSweepGraceMs,
      stopGraceMs: config.workerStopGraceMs,
      removed: async ({ driver, worker, reason }) => {
        orphansRemoved(driver).inc();
        if (endpointCache.has(worker.endpointId)) {
          await store.insertScalingEvent({
            id: newId("evt"),
            endpointId: worker.endpointId,
            at: clock.now(),
            action: "stop_worker",
            workerId: worker.workerId,
            reason,
            inputs: { driver, orphan: true, state: worker.state, startedAt: worker.startedAt },
          });
        }
      },
    });
    const document = loadOpenApiDocument();
    let shuttingDown = false;
    let baseUrl = config.publicUrl ?? `http://${config.host}:${config.port}`;
    let sshGateway: Pick<SshGateway, "port" | "hostKeyFingerprint"> | undefined;
    const pingIntervalMs = Math.max(100, Math.floor(config.jobLeaseMs / 3));
    // The driver that runs a worker; none for external workers (their output is not captured here).
    const driverOf = (workerId: string): WorkerDriver | undefined => {
      const kind = workers.find(workerId)?.driver;
      return kind === undefined || kind === "external" ? undefined : drivers.byKind[kind];
    };
    const sshKeys = new SshKeyService(store, clock);
    const exec = new ExecService({
      store,
      clock,
      logger: logger.child({ component: "exec" }),
      workers,
      driverOf,
      maxDurationMs: config.execMaxDurationMs,
    });
    await exec.recover();
    const handlers = {
      ...execHandlers({ store, endpoints, exec, sshKeys, sshGateway: () => sshGateway }),
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
        registryAuths,
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
          const endpointId = workers.find(workerId)?.endpointId;
          workers
            .drain(workerId)
            // Stopped as soon as its last job is done, and replaced: no wait for the next tick.
            .then(() => endpointId !== undefined && autoscaler.notify(endpointId))
            .catch((error) => logger.error({ err: error, workerId }, "drain failed"));
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
        routedRequests: (workerId) => loadBalancer.inFlight(workerId),
        endpointReason: (endpointId) => autoscaler.endpointReason(endpointId),
      }),
      ...observabilityHandlers({ store, clock, endpoints, workers, recorder, gpus }),
      ...usageHandlers({ store, clock, endpoints, gpus }),
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
        "runfleet_lb_requests_in_flight",
        "runfleet_lb_requests_waiting",
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
        if (endpointCache.get(endpointId)?.type === "LOAD_BALANCER") {
          const load = loadBalancer.load(endpointId);
          prometheus.set("runfleet_lb_requests_in_flight", "Routed requests being served", labels, load.inFlight);
          prometheus.set("runfleet_lb_requests_waiting", "Routed requests waiting for a worker", labels, load.waiting);
        }
        for (const [status, count] of Object.entries(byStatus)) {
          prometheus.set("runfleet_workers", "Workers by status", { endpoint: endpointId, status }, count);
        }
      }
      const memory = process.memoryUsage();
      prometheus.set("runfleet_process_resident_memory_bytes", "Resident memory of the control plane", {}, memory.rss);
      // The heap figures tell live data and garbage not yet collected (V8 lets the heap grow under load and
      // gives it back lazily) from the rest of the resident memory (code, SQLite's cache, buffers).
      prometheus.set(
        "runfleet_process_heap_bytes",
        "The JavaScript heap of the control plane",
        { kind: "used" },
        memory.heapUsed,
      );
      prometheus.set(
        "runfleet_process_heap_bytes",
        "The JavaScript heap of the control plane",
        { kind: "total" },
        memory.heapTotal,
      );
      prometheus.set(
        "runfleet_process_heap_bytes",
        "The JavaScript heap of the control plane",
        { kind: "external" },
        memory.external,
      );
      prometheus.set("runfleet_gpus_total", "GPUs in the inventory", {}, gpus.devices.length);
    });
    const admission = new AdmissionControl(
      {
        submitRatePerKey: config.submitRatePerKey,
        submitBurstPerKey: config.submitBurstPerKey,
        maxQueuedJobsPerEndpoint: config.maxQueuedJobsPerEndpoint,
        maxInFlightSubmissions: config.maxInFlightSubmissions,
      },
      clock,
      (endpointId) => jobs.queueState(endpointId).queued,
    );
    const app = createApp({
      document,
      handlers,
      authenticator,
      logger,
      maxBodyBytes: config.maxBodyBytes,
      routeToWorkers: async (endpointId, request, target, client) =>
        loadBalancer.proxy(await endpoints.get(endpointId), request, target, client),
      lbDomain: config.lbDomain,
      maxJsonDepth: config.maxJsonDepth,
      admit: (operationId, principal, pathParams) =>
        (operationId === "runJob" || operationId === "runJobSync") &&
        principal?.kind === "apiKey" &&
        pathParams.endpointId !== undefined
          ? admission.admit(principal.key.id, pathParams.endpointId)
          : undefined,
      consoleDir: config.consoleDir ?? defaultConsoleDir(),
    });
    const routeToWorkers = nodeLoadBalancerRoute({
      authenticator,
      logger,
      lbDomain: config.lbDomain,
      cachedEndpoint: (endpointId) => endpointCache.get(endpointId),
      loadEndpoint: (endpointId) => endpoints.get(endpointId),
      proxy: (endpoint, incoming, outgoing, target, head) =>
        loadBalancer.proxyNode(endpoint, incoming, outgoing, target, head),
    });
    const routeUpgradeToWorkers = nodeLoadBalancerUpgrade({
      authenticator,
      logger,
      lbDomain: config.lbDomain,
      cachedEndpoint: (endpointId) => endpointCache.get(endpointId),
      loadEndpoint: (endpointId) => endpoints.get(endpointId),
      upgrade: (endpoint, incoming, socket, head, target, requestHead) =>
        loadBalancer.upgradeNode(endpoint, incoming, socket, head, target, requestHead),
    });
    const shellSocket = shellSocketHandler({
      document,
      authenticator,
      endpoints,
      exec,
      logger: logger.child({ component: "shell" }),
    });
    // Upgrades for load-balancing endpoints (WebSockets to workers) first, then the interactive shell.
    const handleUpgrade: UpgradeHandler = Object.assign(
      (request: IncomingMessage, socket: Duplex, head: Buffer) => {
        if (!routeUpgradeToWorkers(request, socket, head)) {
          shellSocket(request, socket, head);
        }
      },
      {
        close: () => {
          shellSocket.close();
          loadBalancer.closeTunnels();
        },
      },
    );
    await jobs.start([...endpointCache.keys()]);
    webhooks.start();
    await autoscaler.start();
    orphanSweeper.start();
    loadBalancer.start();
    recorder.start({
      gauges: endpointStates,
      coldStarts: (endpointId, from, to) =>
        workers
          .list(endpointId)
          .filter((worker) => worker.readyAt !== null && worker.readyAt >= from && worker.readyAt < to)
          .map((worker) => (worker.readyAt as number) - worker.createdAt),
      requests: (endpointId) =>
        endpointCache.get(endpointId)?.type === "LOAD_BALANCER" ? loadBalancer.takeTally(endpointId) : undefined,
    });
    const usageSamples = (): WorkerUsageSample[] =>
      [...endpointCache.keys()].flatMap((endpointId) =>
        statusesOf(endpointId).map(({ worker, status }) => ({
          endpointId,
          workerId: worker.id,
          state: usageStateOf(status),
          gpuCount: worker.gpuIds.length,
        })),
      );
    usage.start(usageSamples);
    const controlPlane: ControlPlane = {
      config,
      app,
      store,
      logger,
      adminKey,
      jobs,
      workers,
      exec,
      sshKeys,
      handleUpgrade,
      routeToWorkers,
      get baseUrl() {
        return baseUrl;
      },
      get sshGateway() {
        return sshGateway;
      },
      set sshGateway(gateway: Pick<SshGateway, "port" | "hostKeyFingerprint"> | undefined) {
        sshGateway = gateway;
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
      answerHeldRequests: () => {
        shuttingDown = true;
        jobs.stop();
      },
      close: async () => {
        shuttingDown = true;
        // Sessions end first: their commands are children of this process or attached to it.
        await exec.close();
        await loadBalancer.stop();
        await orphanSweeper.stop();
        await autoscaler.stop(config.stopWorkersOnShutdown);
        await usage.stop(usageSamples);
        await drivers.close();
        jobs.stop();
        webhooks.stop();
        await recorder.stop();
        await store.close();
        await activeLock?.release();
      },
    };
    return controlPlane;
  } catch (error) {
    await closeDrivers();
    await store.close();
    await activeLock?.release();
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
    const value = readFileSync(path, "utf8").trim();
    tightenPrivateFiles([path]);
    return value;
  } catch {
    ensurePrivateDir(dataDir);
    const value = create();
    writeFileSync(path, `${value}\n`, { mode: PRIVATE_FILE_MODE });
    return value;
  }
}

/** The log lines of a worker whose output is not captured: none. */
async function* noLines(): AsyncGenerator<never> {}
