import type { JobRecord, JobStatusValue } from "./records.js";
import type { JobUpdate, QueuedJob, QueuedJobKey } from "./store.js";

/**
 * Row mapping shared by the SQL stores: both keep the same columns, with JSON values as text and
 * booleans as 0/1 integers, so that one mapping serves the embedded and the networked backend.
 */

/** Column of each updatable job field. */
export const JOB_COLUMNS = {
  status: "status",
  queueOrder: "queue_order",
  startedAt: "started_at",
  completedAt: "completed_at",
  workerId: "worker_id",
  retries: "retries",
  output: "output",
  error: "error",
  retainUntil: "retain_until",
  expiresAt: "expires_at",
} as const satisfies Record<keyof JobUpdate, string>;

/** A column an update can set. */
export type JobColumn = (typeof JOB_COLUMNS)[keyof JobUpdate];

/** JSON text of a value; undefined (absent) is kept apart from null by storing SQL NULL. */
export function encode(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value);
}

/** The value {@link encode} stored (SQL NULL reads back as undefined). */
export function decode(text: unknown): unknown {
  return text === null || text === undefined ? undefined : JSON.parse(text as string);
}

/** The column values of an update, in the order of its keys, JSON fields encoded. */
export function jobUpdateValues(update: JobUpdate): { columns: JobColumn[]; values: (string | number | null)[] } {
  const keys = Object.keys(update) as (keyof JobUpdate)[];
  return {
    columns: keys.map((key) => JOB_COLUMNS[key]),
    values: keys.map((key) => {
      const value = update[key];
      return key === "output" || key === "error" ? encode(value) : (value as string | number | null);
    }),
  };
}

/** A job row (all columns of `jobs`) as a record; secrets are still sealed. */
export function toJob(row: unknown): JobRecord | undefined {
  if (row === undefined || row === null) {
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

/** The insert values of a job, in the column order of {@link JOB_INSERT_COLUMNS}; `s3Config` as given. */
export function jobInsertValues(job: JobRecord, queueOrder: number): (string | number | null)[] {
  return [
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
  ];
}

/** The columns {@link jobInsertValues} fills, comma-separated. */
export const JOB_INSERT_COLUMNS =
  "id, endpoint_id, status, kind, queue_order, low_priority, input, webhook, s3_config, execution_timeout_ms, " +
  "expires_at, created_at, started_at, completed_at, worker_id, retries, output, error, retain_until, " +
  "idempotency_key, request_hash";

/** The JSON body of a row (`body` column) as a record. */
export function parseBody<T>(row: unknown): T | undefined {
  if (row === undefined || row === null) {
    return undefined;
  }
  return JSON.parse((row as { body: string }).body) as T;
}

/**
 * The dispatch-order scan both stores run to refill the dispatcher's window, with `?`/`$n` placeholders
 * for: endpoint, the lane and queue order to start after, and the limit. The row comparison matches the
 * partial index `jobs_queued_by_endpoint (endpoint_id, low_priority, queue_order) WHERE status = 'IN_QUEUE'`,
 * so a refill reads `limit` index entries whatever the depth of the backlog.
 */
export function queuedJobsQuery(param: (n: number) => string): string {
  return `SELECT id, queue_order, created_at, low_priority FROM jobs
    WHERE endpoint_id = ${param(1)} AND status = 'IN_QUEUE' AND (low_priority, queue_order) > (${param(2)}, ${param(3)})
    ORDER BY low_priority, queue_order LIMIT ${param(4)}`;
}

/** Counts an endpoint's queued jobs ahead of a place in dispatch order (same index as {@link queuedJobsQuery}). */
export function queuedJobsBeforeQuery(param: (n: number) => string): string {
  return `SELECT count(*) AS n FROM jobs
    WHERE endpoint_id = ${param(1)} AND status = 'IN_QUEUE' AND (low_priority, queue_order) < (${param(2)}, ${param(3)})`;
}

/** Counts an endpoint's queued jobs per lane (same index as {@link queuedJobsQuery}). */
export function queuedJobsByLaneQuery(param: (n: number) => string): string {
  return `SELECT low_priority, count(*) AS n FROM jobs WHERE endpoint_id = ${param(1)} AND status = 'IN_QUEUE' GROUP BY low_priority`;
}

/** The parameters of {@link queuedJobsQuery}: no key means from the front (queue orders start at 1). */
export function queuedJobsParams(endpointId: string, after: QueuedJobKey | undefined, limit: number): unknown[] {
  return [endpointId, after?.lowPriority ? 1 : 0, after?.queueOrder ?? 0, limit];
}

/** A row of {@link queuedJobsQuery} as a queued job. */
export function toQueuedJob(row: unknown): QueuedJob {
  const r = row as { id: string; queue_order: number | string; created_at: number | string; low_priority: number };
  return {
    id: r.id,
    queueOrder: Number(r.queue_order),
    createdAt: Number(r.created_at),
    lowPriority: r.low_priority === 1,
  };
}
