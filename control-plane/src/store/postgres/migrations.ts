import type pg from "pg";

/** One schema change of the PostgreSQL store. Versions are applied in order and recorded in `schema_migrations`. */
export interface PostgresMigration {
  /** Strictly increasing, starting at 1. */
  version: number;
  /** What the change is for. */
  name: string;
  /** The DDL, run in one transaction with the version's row. */
  sql: string;
}

/**
 * The PostgreSQL store's schema history. It starts at the embedded store's seventh version (the same
 * tables and columns, so that one row mapping serves both); never edit a released entry: add a new one.
 * Times are epoch milliseconds in BIGINT, JSON values are text (as in SQLite) and booleans 0/1 integers.
 */
export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [
  {
    version: 1,
    name: "the schema of the embedded store's version 7",
    sql: `
      CREATE TABLE templates (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        body TEXT NOT NULL,
        created_at BIGINT NOT NULL
      );
      CREATE TABLE endpoints (
        id TEXT PRIMARY KEY,
        template_id TEXT NOT NULL REFERENCES templates(id),
        body TEXT NOT NULL,
        created_at BIGINT NOT NULL
      );
      CREATE INDEX endpoints_by_template ON endpoints(template_id);
      CREATE TABLE api_keys (
        id TEXT PRIMARY KEY,
        hash TEXT NOT NULL UNIQUE,
        body TEXT NOT NULL,
        created_at BIGINT NOT NULL
      );
      -- Queue order is handed out by a sequence, so that replicas inserting at once never collide.
      CREATE SEQUENCE job_queue_order;
      CREATE TABLE jobs (
        seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        endpoint_id TEXT NOT NULL,
        status TEXT NOT NULL,
        kind TEXT NOT NULL,
        queue_order BIGINT NOT NULL,
        low_priority INTEGER NOT NULL,
        input TEXT NOT NULL,
        webhook TEXT,
        s3_config TEXT,
        execution_timeout_ms BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        created_at BIGINT NOT NULL,
        started_at BIGINT,
        completed_at BIGINT,
        worker_id TEXT,
        retries INTEGER NOT NULL DEFAULT 0,
        output TEXT,
        error TEXT,
        retain_until BIGINT,
        idempotency_key TEXT,
        request_hash TEXT
      );
      CREATE INDEX jobs_by_endpoint_status ON jobs(endpoint_id, status);
      CREATE INDEX jobs_by_status_order ON jobs(status, queue_order);
      CREATE INDEX jobs_active_by_expiry ON jobs(expires_at) WHERE status IN ('IN_QUEUE', 'IN_PROGRESS');
      CREATE INDEX jobs_by_retention ON jobs(retain_until) WHERE retain_until IS NOT NULL;
      CREATE UNIQUE INDEX jobs_by_idempotency_key ON jobs(endpoint_id, idempotency_key)
        WHERE idempotency_key IS NOT NULL;
      CREATE INDEX jobs_by_endpoint_completion ON jobs(endpoint_id, completed_at) WHERE completed_at IS NOT NULL;
      CREATE INDEX jobs_by_endpoint_creation ON jobs(endpoint_id, created_at);
      -- One identity for all chunks: a job's chunks keep their order without a max()+1 race.
      CREATE TABLE stream_chunks (
        job_id TEXT NOT NULL,
        seq BIGINT GENERATED ALWAYS AS IDENTITY,
        output TEXT NOT NULL,
        delivered INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (job_id, seq)
      );
      CREATE TABLE workers (
        seq BIGINT GENERATED ALWAYS AS IDENTITY,
        id TEXT PRIMARY KEY,
        endpoint_id TEXT NOT NULL,
        body TEXT NOT NULL
      );
      CREATE TABLE webhook_outbox (
        job_id TEXT PRIMARY KEY,
        endpoint_id TEXT NOT NULL,
        url TEXT NOT NULL,
        payload TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        next_attempt_at BIGINT NOT NULL
      );
      CREATE INDEX webhook_outbox_by_due ON webhook_outbox(next_attempt_at);
      CREATE TABLE webhook_deliveries (
        seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        job_id TEXT NOT NULL,
        body TEXT NOT NULL
      );
      CREATE INDEX webhook_deliveries_by_job ON webhook_deliveries(job_id);
      CREATE TABLE scaling_events (
        seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        endpoint_id TEXT NOT NULL,
        body TEXT NOT NULL
      );
      CREATE INDEX scaling_events_by_endpoint ON scaling_events(endpoint_id, seq);
      CREATE TABLE worker_usage (
        endpoint_id TEXT NOT NULL,
        worker_id TEXT NOT NULL,
        bucket_start BIGINT NOT NULL,
        state TEXT NOT NULL,
        seconds DOUBLE PRECISION NOT NULL,
        gpu_seconds DOUBLE PRECISION NOT NULL,
        PRIMARY KEY (endpoint_id, bucket_start, worker_id, state)
      );
      CREATE TABLE metric_buckets (
        endpoint_id TEXT NOT NULL,
        step_ms BIGINT NOT NULL,
        start BIGINT NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (endpoint_id, step_ms, start)
      );
      CREATE INDEX metric_buckets_by_age ON metric_buckets(step_ms, start);
      CREATE TABLE audit_events (
        seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        endpoint_id TEXT NOT NULL,
        worker_id TEXT NOT NULL,
        running INTEGER NOT NULL,
        body TEXT NOT NULL
      );
      CREATE INDEX audit_events_by_endpoint ON audit_events(endpoint_id, seq);
      CREATE INDEX audit_events_by_worker ON audit_events(worker_id, seq);
      CREATE INDEX audit_events_running ON audit_events(seq) WHERE running = 1;
      CREATE TABLE ssh_keys (
        id TEXT PRIMARY KEY,
        fingerprint TEXT NOT NULL UNIQUE,
        body TEXT NOT NULL,
        created_at BIGINT NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: "templates: container disk size, volume mounts and registry credentials (the embedded store's version 8)",
    sql: `
      UPDATE templates
        SET body = (body::jsonb || '{"containerDiskInGb": null, "volumeMounts": [], "containerRegistryAuthId": null}'::jsonb)::text
        WHERE NOT (body::jsonb ? 'volumeMounts');
      CREATE TABLE registry_auths (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        body TEXT NOT NULL,
        created_at BIGINT NOT NULL
      );
    `,
  },
  {
    version: 3,
    name: "a separate health port (PORT_HEALTH) of load-balancing workers (the embedded store's version 9)",
    sql: `
      UPDATE workers SET body = (body::jsonb || '{"healthPort": null}'::jsonb)::text
        WHERE NOT (body::jsonb ? 'healthPort');
    `,
  },
  {
    version: 4,
    name: "the queue lives in the store: an index in dispatch order of each endpoint's queued jobs (the embedded store's version 10)",
    sql: `
      -- The dispatcher keeps only a window of each queue in memory and refills it with a range scan of this
      -- index; counts of a lane and queue positions use it too. Partial: ended jobs are not in it.
      CREATE INDEX jobs_queued_by_endpoint ON jobs(endpoint_id, low_priority, queue_order) WHERE status = 'IN_QUEUE';
    `,
  },
  {
    version: 5,
    name: "usage buckets by start, for their retention sweep (the embedded store's version 11)",
    sql: `
      CREATE INDEX worker_usage_by_bucket ON worker_usage(bucket_start);
    `,
  },
  {
    version: 6,
    name: "the cluster's leader: the address at which followers reach the control plane that leads",
    sql: `
      -- One row at most (id 1): written by each control plane as it starts to lead, read by followers.
      CREATE TABLE cluster_leader (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        replica_id TEXT NOT NULL,
        url TEXT NOT NULL,
        since BIGINT NOT NULL
      );
    `,
  },
  {
    version: 7,
    name: "the leader's SSH gateway address, and secrets every replica shares (the SSH host key)",
    sql: `
      -- Where followers relay SSH connections to; null while the leader runs no SSH gateway.
      ALTER TABLE cluster_leader ADD COLUMN ssh_address TEXT;
      -- Values that must be the same on every replica, sealed with the cluster's secret key. The first
      -- replica to need one writes it; the others read it.
      CREATE TABLE cluster_secrets (
        name TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
    `,
  },
];

/**
 * Advisory lock key of the migrations of one schema: replicas starting at once queue on it, and all but
 * the first find nothing left to apply. Derived from the schema so that test schemas do not serialize.
 */
export const MIGRATION_LOCK_SQL = "SELECT pg_advisory_lock(hashtextextended('runfleet.migrate.' || $1, 0))";
const MIGRATION_UNLOCK_SQL = "SELECT pg_advisory_unlock(hashtextextended('runfleet.migrate.' || $1, 0))";

/**
 * Brings the schema up to the newest migration under an advisory lock; each step is atomic. Returns the
 * versions this call applied (none when another replica got there first).
 */
export async function migratePostgres(
  client: pg.ClientBase,
  schema: string,
  migrations: readonly PostgresMigration[] = POSTGRES_MIGRATIONS,
): Promise<number[]> {
  await client.query(MIGRATION_LOCK_SQL, [schema]);
  try {
    // The schema name is checked by the store (an identifier); quoting keeps it one.
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
         version INTEGER PRIMARY KEY,
         name TEXT NOT NULL,
         applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
       )`,
    );
    const done = new Set(
      (await client.query<{ version: number }>("SELECT version FROM schema_migrations")).rows.map((r) => r.version),
    );
    const applied: number[] = [];
    for (const migration of migrations) {
      if (done.has(migration.version)) {
        continue;
      }
      await client.query("BEGIN");
      try {
        await client.query(migration.sql);
        await client.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [
          migration.version,
          migration.name,
        ]);
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw new Error(`migration ${migration.version} (${migration.name}) failed`, { cause: error });
      }
      applied.push(migration.version);
    }
    return applied;
  } finally {
    await client.query(MIGRATION_UNLOCK_SQL, [schema]);
  }
}
