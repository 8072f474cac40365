import type {
  ApiKeyRecord,
  EndpointRecord,
  EpochMs,
  JobRecord,
  JobStatusValue,
  ScalingEventRecord,
  StreamChunkRecord,
  TemplateRecord,
  WebhookDeliveryRecord,
  WebhookOutboxRecord,
  WorkerRecord,
} from "./records.js";

/** The fields of a job that change as it moves through its states. */
export type JobUpdate = Partial<
  Pick<
    JobRecord,
    "status" | "queueOrder" | "startedAt" | "completedAt" | "workerId" | "retries" | "output" | "error" | "retainUntil"
  >
>;

/** Counts of an endpoint's retained jobs by status, and how many were retried. */
export type JobCounts = Record<JobStatusValue, number> & { retried: number };

/**
 * Persistence of the control plane. One interface, several backends (embedded SQLite today, PostgreSQL
 * for cluster mode later), all held to one conformance suite (`test/conformance/store.suite.ts`).
 *
 * Methods are async so that a networked backend fits; writes are durable when their promise resolves.
 * Uniqueness violations are reported as {@link StoreConflictError}, so callers need not know the backend.
 */
export interface Store {
  /** Which backend this is. */
  readonly kind: "sqlite";

  /** Answers when the store can serve queries; rejects otherwise (readiness probe). */
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
  /** Marks queued jobs taken by a worker in one transaction; returns those that were still queued. */
  takeJobs(ids: readonly string[], workerId: string, at: EpochMs): Promise<JobRecord[]>;
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
  /** An endpoint's retained jobs, newest first. */
  listJobs(endpointId: string, options: { status?: JobStatusValue; limit: number }): Promise<JobRecord[]>;
  /** Counts of an endpoint's retained jobs. */
  countJobs(endpointId: string): Promise<JobCounts>;
  /** Ids of jobs whose TTL ran out or whose retention ended by `at`, at most `limit`. */
  listExpiredJobs(
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
