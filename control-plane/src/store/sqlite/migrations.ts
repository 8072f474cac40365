import type { DatabaseSync } from "node:sqlite";

/** One schema change. Versions are applied in order and recorded in `PRAGMA user_version`. */
export interface Migration {
  /** Strictly increasing, starting at 1. */
  version: number;
  /** What the change is for. */
  name: string;
  /** The DDL, run in one transaction with the version bump. */
  sql: string;
}

/** The embedded store's schema history. Never edit a released entry: add a new one. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "templates, endpoints and API keys",
    sql: `
      CREATE TABLE templates (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        body TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE endpoints (
        id TEXT PRIMARY KEY,
        template_id TEXT NOT NULL REFERENCES templates(id),
        body TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX endpoints_by_template ON endpoints(template_id);
      CREATE TABLE api_keys (
        id TEXT PRIMARY KEY,
        hash TEXT NOT NULL UNIQUE,
        body TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: "jobs, stream chunks, workers and webhooks",
    sql: `
      CREATE TABLE jobs (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        endpoint_id TEXT NOT NULL,
        status TEXT NOT NULL,
        kind TEXT NOT NULL,
        queue_order INTEGER NOT NULL,
        low_priority INTEGER NOT NULL,
        input TEXT NOT NULL,
        webhook TEXT,
        s3_config TEXT,
        execution_timeout_ms INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        started_at INTEGER,
        completed_at INTEGER,
        worker_id TEXT,
        retries INTEGER NOT NULL DEFAULT 0,
        output TEXT,
        error TEXT,
        retain_until INTEGER,
        idempotency_key TEXT,
        request_hash TEXT
      );
      CREATE INDEX jobs_by_endpoint_status ON jobs(endpoint_id, status);
      CREATE INDEX jobs_by_status_order ON jobs(status, queue_order);
      CREATE INDEX jobs_by_expiry ON jobs(expires_at);
      CREATE INDEX jobs_by_retention ON jobs(retain_until) WHERE retain_until IS NOT NULL;
      CREATE UNIQUE INDEX jobs_by_idempotency_key ON jobs(endpoint_id, idempotency_key)
        WHERE idempotency_key IS NOT NULL;
      CREATE TABLE stream_chunks (
        job_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        output TEXT NOT NULL,
        delivered INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (job_id, seq)
      );
      CREATE TABLE workers (
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
        next_attempt_at INTEGER NOT NULL
      );
      CREATE INDEX webhook_outbox_by_due ON webhook_outbox(next_attempt_at);
      CREATE TABLE webhook_deliveries (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        job_id TEXT NOT NULL,
        body TEXT NOT NULL
      );
      CREATE INDEX webhook_deliveries_by_job ON webhook_deliveries(job_id);
      CREATE TABLE scaling_events (
        seq INTEGER PRIMARY KEY,
        endpoint_id TEXT NOT NULL,
        body TEXT NOT NULL
      );
      CREATE INDEX scaling_events_by_endpoint ON scaling_events(endpoint_id, seq);
      CREATE INDEX jobs_by_endpoint_completion ON jobs(endpoint_id, completed_at) WHERE completed_at IS NOT NULL;
    `,
  },
  {
    version: 3,
    name: "worker usage by state, in one-minute buckets",
    sql: `
      CREATE TABLE worker_usage (
        endpoint_id TEXT NOT NULL,
        worker_id TEXT NOT NULL,
        bucket_start INTEGER NOT NULL,
        state TEXT NOT NULL,
        seconds REAL NOT NULL,
        gpu_seconds REAL NOT NULL,
        PRIMARY KEY (endpoint_id, bucket_start, worker_id, state)
      ) WITHOUT ROWID;
      CREATE INDEX jobs_by_endpoint_creation ON jobs(endpoint_id, created_at);
    `,
  },
  {
    version: 4,
    name: "metric history",
    sql: `
      CREATE TABLE metric_buckets (
        endpoint_id TEXT NOT NULL,
        step_ms INTEGER NOT NULL,
        start INTEGER NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (endpoint_id, step_ms, start)
      ) WITHOUT ROWID;
      CREATE INDEX metric_buckets_by_age ON metric_buckets(step_ms, start);
    `,
  },
  {
    version: 5,
    name: "audit events (sessions inside workers) and SSH keys",
    sql: `
      CREATE TABLE audit_events (
        seq INTEGER PRIMARY KEY,
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
        created_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 6,
    name: "ttl expiry ends jobs TIMED_OUT instead of deleting them",
    sql: `
      -- The sweeper looks only for queued and running jobs past their ttl; ended ones wait for retention.
      DROP INDEX jobs_by_expiry;
      CREATE INDEX jobs_active_by_expiry ON jobs(expires_at) WHERE status IN ('IN_QUEUE', 'IN_PROGRESS');
    `,
  },
  {
    version: 7,
    name: "endpoint type (QUEUE | LOAD_BALANCER) and the port of load-balancing workers",
    sql: `
      UPDATE endpoints SET body = json_set(body, '$.type', 'QUEUE') WHERE json_extract(body, '$.type') IS NULL;
      UPDATE workers SET body = json_set(body, '$.port', json('null')) WHERE json_type(body, '$.port') IS NULL;
    `,
  },
  {
    version: 8,
    name: "templates: container disk size, volume mounts and registry credentials",
    sql: `
      UPDATE templates SET body = json_set(body, '$.containerDiskInGb', json('null'), '$.volumeMounts', json('[]'),
          '$.containerRegistryAuthId', json('null'))
        WHERE json_type(body, '$.volumeMounts') IS NULL;
      CREATE TABLE registry_auths (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        body TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 9,
    name: "a separate health port (PORT_HEALTH) of load-balancing workers",
    sql: `
      UPDATE workers SET body = json_set(body, '$.healthPort', json('null')) WHERE json_type(body, '$.healthPort') IS NULL;
    `,
  },
  {
    version: 10,
    name: "the queue lives in the store: an index in dispatch order of each endpoint's queued jobs",
    sql: `
      -- The dispatcher keeps only a window of each queue in memory and refills it with a range scan of this
      -- index (normal lane, then low priority, queue order within a lane); counts of a lane and queue
      -- positions use it too. Partial: ended jobs, most of the table, are not in it.
      CREATE INDEX jobs_queued_by_endpoint ON jobs(endpoint_id, low_priority, queue_order) WHERE status = 'IN_QUEUE';
    `,
  },
  {
    version: 11,
    name: "usage buckets by start, for their retention sweep",
    sql: `
      CREATE INDEX worker_usage_by_bucket ON worker_usage(bucket_start);
    `,
  },
];

/** Brings the database up to the newest migration; each step is atomic. Returns the versions applied. */
export function migrate(db: DatabaseSync, migrations: readonly Migration[] = MIGRATIONS): number[] {
  const row = db.prepare("PRAGMA user_version").get() as { user_version: number };
  const applied: number[] = [];
  for (const migration of migrations) {
    if (migration.version <= row.user_version) {
      continue;
    }
    db.exec("BEGIN IMMEDIATE");
    try {
      db.exec(migration.sql);
      // PRAGMA does not take parameters; the version is a number from this file, not user input.
      db.exec(`PRAGMA user_version = ${Number(migration.version)}`);
      db.exec("COMMIT");
    } catch (error) {
      db.exec("ROLLBACK");
      throw new Error(`migration ${migration.version} (${migration.name}) failed`, { cause: error });
    }
    applied.push(migration.version);
  }
  return applied;
}
