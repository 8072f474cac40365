import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { DatabaseSync, type StatementSync } from "node:sqlite";
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
} from "../records.js";
import { type JobCounts, type JobUpdate, type Store, StoreConflictError } from "../store.js";
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
}

/**
 * The embedded store: one SQLite file in WAL mode through `node:sqlite` (no native addon).
 *
 * Records are kept as JSON bodies beside the columns that are queried or constrained, so adding a field
 * needs no migration while lookups stay indexed. `synchronous=NORMAL` in WAL mode keeps every committed
 * write across a crash of the process (only a power loss may drop the last transactions).
 */
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

  constructor(options: SqliteStoreOptions) {
    if (options.path !== ":memory:") {
      mkdirSync(dirname(options.path), { recursive: true });
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
        JSON.stringify(template),
        template.createdAt,
      ),
    );
  }

  async replaceTemplate(template: TemplateRecord): Promise<boolean> {
    const result = this.write("templates.name", () =>
      this.statement("UPDATE templates SET name = ?, body = ? WHERE id = ?").run(
        template.name,
        JSON.stringify(template),
        template.id,
      ),
    );
    return Number(result.changes) > 0;
  }

  async getTemplate(id: string): Promise<TemplateRecord | undefined> {
    return parseBody<TemplateRecord>(this.statement("SELECT body FROM templates WHERE id = ?").get(id));
  }

  async listTemplates(): Promise<TemplateRecord[]> {
    return this.statement("SELECT body FROM templates ORDER BY created_at, id")
      .all()
      .map((row) => parseBody<TemplateRecord>(row) as TemplateRecord);
  }

  async deleteTemplate(id: string): Promise<boolean> {
    return Number(this.statement("DELETE FROM templates WHERE id = ?").run(id).changes) > 0;
  }

  async insertEndpoint(endpoint: EndpointRecord): Promise<void> {
    this.statement("INSERT INTO endpoints (id, template_id, body, created_at) VALUES (?, ?, ?, ?)").run(
      endpoint.id,
      endpoint.templateId,
      JSON.stringify(endpoint),
      endpoint.createdAt,
    );
  }

  async replaceEndpoint(endpoint: EndpointRecord): Promise<boolean> {
    const result = this.statement("UPDATE endpoints SET template_id = ?, body = ? WHERE id = ?").run(
      endpoint.templateId,
      JSON.stringify(endpoint),
      endpoint.id,
    );
    return Number(result.changes) > 0;
  }

  async getEndpoint(id: string): Promise<EndpointRecord | undefined> {
    return parseBody<EndpointRecord>(this.statement("SELECT body FROM endpoints WHERE id = ?").get(id));
  }

  async listEndpoints(): Promise<EndpointRecord[]> {
    return this.statement("SELECT body FROM endpoints ORDER BY created_at, id")
      .all()
      .map((row) => parseBody<EndpointRecord>(row) as EndpointRecord);
  }

  async listEndpointsByTemplate(templateId: string): Promise<EndpointRecord[]> {
    return this.statement("SELECT body FROM endpoints WHERE template_id = ? ORDER BY created_at, id")
      .all(templateId)
      .map((row) => parseBody<EndpointRecord>(row) as EndpointRecord);
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
    this.statement("UPDATE api_keys SET body = ? WHERE id = ?").run(JSON.stringify({ ...key, revokedAt: at }), id);
    return true;
  }

  async touchApiKey(id: string, at: EpochMs): Promise<void> {
    this.statement("UPDATE api_keys SET body = json_set(body, '$.lastUsedAt', ?) WHERE id = ?").run(at, id);
  }

  private insertJobNow(job: JobRecord): JobRecord {
    return this.write("jobs.idempotency_key", () => {
      const queueOrder = job.queueOrder > 0 ? job.queueOrder : ++this.lastQueueOrder;
      if (queueOrder > this.lastQueueOrder) {
        this.lastQueueOrder = queueOrder;
      }
      this.statement(
        `INSERT INTO jobs (id, endpoint_id, status, kind, queue_order, low_priority, input, webhook, s3_config,
          execution_timeout_ms, expires_at, created_at, started_at, completed_at, worker_id, retries, output, error,
          retain_until, idempotency_key, request_hash)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        job.id,
        job.endpointId,
        job.status,
        job.kind,
        queueOrder,
        job.lowPriority ? 1 : 0,
        JSON.stringify(job.input ?? null),
        job.webhook,
        encode(job.s3Config ?? undefined),
        job.executionTimeoutMs,
        job.expiresAt,
        job.createdAt,
        job.startedAt,
        job.completedAt,
        job.workerId,
        job.retries,
        encode(job.output),
        encode(job.error),
        job.retainUntil,
        job.idempotencyKey,
        job.requestHash,
      );
      return { ...job, queueOrder };
    });
  }

  async getJob(id: string): Promise<JobRecord | undefined> {
    return toJob(this.statement("SELECT * FROM jobs WHERE id = ?").get(id));
  }

  async findJobByIdempotencyKey(endpointId: string, key: string): Promise<JobRecord | undefined> {
    return toJob(
      this.statement("SELECT * FROM jobs WHERE endpoint_id = ? AND idempotency_key = ?").get(endpointId, key),
    );
  }

  private updateJobNow(id: string, from: readonly JobStatusValue[], update: JobUpdate): boolean {
    const keys = Object.keys(update) as (keyof JobUpdate)[];
    const sets = keys.map((key) => `${JOB_COLUMNS[key]} = ?`).join(", ");
    const statuses = from.map(() => "?").join(", ");
    const values = keys.map((key) => {
      const value = update[key];
      return key === "output" || key === "error" ? encode(value) : (value as string | number | null);
    });
    const result = this.statement(`UPDATE jobs SET ${sets} WHERE id = ? AND status IN (${statuses})`).run(
      ...values,
      id,
      ...from,
    );
    return Number(result.changes) > 0;
  }

  private takeJobsNow(ids: readonly string[], workerId: string, at: EpochMs): JobRecord[] {
    return this.transaction(() => {
      const taken: JobRecord[] = [];
      const update = this.statement(
        "UPDATE jobs SET status = 'IN_PROGRESS', worker_id = ?, started_at = ? WHERE id = ? AND status = 'IN_QUEUE' RETURNING *",
      );
      for (const id of ids) {
        const job = toJob(update.get(workerId, at, id));
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
    return rows.map((row) => toJob(row) as JobRecord);
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

  async listExpiredJobs(
    at: EpochMs,
    limit: number,
  ): Promise<{ id: string; endpointId: string; status: JobStatusValue; retries: number }[]> {
    return this.statement(
      `SELECT id, endpoint_id, status, retries FROM jobs WHERE expires_at <= ?1
       UNION SELECT id, endpoint_id, status, retries FROM jobs WHERE retain_until <= ?1 LIMIT ?2`,
    )
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
    this.statement("DELETE FROM workers WHERE id = ?").run(id);
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

  insertJob(job: JobRecord): Promise<JobRecord> {
    return this.batched(() => this.insertJobNow(job));
  }

  updateJob(id: string, from: readonly JobStatusValue[], update: JobUpdate): Promise<boolean> {
    return this.batched(() => this.updateJobNow(id, from, update));
  }

  takeJobs(ids: readonly string[], workerId: string, at: EpochMs): Promise<JobRecord[]> {
    return this.batched(() => this.takeJobsNow(ids, workerId, at));
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
            this.db.exec("ROLLBACK TO write");
            this.db.exec("RELEASE write");
            results.push({ ok: false, error });
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
    this.db.exec("BEGIN IMMEDIATE");
    this.inTransaction = true;
    try {
      const result = work();
      this.db.exec("COMMIT");
      return result;
    } catch (error) {
      this.db.exec("ROLLBACK");
      throw error;
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

  private write<T>(constraint: string, run: () => T): T {
    try {
      return run();
    } catch (error) {
      if (error instanceof Error && /UNIQUE constraint failed/.test(error.message)) {
        throw new StoreConflictError(constraint, { cause: error });
      }
      throw error;
    }
  }
}

/** Column of each updatable job field. */
const JOB_COLUMNS: Record<keyof JobUpdate, string> = {
  status: "status",
  queueOrder: "queue_order",
  startedAt: "started_at",
  completedAt: "completed_at",
  workerId: "worker_id",
  retries: "retries",
  output: "output",
  error: "error",
  retainUntil: "retain_until",
};

/** JSON text of a value; undefined (absent) is kept apart from null by storing SQL NULL. */
function encode(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value);
}

function decode(text: unknown): unknown {
  return text === null || text === undefined ? undefined : JSON.parse(text as string);
}

function toJob(row: unknown): JobRecord | undefined {
  if (row === undefined) {
    return undefined;
  }
  const r = row as Record<string, string | number | null>;
  return {
    id: r.id as string,
    endpointId: r.endpoint_id as string,
    status: r.status as JobStatusValue,
    kind: r.kind as JobRecord["kind"],
    queueOrder: r.queue_order as number,
    lowPriority: r.low_priority === 1,
    input: JSON.parse(r.input as string),
    webhook: (r.webhook as string | null) ?? null,
    s3Config: (decode(r.s3_config) as JobRecord["s3Config"]) ?? null,
    executionTimeoutMs: r.execution_timeout_ms as number,
    expiresAt: r.expires_at as number,
    createdAt: r.created_at as number,
    startedAt: (r.started_at as number | null) ?? null,
    completedAt: (r.completed_at as number | null) ?? null,
    workerId: (r.worker_id as string | null) ?? null,
    retries: r.retries as number,
    output: decode(r.output),
    error: decode(r.error),
    retainUntil: (r.retain_until as number | null) ?? null,
    idempotencyKey: (r.idempotency_key as string | null) ?? null,
    requestHash: (r.request_hash as string | null) ?? null,
  };
}

function parseBody<T>(row: unknown): T | undefined {
  if (row === undefined) {
    return undefined;
  }
  return JSON.parse((row as { body: string }).body) as T;
}
