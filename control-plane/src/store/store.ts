import type {
  ApiKeyRecord,
  AuditEventRecord,
  EndpointRecord,
  EpochMs,
  FinishedJobRecord,
  JobHistoryRecord,
  JobRecord,
  JobStatusValue,
  MetricBucketRecord,
  RegistryAuthRecord,
  ScalingEventRecord,
  SshKeyRecord,
  StreamChunkRecord,
  TemplateRecord,
  WebhookDeliveryRecord,
  WebhookOutboxRecord,
  WorkerRecord,
  WorkerUsageRecord,
} from "./records.js";

/** The fields of a job that change as it moves through its states. */
export type JobUpdate = Partial<
  Pick<
    JobRecord,
    | "status"
    | "queueOrder"
    | "startedAt"
    | "completedAt"
    | "workerId"
    | "retries"
    | "output"
    | "error"
    | "retainUntil"
    | "expiresAt"
  >
>;

/** A change of status a store applies as a compare-and-set: from any of `from` to `to`. */
export interface StatusTransition {
  from: readonly JobStatusValue[];
  to: JobStatusValue;
}

/** A queued job's place in its endpoint's dispatch order: the normal lane first, then `queueOrder`. */
export type QueuedJobKey = Pick<JobRecord, "lowPriority" | "queueOrder">;

/** A queued job as the dispatcher sees it: enough to order it and to age it, never its input. */
export type QueuedJob = Pick<JobRecord, "id" | "queueOrder" | "createdAt" | "lowPriority">;

/** Counts of an endpoint's retained jobs by status, and how many were retried. */
export type JobCounts = Record<JobStatusValue, number> & { retried: number };

/**
 * Persistence of the control plane. One interface, several backends (embedded SQLite today, PostgreSQL
 * for a cluster of replicas), all held to one conformance suite (`test/conformance/store.suite.ts`).
 *
 * Methods are async so that a networked backend fits; writes are durable when their promise resolves.
 * Uniqueness violations are reported as {@link StoreConflictError}, a full disk as {@link StoreFullError},
 * so callers need not know the backend.
 */
export interface Store {
  /** Which backend this is. */
  readonly kind: "sqlite" | "postgres";

  /**
   * Answers when the store can serve queries and take writes; rejects otherwise (readiness probe). After
   * a write failed for lack of space it rejects with a {@link StoreFullError} until a write succeeds again
   * (it tries one itself, so that readiness comes back without traffic).
   */
  ping(): Promise<void>;
  /** Releases the backend. Further calls fail. */
  close(): Promise<void>;

  /** Inserts a template; a taken name is a {@link StoreConflictError}. */
  insertTemplate(template: TemplateRecord): Promise<void>;
  /** Replaces a template by id; a taken name is a {@link StoreConflictError}. Returns false if absent. */
  replaceTemplate(template: TemplateRecord): Promise<boolean>;
  /** A template by id. */
  getTemplate(id: string): Promise<TemplateRecord | undefined>;
  /** All templates, oldest first. */
  listTemplates(): Promise<TemplateRecord[]>;
  /** Deletes a template; false if it did not exist. */
  deleteTemplate(id: string): Promise<boolean>;

  /** Inserts registry credentials; a taken name is a {@link StoreConflictError}. */
  insertRegistryAuth(auth: RegistryAuthRecord): Promise<void>;
  /** Replaces registry credentials by id; a taken name is a {@link StoreConflictError}. False if absent. */
  replaceRegistryAuth(auth: RegistryAuthRecord): Promise<boolean>;
  /** Registry credentials by id, the password opened. */
  getRegistryAuth(id: string): Promise<RegistryAuthRecord | undefined>;
  /** All registry credentials, oldest first. */
  listRegistryAuths(): Promise<RegistryAuthRecord[]>;
  /** Deletes registry credentials; false if they did not exist. */
  deleteRegistryAuth(id: string): Promise<boolean>;

  /** Inserts an endpoint. */
  insertEndpoint(endpoint: EndpointRecord): Promise<void>;
  /** Replaces an endpoint by id; false if absent. */
  replaceEndpoint(endpoint: EndpointRecord): Promise<boolean>;
  /** An endpoint by id. */
  getEndpoint(id: string): Promise<EndpointRecord | undefined>;
  /** All endpoints, oldest first. */
  listEndpoints(): Promise<EndpointRecord[]>;
  /** Endpoints that use a template. */
  listEndpointsByTemplate(templateId: string): Promise<EndpointRecord[]>;
  /** Deletes an endpoint; false if it did not exist. */
  deleteEndpoint(id: string): Promise<boolean>;

  /** Inserts an API key. */
  insertApiKey(key: ApiKeyRecord): Promise<void>;
  /** A key by id. */
  getApiKey(id: string): Promise<ApiKeyRecord | undefined>;
  /** A key by the hash of its secret (revoked keys included). */
  findApiKeyByHash(hash: string): Promise<ApiKeyRecord | undefined>;
  /** All keys, oldest first. */
  listApiKeys(): Promise<ApiKeyRecord[]>;
  /** Marks a key revoked at `at`; false if absent. */
  revokeApiKey(id: string, at: EpochMs): Promise<boolean>;
  /** Records that a key was used at `at` (best effort, may be coalesced). */
  touchApiKey(id: string, at: EpochMs): Promise<void>;

  /**
   * Inserts a job durably; when `queueOrder` is 0 the store assigns the next one. Returns the stored job.
   * A duplicate idempotency key for the endpoint is a {@link StoreConflictError}.
   */
  insertJob(job: JobRecord): Promise<JobRecord>;
  /** A job by id. */
  getJob(id: string): Promise<JobRecord | undefined>;
  /** A job by its endpoint and idempotency key. */
  findJobByIdempotencyKey(endpointId: string, key: string): Promise<JobRecord | undefined>;
  /**
   * Applies `update` to the job only if its status is one of `from` (a compare-and-set that keeps
   * concurrent transitions honest). Returns false if the job is absent or in another status.
   */
  updateJob(id: string, from: readonly JobStatusValue[], update: JobUpdate): Promise<boolean>;
  /**
   * Hands jobs to a worker in one statement or transaction: each job in one of `take.from` moves to
   * `take.to` (the job state machine's `take`), with the worker and the time; returns those that moved,
   * in the order of `ids`, each once.
   */
  takeJobs(ids: readonly string[], workerId: string, at: EpochMs, take: StatusTransition): Promise<JobRecord[]>;
  /** Deletes jobs and everything attached to them. */
  deleteJobs(ids: readonly string[]): Promise<void>;
  /** Jobs in a status (all endpoints), in dispatch order; used to rebuild in-memory indexes at start-up. */
  listJobsByStatus(
    status: JobStatusValue,
  ): Promise<
    Pick<
      JobRecord,
      "id" | "endpointId" | "queueOrder" | "lowPriority" | "workerId" | "createdAt" | "startedAt" | "executionTimeoutMs"
    >[]
  >;
  /**
   * An endpoint's queued jobs in dispatch order (normal lane, then low priority; `queueOrder` within a
   * lane), only those after `after` when given, at most `limit`. Refills the dispatcher's in-memory
   * window, so it must be an index range scan however deep the backlog.
   */
  listQueuedJobs(endpointId: string, options: { after?: QueuedJobKey; limit: number }): Promise<QueuedJob[]>;
  /** How many of an endpoint's jobs are queued, per lane (seeds the queue counters at start-up). */
  countQueuedJobs(endpointId: string): Promise<{ normal: number; lowPriority: number }>;
  /** How many of an endpoint's queued jobs come before `key` in dispatch order (a job's queue position). */
  countQueuedJobsBefore(endpointId: string, key: QueuedJobKey): Promise<number>;
  /** An endpoint's retained jobs, newest first. */
  listJobs(endpointId: string, options: { status?: JobStatusValue; limit: number }): Promise<JobRecord[]>;
  /** Counts of an endpoint's retained jobs. */
  countJobs(endpointId: string): Promise<JobCounts>;
  /** Queued or running jobs whose TTL ran out by `at`, at most `limit` (they are to end TIMED_OUT). */
  listJobsPastTtl(at: EpochMs, limit: number): Promise<JobRecord[]>;
  /** Ended jobs whose retention ended by `at`, at most `limit` (they are to be deleted). */
  listJobsPastRetention(
    at: EpochMs,
    limit: number,
  ): Promise<{ id: string; endpointId: string; status: JobStatusValue; retries: number }[]>;
  /** Queue delay and execution time (ms) of the endpoint's jobs that ended since `since`. */
  listJobTimings(endpointId: string, since: EpochMs): Promise<{ delayMs: number; executionMs: number }[]>;
  /** The largest queue order handed out so far (0 when none). */
  maxQueueOrder(): Promise<number>;

  /** Appends a streamed chunk; `seq` is assigned by the store. */
  appendStreamChunk(jobId: string, output: unknown): Promise<void>;
  /** Returns the chunks not yet delivered and marks them delivered, in order. */
  takeStreamChunks(jobId: string): Promise<StreamChunkRecord[]>;

  /** Inserts or replaces a worker. */
  saveWorker(worker: WorkerRecord): Promise<void>;
  /** Every registered worker. */
  listWorkers(): Promise<WorkerRecord[]>;
  /** Forgets a worker. */
  deleteWorker(id: string): Promise<void>;

  /** Queues a webhook for delivery (replacing an earlier one for the same job). */
  putWebhookOutbox(entry: WebhookOutboxRecord): Promise<void>;
  /** Webhooks due by `at`, oldest first. */
  listDueWebhooks(at: EpochMs, limit: number): Promise<WebhookOutboxRecord[]>;
  /** Removes a webhook from the outbox (delivered or given up). */
  deleteWebhookOutbox(jobId: string): Promise<void>;
  /** Records a delivery attempt. */
  insertWebhookDelivery(delivery: WebhookDeliveryRecord): Promise<void>;
  /** A job's delivery attempts, oldest first. */
  listWebhookDeliveries(jobId: string): Promise<WebhookDeliveryRecord[]>;

  /** Records an autoscaler decision. */
  insertScalingEvent(event: ScalingEventRecord): Promise<void>;
  /** An endpoint's scaling events, newest first. */
  listScalingEvents(endpointId: string, limit: number): Promise<ScalingEventRecord[]>;

  /** Adds worker time to the usage buckets (summing with what a bucket already holds). */
  addWorkerUsage(records: readonly WorkerUsageRecord[]): Promise<void>;
  /** An endpoint's usage in buckets starting within `[from, to)`, oldest first. */
  listWorkerUsage(endpointId: string, from: EpochMs, to: EpochMs): Promise<WorkerUsageRecord[]>;
  /** Drops the usage buckets (of every endpoint) that start before `before`; returns how many went. */
  deleteWorkerUsageBefore(before: EpochMs): Promise<number>;
  /** The endpoint's retained jobs submitted within `[from, to)`, oldest first. */
  listJobHistory(endpointId: string, from: EpochMs, to: EpochMs): Promise<JobHistoryRecord[]>;
  /** An endpoint's jobs that finished (completed, failed or timed out) in `[from, to)`. */
  listFinishedJobs(endpointId: string, from: EpochMs, to: EpochMs): Promise<FinishedJobRecord[]>;
  /** Writes metric buckets in one transaction, replacing those with the same endpoint, step and start. */
  putMetricBuckets(buckets: readonly MetricBucketRecord[]): Promise<void>;
  /** An endpoint's metric buckets of one step that start in `[from, to)`, oldest first. */
  listMetricBuckets(endpointId: string, stepMs: number, from: EpochMs, to: EpochMs): Promise<MetricBucketRecord[]>;
  /** Drops the metric buckets of one step that start before `before`; returns how many went. */
  deleteMetricBucketsBefore(stepMs: number, before: EpochMs): Promise<number>;

  /** Records the start of a session inside a worker. Written at once, so that it survives a crash. */
  insertAuditEvent(event: AuditEventRecord): Promise<void>;
  /** Replaces an audit event (its end). Returns false when there is none. */
  updateAuditEvent(event: AuditEventRecord): Promise<boolean>;
  /** Audit events, newest first, optionally of one endpoint or one worker. */
  listAuditEvents(filter: { endpointId?: string; workerId?: string; limit: number }): Promise<AuditEventRecord[]>;
  /**
   * Marks the events still `running` as `interrupted` at `at` (on start-up: their sessions died with the
   * previous process). Returns how many.
   */
  interruptRunningAuditEvents(at: EpochMs): Promise<number>;

  /** Registers an SSH key; a fingerprint already registered is a {@link StoreConflictError}. */
  insertSshKey(key: SshKeyRecord): Promise<void>;
  /** An SSH key by id. */
  getSshKey(id: string): Promise<SshKeyRecord | undefined>;
  /** An SSH key by its fingerprint (what the gateway looks up). */
  findSshKeyByFingerprint(fingerprint: string): Promise<SshKeyRecord | undefined>;
  /** Every SSH key, oldest first. */
  listSshKeys(): Promise<SshKeyRecord[]>;
  /** Removes an SSH key. Returns false when there is none. */
  deleteSshKey(id: string): Promise<boolean>;
  /** Records when the gateway last accepted a key. */
  touchSshKey(id: string, at: EpochMs): Promise<void>;
}

/** A write broke a uniqueness rule (e.g. a template name already taken). */
export class StoreConflictError extends Error {
  override readonly name = "StoreConflictError";
  constructor(
    readonly constraint: string,
    options?: { cause?: unknown },
  ) {
    super(`unique constraint violated: ${constraint}`, options);
  }
}

/**
 * A write failed because the store's disk (or database) is full. Nothing of the failed write was kept.
 * The store stays usable for reads; writes succeed again once space returns, and until then the
 * readiness probe ({@link Store.ping}) fails, so that a load balancer sends traffic elsewhere.
 */
export class StoreFullError extends Error {
  override readonly name = "StoreFullError";
  constructor(options?: { cause?: unknown }) {
    super("the store's disk is full: database or disk is full", options);
  }
}
