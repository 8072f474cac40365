import { closeSync } from "node:fs";
import { dirname } from "node:path";
import { DatabaseSync, type StatementSync } from "node:sqlite";
import { SecretBox } from "../../secrets/secret-box.js";
import { createPrivateDirIfMissing, openPrivateFile, tightenPrivateFiles } from "../../util/private-files.js";
import {
  JOB_INSERT_COLUMNS,
  jobInsertValues,
  jobUpdateValues,
  parseBody,
  queuedJobsBeforeQuery,
  queuedJobsByLaneQuery,
  queuedJobsParams,
  queuedJobsQuery,
  toJob,
  toQueuedJob,
} from "../job-rows.js";
import { RecordSealing } from "../record-sealing.js";
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
} from "../records.js";
import {
  type JobCounts,
  type JobUpdate,
  type QueuedJob,
  type QueuedJobKey,
  type StatusTransition,
  type Store,
  StoreConflictError,
  StoreFullError,
} from "../store.js";
import { migrate } from "./migrations.js";

/** Options of the embedded store. */
export interface SqliteStoreOptions {
  /** Database file, or ":memory:" for a throw-away store. */
  path: string;
  /**
   * When a commit reaches the disk: `normal` keeps every committed write across a crash of the process;
   * `full` also across a power loss or an OS crash, at the price of an fsync per group commit.
   * @defaultValue "normal"
   */
  synchronous?: "normal" | "full";
  /**
   * Encrypts the secrets kept at rest: secret env values of templates and endpoints, and jobs'
   * `s3Config.accessSecret`. A store without one uses a random key, good only for a throw-away store.
   */
  secrets?: SecretBox;
}

/**
 * The embedded store: one SQLite file in WAL mode through `node:sqlite` (no native addon).
 *
 * Records are kept as JSON bodies beside the columns that are queried or constrained, so adding a field
 * needs no migration while lookups stay indexed. `synchronous=NORMAL` in WAL mode keeps every committed
 * write across a crash of the process (only a power loss may drop the last transactions).
 */
/** SQLite's positional placeholder. */
const SQLITE_PARAM = (): string => "?";

export class SqliteStore implements Store {
  readonly kind = "sqlite" as const;
  private readonly db: DatabaseSync;
  private readonly statements = new Map<string, StatementSync>();
  private inTransaction = false;
  /** Writes waiting for the next group commit. */
  private pending: { run: () => unknown; resolve: (value: never) => void; reject: (error: unknown) => void }[] = [];
  private flushing = false;
  private flushScheduled = false;
  private lastQueueOrder: number;
  /** The error of the last write that failed for lack of space, until a commit succeeds again. */
  private fullError: StoreFullError | undefined;
  private readonly sealing: RecordSealing;

  constructor(options: SqliteStoreOptions) {
    this.sealing = new RecordSealing(options.secrets ?? SecretBox.ephemeral());
    if (options.path !== ":memory:") {
      // Jobs, env values and key hashes: readable by this user only. SQLite gives the -wal and -shm
      // files the database file's mode, so creating it 0600 covers them; older ones are tightened.
      // Its folder is created private when missing; an existing one may be shared and is left alone.
      createPrivateDirIfMissing(dirname(options.path));
      closeSync(openPrivateFile(options.path, "a"));
      tightenPrivateFiles([`${options.path}-wal`, `${options.path}-shm`]);
    }
    this.db = new DatabaseSync(options.path);
    this.db.exec("PRAGMA journal_mode = WAL");
    this.db.exec(options.synchronous === "full" ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
    this.db.exec("PRAGMA foreign_keys = ON");
    this.db.exec("PRAGMA busy_timeout = 5000");
    // 16 MB of page cache: job ids are random, so index inserts touch pages all over a large table, and
    // the default 2 MB cache makes a deep backlog slow to fill (the OS cache serves the rest).
    this.db.exec("PRAGMA cache_size = -16384");
    migrate(this.db);
    const row = this.db.prepare("SELECT coalesce(max(queue_order), 0) AS n FROM jobs").get() as { n: number };
    this.lastQueueOrder = row.n;
  }

  async ping(): Promise<void> {
    this.statement("SELECT 1").get();
    if (this.fullError) {
      // Readiness must come back when space does, even with no traffic to retry a write: try one. It
      // needs real room (64 KB of pages, allocated then freed), and no reader can ever see its row.
      this.transaction(() => {
        this.statement(
          "INSERT INTO stream_chunks (job_id, seq, output, delivered) VALUES ('', 0, zeroblob(65536), 1)",
        ).run();
        this.statement("DELETE FROM stream_chunks WHERE job_id = ''").run();
      });
    }
  }

  async close(): Promise<void> {
    if (this.pending.length > 0) {
      this.flush();
    }
    if (this.db.isOpen) {
      this.db.close();
    }
  }

  async insertTemplate(template: TemplateRecord): Promise<void> {
    this.write("templates.name", () =>
      this.statement("INSERT INTO templates (id, name, body, created_at) VALUES (?, ?, ?, ?)").run(
        template.id,
        template.name,
        this.sealedBody(template),
        template.createdAt,
      ),
    );
  }

  async replaceTemplate(template: TemplateRecord): Promise<boolean> {
    const result = this.write("templates.name", () =>
      this.statement("UPDATE templates SET name = ?, body = ? WHERE id = ?").run(
        template.name,
        this.sealedBody(template),
        template.id,
      ),
    );
    return Number(result.changes) > 0;
  }

  async getTemplate(id: string): Promise<TemplateRecord | undefined> {
    return this.openedBody<TemplateRecord>(this.statement("SELECT body FROM templates WHERE id = ?").get(id));
  }

  async listTemplates(): Promise<TemplateRecord[]> {
    return this.statement("SELECT body FROM templates ORDER BY created_at, id")
      .all()
      .map((row) => this.openedBody<TemplateRecord>(row) as TemplateRecord);
  }

  async deleteTemplate(id: string): Promise<boolean> {
    return (
      Number(this.write("templates.id", () => this.statement("DELETE FROM templates WHERE id = ?").run(id)).changes) > 0
    );
  }

  async insertRegistryAuth(auth: RegistryAuthRecord): Promise<void> {
    this.write("registry_auths.name", () =>
      this.statement("INSERT INTO registry_auths (id, name, body, created_at) VALUES (?, ?, ?, ?)").run(
        auth.id,
        auth.name,
        this.sealing.sealedRegistryAuth(auth),
        auth.createdAt,
      ),
    );
  }

  async replaceRegistryAuth(auth: RegistryAuthRecord): Promise<boolean> {
    const result = this.write("registry_auths.name", () =>
      this.statement("UPDATE registry_auths SET name = ?, body = ? WHERE id = ?").run(
        auth.name,
        this.sealing.sealedRegistryAuth(auth),
        auth.id,
      ),
    );
    return Number(result.changes) > 0;
  }

  async getRegistryAuth(id: string): Promise<RegistryAuthRecord | undefined> {
    return this.sealing.openedRegistryAuth(this.statement("SELECT body FROM registry_auths WHERE id = ?").get(id));
  }

  async listRegistryAuths(): Promise<RegistryAuthRecord[]> {
    return this.statement("SELECT body FROM registry_auths ORDER BY created_at, id")
      .all()
      .map((row) => this.sealing.openedRegistryAuth(row) as RegistryAuthRecord);
  }

  async deleteRegistryAuth(id: string): Promise<boolean> {
    return (
      Number(
        this.write("registry_auths.id", () => this.statement("DELETE FROM registry_auths WHERE id = ?").run(id))
          .changes,
      ) > 0
    );
  }

  async insertEndpoint(endpoint: EndpointRecord): Promise<void> {
    this.write("endpoints.id", () =>
      this.statement("INSERT INTO endpoints (id, template_id, body, created_at) VALUES (?, ?, ?, ?)").run(
        endpoint.id,
        endpoint.templateId,
        this.sealedBody(endpoint),
        endpoint.createdAt,
      ),
    );
  }

  async replaceEndpoint(endpoint: EndpointRecord): Promise<boolean> {
    const result = this.write("endpoints.id", () =>
      this.statement("UPDATE endpoints SET template_id = ?, body = ? WHERE id = ?").run(
        endpoint.templateId,
        this.sealedBody(endpoint),
        endpoint.id,
      ),
    );
    return Number(result.changes) > 0;
  }

  async getEndpoint(id: string): Promise<EndpointRecord | undefined> {
    return this.openedBody<EndpointRecord>(this.statement("SELECT body FROM endpoints WHERE id = ?").get(id));
  }

  async listEndpoints(): Promise<EndpointRecord[]> {
    return this.statement("SELECT body FROM endpoints ORDER BY created_at, id")
      .all()
      .map((row) => this.openedBody<EndpointRecord>(row) as EndpointRecord);
  }

  async listEndpointsByTemplate(templateId: string): Promise<EndpointRecord[]> {
    return this.statement("SELECT body FROM endpoints WHERE template_id = ? ORDER BY created_at, id")
      .all(templateId)
      .map((row) => this.openedBody<EndpointRecord>(row) as EndpointRecord);
  }

  async deleteEndpoint(id: string): Promise<boolean> {
    return this.transaction(() => {
      const jobIds = this.statement("SELECT id FROM jobs WHERE endpoint_id = ?")
        .all(id)
        .map((row) => (row as { id: string }).id);
      this.deleteJobsNow(jobIds);
      this.statement("DELETE FROM workers WHERE endpoint_id = ?").run(id);
      this.statement("DELETE FROM webhook_outbox WHERE endpoint_id = ?").run(id);
      this.statement("DELETE FROM scaling_events WHERE endpoint_id = ?").run(id);
      this.statement("DELETE FROM worker_usage WHERE endpoint_id = ?").run(id);
      this.statement("DELETE FROM metric_buckets WHERE endpoint_id = ?").run(id);
      return Number(this.statement("DELETE FROM endpoints WHERE id = ?").run(id).changes) > 0;
    });
  }

  async insertApiKey(key: ApiKeyRecord): Promise<void> {
    this.write("api_keys.hash", () =>
      this.statement("INSERT INTO api_keys (id, hash, body, created_at) VALUES (?, ?, ?, ?)").run(
        key.id,
        key.hash,
        JSON.stringify(key),
        key.createdAt,
      ),
    );
  }

  async getApiKey(id: string): Promise<ApiKeyRecord | undefined> {
    return parseBody<ApiKeyRecord>(this.statement("SELECT body FROM api_keys WHERE id = ?").get(id));
  }

  async findApiKeyByHash(hash: string): Promise<ApiKeyRecord | undefined> {
    return parseBody<ApiKeyRecord>(this.statement("SELECT body FROM api_keys WHERE hash = ?").get(hash));
  }

  async listApiKeys(): Promise<ApiKeyRecord[]> {
    return this.statement("SELECT body FROM api_keys ORDER BY created_at, id")
      .all()
      .map((row) => parseBody<ApiKeyRecord>(row) as ApiKeyRecord);
  }

  async revokeApiKey(id: string, at: EpochMs): Promise<boolean> {
    const key = await this.getApiKey(id);
    if (!key) {
      return false;
    }
    this.write("api_keys.id", () =>
      this.statement("UPDATE api_keys SET body = ? WHERE id = ?").run(JSON.stringify({ ...key, revokedAt: at }), id),
    );
    return true;
  }

  async touchApiKey(id: string, at: EpochMs): Promise<void> {
    this.write("api_keys.id", () =>
      this.statement("UPDATE api_keys SET body = json_set(body, '$.lastUsedAt', ?) WHERE id = ?").run(at, id),
    );
  }

  private insertJobNow(job: JobRecord): JobRecord {
    return this.write("jobs.idempotency_key", () => {
      const queueOrder = job.queueOrder > 0 ? job.queueOrder : ++this.lastQueueOrder;
      if (queueOrder > this.lastQueueOrder) {
        this.lastQueueOrder = queueOrder;
      }
      this.statement(`INSERT INTO jobs (${JOB_INSERT_COLUMNS}) VALUES (${Array(21).fill("?").join(", ")})`).run(
        ...jobInsertValues(this.sealing.sealJob(job), queueOrder),
      );
      return { ...job, queueOrder };
    });
  }

  async getJob(id: string): Promise<JobRecord | undefined> {
    return this.toJob(this.statement("SELECT * FROM jobs WHERE id = ?").get(id));
  }

  async findJobByIdempotencyKey(endpointId: string, key: string): Promise<JobRecord | undefined> {
    return this.toJob(
      this.statement("SELECT * FROM jobs WHERE endpoint_id = ? AND idempotency_key = ?").get(endpointId, key),
    );
  }

  private updateJobNow(id: string, from: readonly JobStatusValue[], update: JobUpdate): boolean {
    const { columns, values } = jobUpdateValues(update);
    const sets = columns.map((column) => `${column} = ?`).join(", ");
    const statuses = from.map(() => "?").join(", ");
    const result = this.statement(`UPDATE jobs SET ${sets} WHERE id = ? AND status IN (${statuses})`).run(
      ...values,
      id,
      ...from,
    );
    return Number(result.changes) > 0;
  }

  private takeJobsNow(ids: readonly string[], workerId: string, at: EpochMs, take: StatusTransition): JobRecord[] {
    return this.transaction(() => {
      const taken: JobRecord[] = [];
      const update = this.statement(
        `UPDATE jobs SET status = ?, worker_id = ?, started_at = ? WHERE id = ? AND status IN (${take.from.map(() => "?").join(", ")}) RETURNING *`,
      );
      for (const id of ids) {
        const job = this.toJob(update.get(take.to, workerId, at, id, ...take.from));
        if (job) {
          taken.push(job);
        }
      }
      return taken;
    });
  }

  async deleteJobs(ids: readonly string[]): Promise<void> {
    this.transaction(() => this.deleteJobsNow(ids));
  }

  async listJobsByStatus(
    status: JobStatusValue,
  ): Promise<
    Pick<
      JobRecord,
      "id" | "endpointId" | "queueOrder" | "lowPriority" | "workerId" | "createdAt" | "startedAt" | "executionTimeoutMs"
    >[]
  > {
    return this.statement(
      `SELECT id, endpoint_id, queue_order, low_priority, worker_id, created_at, started_at, execution_timeout_ms
       FROM jobs WHERE status = ? ORDER BY queue_order`,
    )
      .all(status)
      .map((row) => {
        const r = row as Record<string, string | number | null>;
        return {
          id: r.id as string,
          endpointId: r.endpoint_id as string,
          queueOrder: r.queue_order as number,
          lowPriority: r.low_priority === 1,
          workerId: (r.worker_id as string | null) ?? null,
          createdAt: r.created_at as number,
          startedAt: (r.started_at as number | null) ?? null,
          executionTimeoutMs: r.execution_timeout_ms as number,
        };
      });
  }

  async listJobs(endpointId: string, options: { status?: JobStatusValue; limit: number }): Promise<JobRecord[]> {
    const rows = options.status
      ? this.statement("SELECT * FROM jobs WHERE endpoint_id = ? AND status = ? ORDER BY seq DESC LIMIT ?").all(
          endpointId,
          options.status,
          options.limit,
        )
      : this.statement("SELECT * FROM jobs WHERE endpoint_id = ? ORDER BY seq DESC LIMIT ?").all(
          endpointId,
          options.limit,
        );
    return rows.map((row) => this.toJob(row) as JobRecord);
  }

  async listQueuedJobs(endpointId: string, options: { after?: QueuedJobKey; limit: number }): Promise<QueuedJob[]> {
    return this.statement(queuedJobsQuery(SQLITE_PARAM))
      .all(...(queuedJobsParams(endpointId, options.after, options.limit) as (string | number)[]))
      .map(toQueuedJob);
  }

  async countQueuedJobs(endpointId: string): Promise<{ normal: number; lowPriority: number }> {
    const counts = { normal: 0, lowPriority: 0 };
    for (const row of this.statement(queuedJobsByLaneQuery(SQLITE_PARAM)).all(endpointId)) {
      const r = row as { low_priority: number; n: number };
      counts[r.low_priority === 1 ? "lowPriority" : "normal"] = r.n;
    }
    return counts;
  }

  async countQueuedJobsBefore(endpointId: string, key: QueuedJobKey): Promise<number> {
    const row = this.statement(queuedJobsBeforeQuery(SQLITE_PARAM)).get(
      endpointId,
      key.lowPriority ? 1 : 0,
      key.queueOrder,
    ) as { n: number };
    return row.n;
  }

  async countJobs(endpointId: string): Promise<JobCounts> {
    const counts: JobCounts = {
      IN_QUEUE: 0,
      IN_PROGRESS: 0,
      COMPLETED: 0,
      FAILED: 0,
      CANCELLED: 0,
      TIMED_OUT: 0,
      retried: 0,
    };
    for (const row of this.statement(
      "SELECT status, count(*) AS n, sum(retries > 0) AS retried FROM jobs WHERE endpoint_id = ? GROUP BY status",
    ).all(endpointId)) {
      const r = row as { status: JobStatusValue; n: number; retried: number | null };
      counts[r.status] = r.n;
      counts.retried += r.retried ?? 0;
    }
    return counts;
  }

  async listJobsPastTtl(at: EpochMs, limit: number): Promise<JobRecord[]> {
    // Named: left to itself the planner takes the status index, and this sweep (every second) then reads every
    // queued and running job (a deep backlog: all of it) instead of the few past their ttl.
    return this.statement(
      `SELECT * FROM jobs INDEXED BY jobs_active_by_expiry
       WHERE expires_at <= ? AND status IN ('IN_QUEUE', 'IN_PROGRESS') ORDER BY expires_at LIMIT ?`,
    )
      .all(at, limit)
      .map((row) => toJob(row) as JobRecord);
  }

  async listJobsPastRetention(
    at: EpochMs,
    limit: number,
  ): Promise<{ id: string; endpointId: string; status: JobStatusValue; retries: number }[]> {
    return this.statement("SELECT id, endpoint_id, status, retries FROM jobs WHERE retain_until <= ? LIMIT ?")
      .all(at, limit)
      .map((row) => {
        const r = row as { id: string; endpoint_id: string; status: JobStatusValue; retries: number };
        return { id: r.id, endpointId: r.endpoint_id, status: r.status, retries: r.retries };
      });
  }

  async listJobTimings(endpointId: string, since: EpochMs): Promise<{ delayMs: number; executionMs: number }[]> {
    return this.statement(
      `SELECT started_at - created_at AS delay_ms, completed_at - started_at AS execution_ms FROM jobs
       WHERE endpoint_id = ? AND completed_at >= ? AND started_at IS NOT NULL`,
    )
      .all(endpointId, since)
      .map((row) => {
        const r = row as { delay_ms: number; execution_ms: number };
        return { delayMs: r.delay_ms, executionMs: r.execution_ms };
      });
  }

  async maxQueueOrder(): Promise<number> {
    return this.lastQueueOrder;
  }

  private appendStreamChunkNow(jobId: string, output: unknown): void {
    this.statement(
      "INSERT INTO stream_chunks (job_id, seq, output) VALUES (?1, (SELECT coalesce(max(seq), 0) + 1 FROM stream_chunks WHERE job_id = ?1), ?2)",
    ).run(jobId, JSON.stringify(output ?? null));
  }

  async takeStreamChunks(jobId: string): Promise<StreamChunkRecord[]> {
    return this.transaction(() => {
      const rows = this.statement(
        "UPDATE stream_chunks SET delivered = 1 WHERE job_id = ? AND delivered = 0 RETURNING seq, output",
      ).all(jobId) as { seq: number; output: string }[];
      return rows
        .map((row) => ({ jobId, seq: row.seq, output: JSON.parse(row.output) as unknown }))
        .sort((a, b) => a.seq - b.seq);
    });
  }

  private saveWorkerNow(worker: WorkerRecord): void {
    this.statement("INSERT OR REPLACE INTO workers (id, endpoint_id, body) VALUES (?, ?, ?)").run(
      worker.id,
      worker.endpointId,
      JSON.stringify(worker),
    );
  }

  async listWorkers(): Promise<WorkerRecord[]> {
    return this.statement("SELECT body FROM workers ORDER BY rowid")
      .all()
      .map((row) => parseBody<WorkerRecord>(row) as WorkerRecord);
  }

  async deleteWorker(id: string): Promise<void> {
    this.write("workers.id", () => this.statement("DELETE FROM workers WHERE id = ?").run(id));
  }

  private putWebhookOutboxNow(entry: WebhookOutboxRecord): void {
    this.statement(
      "INSERT OR REPLACE INTO webhook_outbox (job_id, endpoint_id, url, payload, attempts, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?)",
    ).run(entry.jobId, entry.endpointId, entry.url, entry.payload, entry.attempts, entry.nextAttemptAt);
  }

  async listDueWebhooks(at: EpochMs, limit: number): Promise<WebhookOutboxRecord[]> {
    return this.statement("SELECT * FROM webhook_outbox WHERE next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?")
      .all(at, limit)
      .map((row) => {
        const r = row as Record<string, string | number>;
        return {
          jobId: r.job_id as string,
          endpointId: r.endpoint_id as string,
          url: r.url as string,
          payload: r.payload as string,
          attempts: r.attempts as number,
          nextAttemptAt: r.next_attempt_at as number,
        };
      });
  }

  private deleteWebhookOutboxNow(jobId: string): void {
    this.statement("DELETE FROM webhook_outbox WHERE job_id = ?").run(jobId);
  }

  private insertWebhookDeliveryNow(delivery: WebhookDeliveryRecord): void {
    this.statement("INSERT INTO webhook_deliveries (id, job_id, body) VALUES (?, ?, ?)").run(
      delivery.id,
      delivery.jobId,
      JSON.stringify(delivery),
    );
  }

  async listWebhookDeliveries(jobId: string): Promise<WebhookDeliveryRecord[]> {
    return this.statement("SELECT body FROM webhook_deliveries WHERE job_id = ? ORDER BY seq")
      .all(jobId)
      .map((row) => parseBody<WebhookDeliveryRecord>(row) as WebhookDeliveryRecord);
  }

  private insertScalingEventNow(event: ScalingEventRecord): void {
    this.statement("INSERT INTO scaling_events (endpoint_id, body) VALUES (?, ?)").run(
      event.endpointId,
      JSON.stringify(event),
    );
  }

  async listScalingEvents(endpointId: string, limit: number): Promise<ScalingEventRecord[]> {
    return this.statement("SELECT body FROM scaling_events WHERE endpoint_id = ? ORDER BY seq DESC LIMIT ?")
      .all(endpointId, limit)
      .map((row) => parseBody<ScalingEventRecord>(row) as ScalingEventRecord);
  }
  async insertAuditEvent(event: AuditEventRecord): Promise<void> {
    this.statement("INSERT INTO audit_events (id, endpoint_id, worker_id, running, body) VALUES (?, ?, ?, ?, ?)").run(
      event.id,
      event.endpointId,
      event.workerId,
      event.outcome === "running" ? 1 : 0,
      JSON.stringify(event),
    );
  }

  async updateAuditEvent(event: AuditEventRecord): Promise<boolean> {
    const result = this.statement("UPDATE audit_events SET running = ?, body = ? WHERE id = ?").run(
      event.outcome === "running" ? 1 : 0,
      JSON.stringify(event),
      event.id,
    );
    return Number(result.changes) > 0;
  }

  async listAuditEvents(filter: {
    endpointId?: string;
    workerId?: string;
    limit: number;
  }): Promise<AuditEventRecord[]> {
    const where: string[] = [];
    const params: string[] = [];
    if (filter.endpointId !== undefined) {
      where.push("endpoint_id = ?");
      params.push(filter.endpointId);
    }
    if (filter.workerId !== undefined) {
      where.push("worker_id = ?");
      params.push(filter.workerId);
    }
    const clause = where.length > 0 ? `WHERE ${where.join(" AND ")}` : "";
    return this.statement(`SELECT body FROM audit_events ${clause} ORDER BY seq DESC LIMIT ?`)
      .all(...params, filter.limit)
      .map((row) => parseBody<AuditEventRecord>(row) as AuditEventRecord);
  }

  async interruptRunningAuditEvents(at: EpochMs): Promise<number> {
    return this.transaction(() => {
      const rows = this.statement("SELECT body FROM audit_events WHERE running = 1").all();
      for (const row of rows) {
        const event = parseBody<AuditEventRecord>(row) as AuditEventRecord;
        this.statement("UPDATE audit_events SET running = 0, body = ? WHERE id = ?").run(
          JSON.stringify({ ...event, outcome: "interrupted", endedAt: at }),
          event.id,
        );
      }
      return rows.length;
    });
  }

  async insertSshKey(key: SshKeyRecord): Promise<void> {
    this.write("ssh_keys.fingerprint", () =>
      this.statement("INSERT INTO ssh_keys (id, fingerprint, body, created_at) VALUES (?, ?, ?, ?)").run(
        key.id,
        key.fingerprint,
        JSON.stringify(key),
        key.createdAt,
      ),
    );
  }

  async getSshKey(id: string): Promise<SshKeyRecord | undefined> {
    return parseBody<SshKeyRecord>(this.statement("SELECT body FROM ssh_keys WHERE id = ?").get(id));
  }

  async findSshKeyByFingerprint(fingerprint: string): Promise<SshKeyRecord | undefined> {
    return parseBody<SshKeyRecord>(this.statement("SELECT body FROM ssh_keys WHERE fingerprint = ?").get(fingerprint));
  }

  async listSshKeys(): Promise<SshKeyRecord[]> {
    return this.statement("SELECT body FROM ssh_keys ORDER BY created_at, id")
      .all()
      .map((row) => parseBody<SshKeyRecord>(row) as SshKeyRecord);
  }

  async deleteSshKey(id: string): Promise<boolean> {
    return Number(this.statement("DELETE FROM ssh_keys WHERE id = ?").run(id).changes) > 0;
  }

  async touchSshKey(id: string, at: EpochMs): Promise<void> {
    this.statement("UPDATE ssh_keys SET body = json_set(body, '$.lastUsedAt', ?) WHERE id = ?").run(at, id);
  }

  addWorkerUsage(records: readonly WorkerUsageRecord[]): Promise<void> {
    return this.batched(() => {
      const add = this.statement(
        `INSERT INTO worker_usage (endpoint_id, worker_id, bucket_start, state, seconds, gpu_seconds)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (endpoint_id, bucket_start, worker_id, state)
         DO UPDATE SET seconds = seconds + excluded.seconds, gpu_seconds = gpu_seconds + excluded.gpu_seconds`,
      );
      for (const r of records) {
        add.run(r.endpointId, r.workerId, r.bucketStart, r.state, r.seconds, r.gpuSeconds);
      }
    });
  }

  async listWorkerUsage(endpointId: string, from: EpochMs, to: EpochMs): Promise<WorkerUsageRecord[]> {
    return this.statement(
      `SELECT worker_id, bucket_start, state, seconds, gpu_seconds FROM worker_usage
       WHERE endpoint_id = ? AND bucket_start >= ? AND bucket_start < ? ORDER BY bucket_start`,
    )
      .all(endpointId, from, to)
      .map((row) => {
        const r = row as {
          worker_id: string;
          bucket_start: number;
          state: string;
          seconds: number;
          gpu_seconds: number;
        };
        return {
          endpointId,
          workerId: r.worker_id,
          bucketStart: r.bucket_start,
          state: r.state as WorkerUsageRecord["state"],
          seconds: r.seconds,
          gpuSeconds: r.gpu_seconds,
        };
      });
  }

  async listJobHistory(endpointId: string, from: EpochMs, to: EpochMs): Promise<JobHistoryRecord[]> {
    return this.statement(
      `SELECT created_at, started_at, completed_at, low_priority FROM jobs
       WHERE endpoint_id = ? AND created_at >= ? AND created_at < ? ORDER BY created_at`,
    )
      .all(endpointId, from, to)
      .map((row) => {
        const r = row as {
          created_at: number;
          started_at: number | null;
          completed_at: number | null;
          low_priority: number;
        };
        return {
          createdAt: r.created_at,
          startedAt: r.started_at,
          completedAt: r.completed_at,
          lowPriority: r.low_priority === 1,
        };
      });
  }

  async listFinishedJobs(endpointId: string, from: EpochMs, to: EpochMs): Promise<FinishedJobRecord[]> {
    return this.statement(
      `SELECT status, created_at, started_at, completed_at FROM jobs
       WHERE endpoint_id = ? AND completed_at >= ? AND completed_at < ?
         AND status IN ('COMPLETED', 'FAILED', 'TIMED_OUT')`,
    )
      .all(endpointId, from, to)
      .map((row) => {
        const r = row as {
          status: FinishedJobRecord["status"];
          created_at: number;
          started_at: number | null;
          completed_at: number;
        };
        return {
          endpointId,
          status: r.status,
          delayMs: (r.started_at ?? r.completed_at) - r.created_at,
          executionMs: r.started_at === null ? null : r.completed_at - r.started_at,
        };
      });
  }

  async putMetricBuckets(buckets: readonly MetricBucketRecord[]): Promise<void> {
    if (buckets.length === 0) {
      return;
    }
    this.transaction(() => {
      const put = this.statement(
        "INSERT OR REPLACE INTO metric_buckets (endpoint_id, step_ms, start, body) VALUES (?, ?, ?, ?)",
      );
      for (const bucket of buckets) {
        const { endpointId, stepMs, start, ...figures } = bucket;
        put.run(endpointId, stepMs, start, JSON.stringify(figures));
      }
    });
  }

  async listMetricBuckets(
    endpointId: string,
    stepMs: number,
    from: EpochMs,
    to: EpochMs,
  ): Promise<MetricBucketRecord[]> {
    return this.statement(
      `SELECT start, body FROM metric_buckets
       WHERE endpoint_id = ? AND step_ms = ? AND start >= ? AND start < ? ORDER BY start`,
    )
      .all(endpointId, stepMs, from, to)
      .map((row) => {
        const r = row as { start: number; body: string };
        // Fields are set on the parsed body rather than spread into a copy: a 7-day range reads 1,008 rows.
        const bucket = JSON.parse(r.body) as MetricBucketRecord;
        bucket.endpointId = endpointId;
        bucket.stepMs = stepMs;
        bucket.start = r.start;
        return bucket;
      });
  }

  async deleteWorkerUsageBefore(before: EpochMs): Promise<number> {
    return Number(this.statement("DELETE FROM worker_usage WHERE bucket_start < ?").run(before).changes);
  }

  async deleteMetricBucketsBefore(stepMs: number, before: EpochMs): Promise<number> {
    return Number(
      this.statement("DELETE FROM metric_buckets WHERE step_ms = ? AND start < ?").run(stepMs, before).changes,
    );
  }

  insertJob(job: JobRecord): Promise<JobRecord> {
    return this.batched(() => this.insertJobNow(job));
  }

  updateJob(id: string, from: readonly JobStatusValue[], update: JobUpdate): Promise<boolean> {
    return this.batched(() => this.updateJobNow(id, from, update));
  }

  takeJobs(ids: readonly string[], workerId: string, at: EpochMs, take: StatusTransition): Promise<JobRecord[]> {
    return this.batched(() => this.takeJobsNow(ids, workerId, at, take));
  }

  appendStreamChunk(jobId: string, output: unknown): Promise<void> {
    return this.batched(() => this.appendStreamChunkNow(jobId, output));
  }

  saveWorker(worker: WorkerRecord): Promise<void> {
    return this.batched(() => this.saveWorkerNow(worker));
  }

  putWebhookOutbox(entry: WebhookOutboxRecord): Promise<void> {
    return this.batched(() => this.putWebhookOutboxNow(entry));
  }

  deleteWebhookOutbox(jobId: string): Promise<void> {
    return this.batched(() => this.deleteWebhookOutboxNow(jobId));
  }

  insertWebhookDelivery(delivery: WebhookDeliveryRecord): Promise<void> {
    return this.batched(() => this.insertWebhookDeliveryNow(delivery));
  }

  insertScalingEvent(event: ScalingEventRecord): Promise<void> {
    return this.batched(() => this.insertScalingEventNow(event));
  }

  private deleteJobsNow(ids: readonly string[]): void {
    const jobs = this.statement("DELETE FROM jobs WHERE id = ?");
    const chunks = this.statement("DELETE FROM stream_chunks WHERE job_id = ?");
    const outbox = this.statement("DELETE FROM webhook_outbox WHERE job_id = ?");
    const deliveries = this.statement("DELETE FROM webhook_deliveries WHERE job_id = ?");
    for (const id of ids) {
      jobs.run(id);
      chunks.run(id);
      outbox.run(id);
      deliveries.run(id);
    }
  }

  /**
   * Group commit: writes issued in the same turn of the event loop are applied in one transaction, each
   * in its own savepoint (so one failing write fails alone), and their promises resolve only after the
   * commit. Under load this turns many small commits into one, and an acknowledged write is always on disk.
   * Any read first applies the pending writes, so reads always see them.
   */
  private batched<T>(run: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ run, resolve: resolve as (value: never) => void, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0 || !this.db.isOpen) {
      for (const op of batch) {
        op.reject(new Error("the store is closed"));
      }
      return;
    }
    this.flushing = true;
    const results: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
      this.transaction(() => {
        for (const op of batch) {
          this.db.exec("SAVEPOINT write");
          try {
            results.push({ ok: true, value: op.run() });
            this.db.exec("RELEASE write");
          } catch (error) {
            // A full disk (or an I/O error) may have rolled back the whole transaction, the writes of
            // this batch that succeeded included: then the batch fails as one.
            const failure = this.storeError(error);
            if (failure instanceof StoreFullError || !this.db.isTransaction) {
              throw failure;
            }
            this.db.exec("ROLLBACK TO write");
            this.db.exec("RELEASE write");
            results.push({ ok: false, error: failure });
          }
        }
      });
    } catch (error) {
      this.flushing = false;
      for (const op of batch) {
        op.reject(error);
      }
      return;
    }
    this.flushing = false;
    batch.forEach((op, i) => {
      const result = results[i];
      if (result?.ok) {
        op.resolve(result.value as never);
      } else {
        op.reject(result?.error);
      }
    });
  }

  /** Runs `work` in one transaction (nested calls join the outer one). */
  private transaction<T>(work: () => T): T {
    if (this.inTransaction) {
      return work();
    }
    this.inTransaction = true;
    try {
      this.db.exec("BEGIN IMMEDIATE");
      const result = work();
      this.db.exec("COMMIT");
      this.fullError = undefined;
      return result;
    } catch (error) {
      // SQLite rolls back by itself on some errors (a full disk among them); a second ROLLBACK would
      // fail with "no transaction is active" and hide the error that matters.
      if (this.db.isTransaction) {
        this.db.exec("ROLLBACK");
      }
      throw this.storeError(error);
    } finally {
      this.inTransaction = false;
    }
  }

  /** Prepared statements are cached: preparing is most of the cost of a small query. */
  private statement(sql: string): StatementSync {
    if (this.pending.length > 0 && !this.flushing) {
      this.flush();
    }
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private sealedBody(record: { secretEnv?: Record<string, string> }): string {
    return this.sealing.sealedBody(record);
  }

  private openedBody<T extends { secretEnv: Record<string, string> }>(row: unknown): T | undefined {
    return this.sealing.openedBody<T>(row);
  }

  private toJob(row: unknown): JobRecord | undefined {
    return this.sealing.openJob(toJob(row));
  }

  /** Runs one write, turning a uniqueness violation and a full disk into the store's own errors. */
  private write<T>(constraint: string, run: () => T): T {
    try {
      const result = run();
      if (!this.inTransaction) {
        this.fullError = undefined;
      }
      return result;
    } catch (error) {
      if (error instanceof Error && /UNIQUE constraint failed/.test(error.message)) {
        throw new StoreConflictError(constraint, { cause: error });
      }
      throw this.storeError(error);
    }
  }

  /** The error to report for a failed write: a full disk becomes a {@link StoreFullError} and is noted. */
  private storeError(error: unknown): unknown {
    if (error instanceof StoreFullError) {
      this.fullError = error;
      return error;
    }
    if (isDiskFull(error)) {
      this.fullError = new StoreFullError({ cause: error });
      return this.fullError;
    }
    return error;
  }
}

/** SQLITE_FULL (13), in its primary or an extended form, as node:sqlite reports it. */
function isDiskFull(error: unknown): boolean {
  if (!(error instanceof Error)) {
    return false;
  }
  const code = (error as Error & { errcode?: unknown }).errcode;
  return (typeof code === "number" && (code & 0xff) === 13) || /database or disk is full/.test(error.message);
}
