import pg from "pg";
import { SecretBox } from "../../secrets/secret-box.js";
import {
  JOB_INSERT_COLUMNS,
  type JobColumn,
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
import { migratePostgres } from "./migrations.js";
import { WriteBatcher } from "./write-batcher.js";

/** Options of the PostgreSQL store. */
export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/database` (libpq URL; `?sslmode=require` and the like pass through). */
  url: string;
  /**
   * The schema the tables live in; created when missing. Several control planes sharing one database
   * as one cluster use the same schema; a different schema is a different, independent cluster.
   * @defaultValue "public"
   */
  schema?: string;
  /**
   * Most connections this store opens (its pool's size). Each replica holds up to this many, plus one for
   * start-up; size the server's `max_connections` as replicas x (poolSize + 1) plus room for admin tools.
   * @defaultValue 10
   */
  poolSize?: number;
  /** How long a query may wait for a free connection or for a new one to be opened. @defaultValue 10000 */
  connectTimeoutMs?: number;
  /** Encrypts the secrets kept at rest, as in the embedded store. */
  secrets?: SecretBox;
}

/** A schema name the store accepts: a plain lower-case SQL identifier (it is quoted into DDL). */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** int8 (counts, epoch ms, sequences) as numbers: every value the store keeps is below 2^53. */
const INT8_OID = 20;
const TYPES = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === INT8_OID
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** PostgreSQL's SQLSTATE for a unique violation and for a full disk. */
const UNIQUE_VIOLATION = "23505";
const DISK_FULL = "53100";

/**
 * The networked store: PostgreSQL through a `pg` connection pool, for a cluster of control-plane
 * replicas that share one database (or for one control plane that wants its data off its host).
 *
 * It keeps the embedded store's tables and columns (see `migrations.ts`) and shares its row mapping and
 * encryption at rest (`job-rows.ts`, `record-sealing.ts`). Every write is its own statement or
 * transaction and is committed when its promise resolves. Compare-and-set updates and the take of queued
 * jobs are single statements guarded by the job's status, so that two replicas can never both move a job.
 */
/** Most job updates written by one statement. */
const JOB_UPDATE_BATCH = 500;

/** The SQL type of each updatable job column, for the arrays of a batched update. */
const JOB_COLUMN_TYPES: Record<JobColumn, "text" | "bigint" | "integer"> = {
  status: "text",
  queue_order: "bigint",
  started_at: "bigint",
  completed_at: "bigint",
  worker_id: "text",
  retries: "integer",
  output: "text",
  error: "text",
  retain_until: "bigint",
  expires_at: "bigint",
};

/** One job update waiting for its batch: the job, the statuses it may change from, and the new values. */
interface JobUpdateWrite {
  id: string;
  from: readonly JobStatusValue[];
  columns: JobColumn[];
  values: (string | number | null)[];
}

/** PostgreSQL's numbered placeholder. */
const PG_PARAM = (n: number): string => `$${n}`;

export class PostgresStore implements Store {
  readonly kind = "postgres" as const;
  /** The schema the tables live in. */
  readonly schema: string;
  private readonly pool: pg.Pool;
  private readonly sealing: RecordSealing;
  private readonly clientConfig: pg.ClientConfig;
  private ready: Promise<void> | undefined;
  private closed = false;
  /**
   * Job updates of one turn with the same columns and the same expected statuses (say, the results that
   * workers reported together) are written by one statement, by shape.
   */
  private readonly jobUpdates = new Map<string, WriteBatcher<JobUpdateWrite, boolean>>();
  /**
   * The last update not yet committed, per job. Updates of different shapes go to different batchers and
   * so to different pooled connections: a job's next update waits for its previous one, so that the
   * database applies them in the order they were made.
   */
  private readonly jobUpdateTails = new Map<string, Promise<unknown>>();
  /** New jobs of one turn are inserted by one statement (21 parameters a row, under the 65,535 limit). */
  private readonly jobInserts = new WriteBatcher<JobRecord, JobRecord>(
    (jobs) => this.insertJobs(jobs),
    (job) => this.insertOneJob(job),
    1000,
  );

  constructor(options: PostgresStoreOptions) {
    this.schema = options.schema ?? "public";
    if (!SCHEMA_NAME.test(this.schema)) {
      throw new Error(`invalid schema name ${JSON.stringify(this.schema)}: use lower-case letters, digits and _`);
    }
    this.sealing = new RecordSealing(options.secrets ?? SecretBox.ephemeral());
    this.clientConfig = {
      connectionString: options.url,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
      // Every connection resolves names in the store's schema only.
      options: `-c search_path="${this.schema}"`,
      types: TYPES,
      application_name: "runfleet",
      // A peer that vanished (its host died) is noticed by the kernel, not only at the next query.
      keepAlive: true,
    };
    this.pool = new pg.Pool({ ...this.clientConfig, max: options.poolSize ?? 10, idleTimeoutMillis: 30_000 });
    // An idle connection that breaks (the server restarted) must not crash the process: the pool drops it
    // and the next query opens a new one.
    this.pool.on("error", () => undefined);
  }

  /**
   * Connects and brings the schema up to date (under an advisory lock, so that replicas starting at once
   * migrate once). Called by the first query; call it at start-up to fail early on a wrong URL.
   */
  open(): Promise<void> {
    this.ready ??= (async () => {
      const client = await this.pool.connect();
      try {
        await migratePostgres(client, this.schema);
      } finally {
        client.release();
      }
    })();
    return this.ready;
  }

  /**
   * A connection of its own, outside the pool, for a session that lasts (the active lock): the caller
   * ends it. Opened after the schema is up to date.
   */
  async sessionClient(): Promise<pg.Client> {
    await this.open();
    const client = new pg.Client(this.clientConfig);
    client.on("error", () => undefined);
    await client.connect();
    return client;
  }

  async ping(): Promise<void> {
    await this.query("SELECT 1");
  }

  async close(): Promise<void> {
    if (this.closed) {
      return;
    }
    this.closed = true;
    await this.ready?.catch(() => undefined);
    await this.pool.end();
  }

  async insertTemplate(template: TemplateRecord): Promise<void> {
    await this.write("templates.name", "INSERT INTO templates (id, name, body, created_at) VALUES ($1, $2, $3, $4)", [
      template.id,
      template.name,
      this.sealing.sealedBody(template),
      template.createdAt,
    ]);
  }

  async replaceTemplate(template: TemplateRecord): Promise<boolean> {
    const result = await this.write("templates.name", "UPDATE templates SET name = $1, body = $2 WHERE id = $3", [
      template.name,
      this.sealing.sealedBody(template),
      template.id,
    ]);
    return (result.rowCount ?? 0) > 0;
  }

  async getTemplate(id: string): Promise<TemplateRecord | undefined> {
    return this.sealing.openedBody<TemplateRecord>(await this.one("SELECT body FROM templates WHERE id = $1", [id]));
  }

  async listTemplates(): Promise<TemplateRecord[]> {
    return (await this.all("SELECT body FROM templates ORDER BY created_at, id")).map(
      (row) => this.sealing.openedBody<TemplateRecord>(row) as TemplateRecord,
    );
  }

  async deleteTemplate(id: string): Promise<boolean> {
    return ((await this.write("templates.id", "DELETE FROM templates WHERE id = $1", [id])).rowCount ?? 0) > 0;
  }

  async insertRegistryAuth(auth: RegistryAuthRecord): Promise<void> {
    await this.write(
      "registry_auths.name",
      "INSERT INTO registry_auths (id, name, body, created_at) VALUES ($1, $2, $3, $4)",
      [auth.id, auth.name, this.sealing.sealedRegistryAuth(auth), auth.createdAt],
    );
  }

  async replaceRegistryAuth(auth: RegistryAuthRecord): Promise<boolean> {
    const result = await this.write(
      "registry_auths.name",
      "UPDATE registry_auths SET name = $1, body = $2 WHERE id = $3",
      [auth.name, this.sealing.sealedRegistryAuth(auth), auth.id],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async getRegistryAuth(id: string): Promise<RegistryAuthRecord | undefined> {
    return this.sealing.openedRegistryAuth(await this.one("SELECT body FROM registry_auths WHERE id = $1", [id]));
  }

  async listRegistryAuths(): Promise<RegistryAuthRecord[]> {
    return (await this.all("SELECT body FROM registry_auths ORDER BY created_at, id")).map(
      (row) => this.sealing.openedRegistryAuth(row) as RegistryAuthRecord,
    );
  }

  async deleteRegistryAuth(id: string): Promise<boolean> {
    return (
      ((await this.write("registry_auths.id", "DELETE FROM registry_auths WHERE id = $1", [id])).rowCount ?? 0) > 0
    );
  }

  async insertEndpoint(endpoint: EndpointRecord): Promise<void> {
    await this.write(
      "endpoints.id",
      "INSERT INTO endpoints (id, template_id, body, created_at) VALUES ($1, $2, $3, $4)",
      [endpoint.id, endpoint.templateId, this.sealing.sealedBody(endpoint), endpoint.createdAt],
    );
  }

  async replaceEndpoint(endpoint: EndpointRecord): Promise<boolean> {
    const result = await this.write("endpoints.id", "UPDATE endpoints SET template_id = $1, body = $2 WHERE id = $3", [
      endpoint.templateId,
      this.sealing.sealedBody(endpoint),
      endpoint.id,
    ]);
    return (result.rowCount ?? 0) > 0;
  }

  async getEndpoint(id: string): Promise<EndpointRecord | undefined> {
    return this.sealing.openedBody<EndpointRecord>(await this.one("SELECT body FROM endpoints WHERE id = $1", [id]));
  }

  async listEndpoints(): Promise<EndpointRecord[]> {
    return (await this.all("SELECT body FROM endpoints ORDER BY created_at, id")).map(
      (row) => this.sealing.openedBody<EndpointRecord>(row) as EndpointRecord,
    );
  }

  async listEndpointsByTemplate(templateId: string): Promise<EndpointRecord[]> {
    return (
      await this.all("SELECT body FROM endpoints WHERE template_id = $1 ORDER BY created_at, id", [templateId])
    ).map((row) => this.sealing.openedBody<EndpointRecord>(row) as EndpointRecord);
  }

  async deleteEndpoint(id: string): Promise<boolean> {
    return this.transaction(async (client) => {
      const jobs = "(SELECT id FROM jobs WHERE endpoint_id = $1)";
      await client.query(`DELETE FROM stream_chunks WHERE job_id IN ${jobs}`, [id]);
      await client.query(`DELETE FROM webhook_deliveries WHERE job_id IN ${jobs}`, [id]);
      await client.query("DELETE FROM jobs WHERE endpoint_id = $1", [id]);
      await client.query("DELETE FROM workers WHERE endpoint_id = $1", [id]);
      await client.query("DELETE FROM webhook_outbox WHERE endpoint_id = $1", [id]);
      await client.query("DELETE FROM scaling_events WHERE endpoint_id = $1", [id]);
      await client.query("DELETE FROM worker_usage WHERE endpoint_id = $1", [id]);
      await client.query("DELETE FROM metric_buckets WHERE endpoint_id = $1", [id]);
      return ((await client.query("DELETE FROM endpoints WHERE id = $1", [id])).rowCount ?? 0) > 0;
    });
  }

  async insertApiKey(key: ApiKeyRecord): Promise<void> {
    await this.write("api_keys.hash", "INSERT INTO api_keys (id, hash, body, created_at) VALUES ($1, $2, $3, $4)", [
      key.id,
      key.hash,
      JSON.stringify(key),
      key.createdAt,
    ]);
  }

  async getApiKey(id: string): Promise<ApiKeyRecord | undefined> {
    return parseBody<ApiKeyRecord>(await this.one("SELECT body FROM api_keys WHERE id = $1", [id]));
  }

  async findApiKeyByHash(hash: string): Promise<ApiKeyRecord | undefined> {
    return parseBody<ApiKeyRecord>(await this.one("SELECT body FROM api_keys WHERE hash = $1", [hash]));
  }

  async listApiKeys(): Promise<ApiKeyRecord[]> {
    return (await this.all("SELECT body FROM api_keys ORDER BY created_at, id")).map(
      (row) => parseBody<ApiKeyRecord>(row) as ApiKeyRecord,
    );
  }

  async revokeApiKey(id: string, at: EpochMs): Promise<boolean> {
    const result = await this.query(
      "UPDATE api_keys SET body = jsonb_set(body::jsonb, '{revokedAt}', to_jsonb($1::bigint))::text WHERE id = $2",
      [at, id],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async touchApiKey(id: string, at: EpochMs): Promise<void> {
    await this.query(
      "UPDATE api_keys SET body = jsonb_set(body::jsonb, '{lastUsedAt}', to_jsonb($1::bigint))::text WHERE id = $2",
      [at, id],
    );
  }

  insertJob(job: JobRecord): Promise<JobRecord> {
    // A given queue order (a job put back in its place) is rare: it goes alone, and moves the sequence.
    return job.queueOrder > 0 ? this.insertOneJob(job) : this.jobInserts.submit(job);
  }

  /** Inserts new jobs (queue order 0) with one statement; their orders follow the batch's order. */
  private async insertJobs(jobs: readonly JobRecord[]): Promise<JobRecord[]> {
    const params: unknown[] = [];
    const rows = jobs.map((job) => {
      const values = jobInsertValues(this.sealing.sealJob(job), 0);
      // The queue order (the fifth column) comes from the sequence, in the order of the rows.
      const placeholders = values.map((value, i) => {
        if (i === 4) {
          return "nextval('job_queue_order')";
        }
        params.push(value);
        return `$${params.length}`;
      });
      return `(${placeholders.join(", ")})`;
    });
    const result = await this.write(
      "jobs.idempotency_key",
      `INSERT INTO jobs (${JOB_INSERT_COLUMNS}) VALUES ${rows.join(", ")} RETURNING id, queue_order`,
      params,
    );
    const orders = new Map(
      (result.rows as { id: string; queue_order: number }[]).map((row) => [row.id, row.queue_order]),
    );
    return jobs.map((job) => ({ ...job, queueOrder: orders.get(job.id) as number }));
  }

  private async insertOneJob(job: JobRecord): Promise<JobRecord> {
    const values = jobInsertValues(this.sealing.sealJob(job), job.queueOrder);
    // A queue order of 0 asks for the next one; a given one (a job put back) moves the sequence past it.
    const placeholders = values.map((_, i) =>
      i === 4 ? "coalesce(nullif($5::bigint, 0), nextval('job_queue_order'))" : `$${i + 1}`,
    );
    const result = await this.write(
      "jobs.idempotency_key",
      `INSERT INTO jobs (${JOB_INSERT_COLUMNS}) VALUES (${placeholders.join(", ")}) RETURNING queue_order`,
      values,
    );
    const queueOrder = (result.rows[0] as { queue_order: number }).queue_order;
    if (job.queueOrder > 0) {
      await this.query(
        "SELECT setval('job_queue_order', greatest($1::bigint, (SELECT last_value FROM job_queue_order)))",
        [job.queueOrder],
      );
    }
    return { ...job, queueOrder };
  }

  async getJob(id: string): Promise<JobRecord | undefined> {
    return this.sealing.openJob(toJob(await this.one("SELECT * FROM jobs WHERE id = $1", [id])));
  }

  async findJobByIdempotencyKey(endpointId: string, key: string): Promise<JobRecord | undefined> {
    return this.sealing.openJob(
      toJob(await this.one("SELECT * FROM jobs WHERE endpoint_id = $1 AND idempotency_key = $2", [endpointId, key])),
    );
  }

  async updateJob(id: string, from: readonly JobStatusValue[], update: JobUpdate): Promise<boolean> {
    const { columns, values } = jobUpdateValues(update);
    if (columns.length === 0) {
      return (
        ((await this.query("SELECT 1 FROM jobs WHERE id = $1 AND status = ANY($2)", [id, from])).rowCount ?? 0) > 0
      );
    }
    const shape = `${columns.join(",")}|${from.join(",")}`;
    let batcher = this.jobUpdates.get(shape);
    if (!batcher) {
      batcher = new WriteBatcher(
        (writes) => this.updateJobs(writes),
        (write) => this.updateOneJob(write),
        JOB_UPDATE_BATCH,
      );
      this.jobUpdates.set(shape, batcher);
    }
    const write: JobUpdateWrite = { id, from, columns, values };
    const submit = (): Promise<boolean> => (batcher as WriteBatcher<JobUpdateWrite, boolean>).submit(write);
    const previous = this.jobUpdateTails.get(id);
    const written = previous ? previous.then(submit) : submit();
    const tail = written.catch(() => undefined);
    this.jobUpdateTails.set(id, tail);
    void tail.then(() => {
      if (this.jobUpdateTails.get(id) === tail) {
        this.jobUpdateTails.delete(id);
      }
    });
    return written;
  }

  private async updateOneJob({ id, from, columns, values }: JobUpdateWrite): Promise<boolean> {
    const sets = columns.map((column, i) => `${column} = $${i + 1}`).join(", ");
    const result = await this.query(
      `UPDATE jobs SET ${sets} WHERE id = $${columns.length + 1} AND status = ANY($${columns.length + 2})`,
      [...values, id, from],
    );
    return (result.rowCount ?? 0) > 0;
  }

  /**
   * Updates jobs that share one shape with one statement: each column's values travel as one array,
   * unnested beside the ids. Each job still changes only from the expected statuses.
   */
  private async updateJobs(writes: readonly JobUpdateWrite[]): Promise<boolean[]> {
    const ids = writes.map((write) => write.id);
    if (new Set(ids).size !== ids.length) {
      // Cannot happen while each job's update waits for its previous one; if it did, the batcher would
      // write them one by one, in the order they were made.
      throw new Error("a batch of job updates names a job twice");
    }
    const { columns, from } = writes[0] as JobUpdateWrite;
    const params: unknown[] = [ids];
    const arrays = columns.map((column, c) => {
      params.push(writes.map((write) => write.values[c]));
      return `$${params.length}::${JOB_COLUMN_TYPES[column]}[]`;
    });
    params.push(from);
    const rows = await this.all(
      `UPDATE jobs AS j SET ${columns.map((column) => `${column} = v.${column}`).join(", ")}
       FROM unnest($1::text[], ${arrays.join(", ")}) AS v(id, ${columns.join(", ")})
       WHERE j.id = v.id AND j.status = ANY($${params.length}::text[])
       RETURNING j.id`,
      params,
    );
    const updated = new Set(rows.map((row) => (row as { id: string }).id));
    return ids.map((id) => updated.has(id));
  }

  /**
   * A secret every replica of the cluster must share (the SSH gateway's host key): the value already
   * stored under `name`, or else `candidate`, stored sealed. Replicas asking at once agree on the first
   * one written.
   */
  async sharedSecret(name: string, candidate: string): Promise<string> {
    await this.query("INSERT INTO cluster_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING", [
      name,
      this.sealing.sealedValue(candidate),
    ]);
    const row = (await this.one("SELECT value FROM cluster_secrets WHERE name = $1", [name])) as { value: string };
    return this.sealing.openedValue(row.value);
  }

  async takeJobs(ids: readonly string[], workerId: string, at: EpochMs, take: StatusTransition): Promise<JobRecord[]> {
    // One statement: the status guard makes each job go to one worker, whichever replica asks.
    const rows = await this.all(
      `UPDATE jobs SET status = $1, worker_id = $2, started_at = $3
       WHERE id = ANY($4) AND status = ANY($5::text[]) RETURNING *`,
      [take.to, workerId, at, [...new Set(ids)], take.from],
    );
    const byId = new Map(rows.map((row) => [(row as { id: string }).id, row]));
    const taken: JobRecord[] = [];
    for (const id of new Set(ids)) {
      const job = this.sealing.openJob(toJob(byId.get(id)));
      if (job) {
        taken.push(job);
      }
    }
    return taken;
  }

  async deleteJobs(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) {
      return;
    }
    await this.transaction(async (client) => {
      const list = [...ids];
      await client.query("DELETE FROM jobs WHERE id = ANY($1)", [list]);
      await client.query("DELETE FROM stream_chunks WHERE job_id = ANY($1)", [list]);
      await client.query("DELETE FROM webhook_outbox WHERE job_id = ANY($1)", [list]);
      await client.query("DELETE FROM webhook_deliveries WHERE job_id = ANY($1)", [list]);
    });
  }

  async listJobsByStatus(
    status: JobStatusValue,
  ): Promise<
    Pick<
      JobRecord,
      "id" | "endpointId" | "queueOrder" | "lowPriority" | "workerId" | "createdAt" | "startedAt" | "executionTimeoutMs"
    >[]
  > {
    const rows = await this.all(
      `SELECT id, endpoint_id, queue_order, low_priority, worker_id, created_at, started_at, execution_timeout_ms
       FROM jobs WHERE status = $1 ORDER BY queue_order`,
      [status],
    );
    return rows.map((row) => {
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
      ? await this.all("SELECT * FROM jobs WHERE endpoint_id = $1 AND status = $2 ORDER BY seq DESC LIMIT $3", [
          endpointId,
          options.status,
          options.limit,
        ])
      : await this.all("SELECT * FROM jobs WHERE endpoint_id = $1 ORDER BY seq DESC LIMIT $2", [
          endpointId,
          options.limit,
        ]);
    return rows.map((row) => this.sealing.openJob(toJob(row)) as JobRecord);
  }

  async listQueuedJobs(endpointId: string, options: { after?: QueuedJobKey; limit: number }): Promise<QueuedJob[]> {
    const rows = await this.all(queuedJobsQuery(PG_PARAM), queuedJobsParams(endpointId, options.after, options.limit));
    return rows.map(toQueuedJob);
  }

  async countQueuedJobs(endpointId: string): Promise<{ normal: number; lowPriority: number }> {
    const counts = { normal: 0, lowPriority: 0 };
    for (const row of await this.all(queuedJobsByLaneQuery(PG_PARAM), [endpointId])) {
      const r = row as { low_priority: number; n: string | number };
      counts[r.low_priority === 1 ? "lowPriority" : "normal"] = Number(r.n);
    }
    return counts;
  }

  async countQueuedJobsBefore(endpointId: string, key: QueuedJobKey): Promise<number> {
    const row = (await this.one(queuedJobsBeforeQuery(PG_PARAM), [
      endpointId,
      key.lowPriority ? 1 : 0,
      key.queueOrder,
    ])) as { n: string | number };
    return Number(row.n);
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
    const rows = await this.all(
      `SELECT status, count(*) AS n, count(*) FILTER (WHERE retries > 0) AS retried FROM jobs
       WHERE endpoint_id = $1 GROUP BY status`,
      [endpointId],
    );
    for (const row of rows) {
      const r = row as { status: JobStatusValue; n: number; retried: number };
      counts[r.status] = r.n;
      counts.retried += r.retried;
    }
    return counts;
  }

  async listJobsPastTtl(at: EpochMs, limit: number): Promise<JobRecord[]> {
    return (
      await this.all(
        `SELECT * FROM jobs WHERE expires_at <= $1 AND status IN ('IN_QUEUE', 'IN_PROGRESS')
         ORDER BY expires_at LIMIT $2`,
        [at, limit],
      )
    ).map((row) => toJob(row) as JobRecord);
  }

  async listJobsPastRetention(
    at: EpochMs,
    limit: number,
  ): Promise<{ id: string; endpointId: string; status: JobStatusValue; retries: number }[]> {
    return (
      await this.all("SELECT id, endpoint_id, status, retries FROM jobs WHERE retain_until <= $1 LIMIT $2", [at, limit])
    ).map((row) => {
      const r = row as { id: string; endpoint_id: string; status: JobStatusValue; retries: number };
      return { id: r.id, endpointId: r.endpoint_id, status: r.status, retries: r.retries };
    });
  }

  async listJobTimings(endpointId: string, since: EpochMs): Promise<{ delayMs: number; executionMs: number }[]> {
    return (
      await this.all(
        `SELECT started_at - created_at AS delay_ms, completed_at - started_at AS execution_ms FROM jobs
         WHERE endpoint_id = $1 AND completed_at >= $2 AND started_at IS NOT NULL`,
        [endpointId, since],
      )
    ).map((row) => {
      const r = row as { delay_ms: number; execution_ms: number };
      return { delayMs: r.delay_ms, executionMs: r.execution_ms };
    });
  }

  async maxQueueOrder(): Promise<number> {
    const row = (await this.one("SELECT CASE WHEN is_called THEN last_value ELSE 0 END AS n FROM job_queue_order")) as {
      n: number;
    };
    return row.n;
  }

  async appendStreamChunk(jobId: string, output: unknown): Promise<void> {
    await this.query("INSERT INTO stream_chunks (job_id, output) VALUES ($1, $2)", [
      jobId,
      JSON.stringify(output ?? null),
    ]);
  }

  async takeStreamChunks(jobId: string): Promise<StreamChunkRecord[]> {
    const rows = (await this.all(
      "UPDATE stream_chunks SET delivered = 1 WHERE job_id = $1 AND delivered = 0 RETURNING seq, output",
      [jobId],
    )) as { seq: number; output: string }[];
    return rows
      .map((row) => ({ jobId, seq: row.seq, output: JSON.parse(row.output) as unknown }))
      .sort((a, b) => a.seq - b.seq);
  }

  async saveWorker(worker: WorkerRecord): Promise<void> {
    await this.query(
      `INSERT INTO workers (id, endpoint_id, body) VALUES ($1, $2, $3)
       ON CONFLICT (id) DO UPDATE SET endpoint_id = excluded.endpoint_id, body = excluded.body`,
      [worker.id, worker.endpointId, JSON.stringify(worker)],
    );
  }

  async listWorkers(): Promise<WorkerRecord[]> {
    return (await this.all("SELECT body FROM workers ORDER BY seq")).map(
      (row) => parseBody<WorkerRecord>(row) as WorkerRecord,
    );
  }

  async deleteWorker(id: string): Promise<void> {
    await this.query("DELETE FROM workers WHERE id = $1", [id]);
  }

  async putWebhookOutbox(entry: WebhookOutboxRecord): Promise<void> {
    await this.query(
      `INSERT INTO webhook_outbox (job_id, endpoint_id, url, payload, attempts, next_attempt_at)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (job_id) DO UPDATE SET endpoint_id = excluded.endpoint_id, url = excluded.url,
         payload = excluded.payload, attempts = excluded.attempts, next_attempt_at = excluded.next_attempt_at`,
      [entry.jobId, entry.endpointId, entry.url, entry.payload, entry.attempts, entry.nextAttemptAt],
    );
  }

  async listDueWebhooks(at: EpochMs, limit: number): Promise<WebhookOutboxRecord[]> {
    return (
      await this.all("SELECT * FROM webhook_outbox WHERE next_attempt_at <= $1 ORDER BY next_attempt_at LIMIT $2", [
        at,
        limit,
      ])
    ).map((row) => {
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

  async deleteWebhookOutbox(jobId: string): Promise<void> {
    await this.query("DELETE FROM webhook_outbox WHERE job_id = $1", [jobId]);
  }

  async insertWebhookDelivery(delivery: WebhookDeliveryRecord): Promise<void> {
    await this.query("INSERT INTO webhook_deliveries (id, job_id, body) VALUES ($1, $2, $3)", [
      delivery.id,
      delivery.jobId,
      JSON.stringify(delivery),
    ]);
  }

  async listWebhookDeliveries(jobId: string): Promise<WebhookDeliveryRecord[]> {
    return (await this.all("SELECT body FROM webhook_deliveries WHERE job_id = $1 ORDER BY seq", [jobId])).map(
      (row) => parseBody<WebhookDeliveryRecord>(row) as WebhookDeliveryRecord,
    );
  }

  async insertScalingEvent(event: ScalingEventRecord): Promise<void> {
    await this.query("INSERT INTO scaling_events (endpoint_id, body) VALUES ($1, $2)", [
      event.endpointId,
      JSON.stringify(event),
    ]);
  }

  async listScalingEvents(endpointId: string, limit: number): Promise<ScalingEventRecord[]> {
    return (
      await this.all("SELECT body FROM scaling_events WHERE endpoint_id = $1 ORDER BY seq DESC LIMIT $2", [
        endpointId,
        limit,
      ])
    ).map((row) => parseBody<ScalingEventRecord>(row) as ScalingEventRecord);
  }

  async addWorkerUsage(records: readonly WorkerUsageRecord[]): Promise<void> {
    if (records.length === 0) {
      return;
    }
    // One statement for the batch; rows for the same bucket are summed first (ON CONFLICT may not touch
    // a row twice in one statement).
    const summed = new Map<string, WorkerUsageRecord>();
    for (const r of records) {
      const key = JSON.stringify([r.endpointId, r.bucketStart, r.workerId, r.state]);
      const seen = summed.get(key);
      summed.set(
        key,
        seen ? { ...seen, seconds: seen.seconds + r.seconds, gpuSeconds: seen.gpuSeconds + r.gpuSeconds } : { ...r },
      );
    }
    const rows = [...summed.values()];
    await this.query(
      `INSERT INTO worker_usage (endpoint_id, worker_id, bucket_start, state, seconds, gpu_seconds)
       SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::float8[], $6::float8[])
       ON CONFLICT (endpoint_id, bucket_start, worker_id, state)
       DO UPDATE SET seconds = worker_usage.seconds + excluded.seconds,
         gpu_seconds = worker_usage.gpu_seconds + excluded.gpu_seconds`,
      [
        rows.map((r) => r.endpointId),
        rows.map((r) => r.workerId),
        rows.map((r) => r.bucketStart),
        rows.map((r) => r.state),
        rows.map((r) => r.seconds),
        rows.map((r) => r.gpuSeconds),
      ],
    );
  }

  async listWorkerUsage(endpointId: string, from: EpochMs, to: EpochMs): Promise<WorkerUsageRecord[]> {
    return (
      await this.all(
        `SELECT worker_id, bucket_start, state, seconds, gpu_seconds FROM worker_usage
         WHERE endpoint_id = $1 AND bucket_start >= $2 AND bucket_start < $3 ORDER BY bucket_start`,
        [endpointId, from, to],
      )
    ).map((row) => {
      const r = row as { worker_id: string; bucket_start: number; state: string; seconds: number; gpu_seconds: number };
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
    return (
      await this.all(
        `SELECT created_at, started_at, completed_at, low_priority FROM jobs
         WHERE endpoint_id = $1 AND created_at >= $2 AND created_at < $3 ORDER BY created_at`,
        [endpointId, from, to],
      )
    ).map((row) => {
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
    return (
      await this.all(
        `SELECT status, created_at, started_at, completed_at FROM jobs
         WHERE endpoint_id = $1 AND completed_at >= $2 AND completed_at < $3
           AND status IN ('COMPLETED', 'FAILED', 'TIMED_OUT')`,
        [endpointId, from, to],
      )
    ).map((row) => {
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
    // The last bucket of a key wins, as with the embedded store's INSERT OR REPLACE in order.
    const byKey = new Map<string, MetricBucketRecord>();
    for (const bucket of buckets) {
      byKey.set(JSON.stringify([bucket.endpointId, bucket.stepMs, bucket.start]), bucket);
    }
    const rows = [...byKey.values()].map((bucket) => {
      const { endpointId, stepMs, start, ...figures } = bucket;
      return { endpointId, stepMs, start, body: JSON.stringify(figures) };
    });
    await this.query(
      `INSERT INTO metric_buckets (endpoint_id, step_ms, start, body)
       SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::text[])
       ON CONFLICT (endpoint_id, step_ms, start) DO UPDATE SET body = excluded.body`,
      [rows.map((r) => r.endpointId), rows.map((r) => r.stepMs), rows.map((r) => r.start), rows.map((r) => r.body)],
    );
  }

  async listMetricBuckets(
    endpointId: string,
    stepMs: number,
    from: EpochMs,
    to: EpochMs,
  ): Promise<MetricBucketRecord[]> {
    return (
      await this.all(
        `SELECT start, body FROM metric_buckets
         WHERE endpoint_id = $1 AND step_ms = $2 AND start >= $3 AND start < $4 ORDER BY start`,
        [endpointId, stepMs, from, to],
      )
    ).map((row) => {
      const r = row as { start: number; body: string };
      const bucket = JSON.parse(r.body) as MetricBucketRecord;
      bucket.endpointId = endpointId;
      bucket.stepMs = stepMs;
      bucket.start = r.start;
      return bucket;
    });
  }

  async deleteWorkerUsageBefore(before: EpochMs): Promise<number> {
    return (await this.query("DELETE FROM worker_usage WHERE bucket_start < $1", [before])).rowCount as number;
  }

  async deleteMetricBucketsBefore(stepMs: number, before: EpochMs): Promise<number> {
    return (await this.query("DELETE FROM metric_buckets WHERE step_ms = $1 AND start < $2", [stepMs, before]))
      .rowCount as number;
  }

  async insertAuditEvent(event: AuditEventRecord): Promise<void> {
    await this.query(
      "INSERT INTO audit_events (id, endpoint_id, worker_id, running, body) VALUES ($1, $2, $3, $4, $5)",
      [event.id, event.endpointId, event.workerId, event.outcome === "running" ? 1 : 0, JSON.stringify(event)],
    );
  }

  async updateAuditEvent(event: AuditEventRecord): Promise<boolean> {
    const result = await this.query("UPDATE audit_events SET running = $1, body = $2 WHERE id = $3", [
      event.outcome === "running" ? 1 : 0,
      JSON.stringify(event),
      event.id,
    ]);
    return (result.rowCount ?? 0) > 0;
  }

  async listAuditEvents(filter: {
    endpointId?: string;
    workerId?: string;
    limit: number;
  }): Promise<AuditEventRecord[]> {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (filter.endpointId !== undefined) {
      params.push(filter.endpointId);
      where.push(`endpoint_id = $${params.length}`);
    }
    if (filter.workerId !== undefined) {
      params.push(filter.workerId);
      where.push(`worker_id = $${params.length}`);
    }
    params.push(filter.limit);
    const clause = where.length > 0 ? `WHERE ${where.join(" AND ")}` : "";
    return (
      await this.all(`SELECT body FROM audit_events ${clause} ORDER BY seq DESC LIMIT $${params.length}`, params)
    ).map((row) => parseBody<AuditEventRecord>(row) as AuditEventRecord);
  }

  async interruptRunningAuditEvents(at: EpochMs): Promise<number> {
    const result = await this.query(
      `UPDATE audit_events SET running = 0,
         body = (body::jsonb || jsonb_build_object('outcome', 'interrupted', 'endedAt', $1::bigint))::text
       WHERE running = 1`,
      [at],
    );
    return result.rowCount ?? 0;
  }

  async insertSshKey(key: SshKeyRecord): Promise<void> {
    await this.write(
      "ssh_keys.fingerprint",
      "INSERT INTO ssh_keys (id, fingerprint, body, created_at) VALUES ($1, $2, $3, $4)",
      [key.id, key.fingerprint, JSON.stringify(key), key.createdAt],
    );
  }

  async getSshKey(id: string): Promise<SshKeyRecord | undefined> {
    return parseBody<SshKeyRecord>(await this.one("SELECT body FROM ssh_keys WHERE id = $1", [id]));
  }

  async findSshKeyByFingerprint(fingerprint: string): Promise<SshKeyRecord | undefined> {
    return parseBody<SshKeyRecord>(await this.one("SELECT body FROM ssh_keys WHERE fingerprint = $1", [fingerprint]));
  }

  async listSshKeys(): Promise<SshKeyRecord[]> {
    return (await this.all("SELECT body FROM ssh_keys ORDER BY created_at, id")).map(
      (row) => parseBody<SshKeyRecord>(row) as SshKeyRecord,
    );
  }

  async deleteSshKey(id: string): Promise<boolean> {
    return ((await this.query("DELETE FROM ssh_keys WHERE id = $1", [id])).rowCount ?? 0) > 0;
  }

  async touchSshKey(id: string, at: EpochMs): Promise<void> {
    await this.query(
      "UPDATE ssh_keys SET body = jsonb_set(body::jsonb, '{lastUsedAt}', to_jsonb($1::bigint))::text WHERE id = $2",
      [at, id],
    );
  }

  /** Runs one statement on a pooled connection; a full disk becomes a {@link StoreFullError}. */
  private async query(sql: string, params: unknown[] = []): Promise<pg.QueryResult> {
    if (this.closed) {
      throw new Error("the store is closed");
    }
    await this.open();
    try {
      return await this.pool.query(sql, params);
    } catch (error) {
      throw storeError(error);
    }
  }

  private async one(sql: string, params: unknown[] = []): Promise<unknown> {
    return (await this.query(sql, params)).rows[0];
  }

  private async all(sql: string, params: unknown[] = []): Promise<unknown[]> {
    return (await this.query(sql, params)).rows;
  }

  /** Runs one write, turning a uniqueness violation into a {@link StoreConflictError} naming `constraint`. */
  private async write(constraint: string, sql: string, params: unknown[]): Promise<pg.QueryResult> {
    try {
      return await this.query(sql, params);
    } catch (error) {
      if (sqlState(error) === UNIQUE_VIOLATION) {
        throw new StoreConflictError(constraint, { cause: error });
      }
      throw error;
    }
  }

  /** Runs `work` in one transaction on one connection of the pool. */
  private async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    if (this.closed) {
      throw new Error("the store is closed");
    }
    await this.open();
    const client = await this.pool.connect();
    let broken = false;
    try {
      await client.query("BEGIN");
      const result = await work(client);
      await client.query("COMMIT");
      return result;
    } catch (error) {
      // A connection whose rollback failed may still be inside the transaction: it must never go back to
      // the pool, where later statements would run, unseen by others, in a transaction never committed.
      await client.query("ROLLBACK").catch(() => {
        broken = true;
      });
      throw storeError(error);
    } finally {
      client.release(broken);
    }
  }
}

/** The SQLSTATE of a server error, if it is one. */
function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/** A full disk on the server becomes the store's own error; others pass through. */
function storeError(error: unknown): unknown {
  return sqlState(error) === DISK_FULL ? new StoreFullError({ cause: error }) : error;
}
