import type { components } from "@runfleet/sdk/generated";

type Schemas = components["schemas"];

/** Milliseconds since the epoch; the store keeps every instant in this form. */
export type EpochMs = number;

/** A stored template. Same fields as the API's `Template`, instants in ms. */
export interface TemplateRecord {
  id: string;
  name: string;
  imageName: string | null;
  command: string[];
  env: Record<string, string>;
  /** Secret env values in plain text; the store seals them at rest and the API never shows them. */
  secretEnv: Record<string, string>;
  ports: string[];
  cpuLimit: number | null;
  memoryLimitMb: number | null;
  /** The container's writable disk in GB, where the driver can limit it. */
  containerDiskInGb: number | null;
  /** Volumes mounted into container workers. */
  volumeMounts: Schemas["VolumeMount"][];
  /** The stored registry credentials its image is pulled with, if any. */
  containerRegistryAuthId: string | null;
  version: number;
  createdAt: EpochMs;
  updatedAt: EpochMs;
}

/** Stored container registry credentials (`/v1/registry-auths`). */
export interface RegistryAuthRecord {
  id: string;
  name: string;
  username: string;
  /** In plain text; the store seals it at rest and the API never shows it. */
  password: string;
  createdAt: EpochMs;
  updatedAt: EpochMs;
}

/** A stored endpoint. Same fields as the API's `Endpoint`, instants in ms. */
export interface EndpointRecord {
  id: string;
  name: string;
  templateId: string;
  /** `QUEUE` (jobs taken by handlers) or `LOAD_BALANCER` (requests proxied to the workers' own servers). */
  type: Schemas["EndpointType"];
  computeType: Schemas["ComputeType"];
  gpuTypeIds: string[];
  gpuCount: number;
  workersMin: number;
  workersMax: number;
  idleTimeout: number;
  scalerType: Schemas["ScalerType"];
  scalerValue: number;
  executionTimeoutMs: number;
  flashboot: boolean;
  env: Record<string, string>;
  /** Secret env values in plain text; the store seals them at rest and the API never shows them. */
  secretEnv: Record<string, string>;
  driver: Schemas["DriverKind"] | null;
  version: number;
  createdAt: EpochMs;
  updatedAt: EpochMs;
}

/** A stored API key: its secret is kept only as a SHA-256 hash. */
export interface ApiKeyRecord {
  id: string;
  name: string;
  scope: Schemas["ApiKeyScope"];
  endpointIds: string[];
  prefix: string;
  hash: string;
  createdAt: EpochMs;
  lastUsedAt: EpochMs | null;
  revokedAt: EpochMs | null;
}

/** A job's state, from the contract. */
export type JobStatusValue = Schemas["JobStatusValue"];

/** How a job was submitted: `/run` (results kept 30 min) or `/runsync` (kept 1 min). */
export type JobKind = "async" | "sync";

/** A stored job. */
export interface JobRecord {
  id: string;
  endpointId: string;
  status: JobStatusValue;
  kind: JobKind;
  /** Dispatch order within a priority: later is served later. Assigned by the store on insert when 0. */
  queueOrder: number;
  lowPriority: boolean;
  input: unknown;
  webhook: string | null;
  s3Config: Schemas["S3Config"] | null;
  /** Effective execution timeout (policy, else the endpoint's). */
  executionTimeoutMs: number;
  /** Instant the job's TTL runs out: a queued or running job then ends TIMED_OUT (an ended one is unaffected). */
  expiresAt: EpochMs;
  createdAt: EpochMs;
  startedAt: EpochMs | null;
  completedAt: EpochMs | null;
  workerId: string | null;
  retries: number;
  /** The result, or undefined. */
  output: unknown;
  /** The error (a string or an object, as the worker sent it), or undefined. */
  error: unknown;
  /** When a finished job's result is deleted. */
  retainUntil: EpochMs | null;
  idempotencyKey: string | null;
  /** SHA-256 of the submitted body, to tell a true resubmission from a reused key. */
  requestHash: string | null;
}

/** A chunk a worker streamed for a job. */
export interface StreamChunkRecord {
  jobId: string;
  seq: number;
  output: unknown;
}

/** A registered worker. */
export interface WorkerRecord {
  id: string;
  endpointId: string;
  driver: Schemas["Worker"]["driver"];
  tokenHash: string;
  concurrency: number;
  endpointVersion: number;
  gpuIds: string[];
  createdAt: EpochMs;
  readyAt: EpochMs | null;
  lastSeenAt: EpochMs | null;
  /** Set when the worker reported itself unhealthy, or the control plane judged it so. */
  unhealthyReason: string | null;
  /** Takes no new job; stops after its current ones. */
  draining: boolean;
  /**
   * Where a driver-managed worker stands beyond what its calls show: `active` (running), `standby`
   * (paused by FlashBoot), or `throttled` (waiting for GPUs, not started yet).
   */
  placement: "active" | "standby" | "throttled";
  /**
   * The port of the worker's own HTTP server (`PORT`, and `PORT_HEALTH` for `/ping`), for workers of
   * load-balancing endpoints; null for queue workers.
   */
  port: number | null;
  /**
   * A separate port for its `GET /ping` (`PORT_HEALTH`), when the endpoint's env asks for one (sets
   * `PORT_HEALTH` to something other than `PORT`, as on RunPod); null: `/ping` is served on `port`.
   */
  healthPort: number | null;
}

/** One attempt to deliver a job's webhook. */
export interface WebhookDeliveryRecord {
  id: string;
  jobId: string;
  endpointId: string;
  url: string;
  attempt: number;
  state: "delivered" | "failed" | "gave_up";
  responseStatus: number | null;
  error: string | null;
  at: EpochMs;
  nextAttemptAt: EpochMs | null;
}

/** A webhook waiting to be (re)delivered: survives restarts. */
export interface WebhookOutboxRecord {
  jobId: string;
  endpointId: string;
  url: string;
  /** The status document to deliver, frozen when the job ended. */
  payload: string;
  attempts: number;
  nextAttemptAt: EpochMs;
}

/** One decision of the autoscaler, with the figures it was made from. */
export interface ScalingEventRecord {
  id: string;
  endpointId: string;
  at: EpochMs;
  action: Schemas["ScalingEvent"]["action"];
  workerId: string | null;
  reason: string;
  inputs: Record<string, unknown>;
}

/**
 * Time one worker spent in one state within one bucket (a minute), and the GPU-seconds it held then.
 * Written by the usage meter; adding a record for an existing (worker, bucket, state) adds to it.
 */
export interface WorkerUsageRecord {
  endpointId: string;
  workerId: string;
  /** Start of the bucket. */
  bucketStart: EpochMs;
  state: "initializing" | "running" | "idle" | "standby" | "throttled" | "stopping" | "unhealthy";
  seconds: number;
  gpuSeconds: number;
}

/** When a job was submitted, taken and finished: what a simulation replays of an endpoint's history. */
export interface JobHistoryRecord {
  createdAt: EpochMs;
  startedAt: EpochMs | null;
  completedAt: EpochMs | null;
  lowPriority: boolean;
}

/**
 * A sparse histogram of durations in ms: bucket index → count (see `metrics/metric-history.ts` for the
 * bucket bounds). Histograms merge by adding counts, so downsampled percentiles stay honest.
 */
export type HistogramRecord = Record<string, number>;

/**
 * The figures of one time bucket of one endpoint's metric history. Gauges are kept as sums over the samples
 * merged in (the mean is `sum / samples`), so buckets of any width merge exactly.
 */
export interface MetricFiguresRecord {
  /** Samples merged into the bucket. */
  samples: number;
  /** Sum over the samples of the jobs waiting. */
  queuedSum: number;
  /** Most jobs waiting at one sample. */
  queuedMax: number;
  /** Sum over the samples of the workers in each status. */
  workers: Record<string, number>;
  /** Jobs that completed in the bucket. */
  jobsCompleted: number;
  /** Jobs that failed or timed out in the bucket. */
  jobsFailed: number;
  /** Delay times (queued → taken) of the jobs that finished in the bucket. */
  delay: HistogramRecord;
  /** Execution times of the jobs that finished in the bucket. */
  execution: HistogramRecord;
  /** Cold-start durations (created → ready) of the workers that became ready in the bucket. */
  coldStart: HistogramRecord;
  /**
   * Routed requests (load-balancing endpoints) that finished in the bucket; absent in buckets stored
   * before the router recorded history (read as 0, as are the three below).
   */
  requests?: number;
  /** Of them, those answered 5xx. */
  requestErrors?: number;
  /** Sum over the samples of the routed requests in flight. */
  inFlightSum?: number;
  /** Latencies (arrival → end of answer) of the routed requests that finished in the bucket. */
  requestLatency?: HistogramRecord;
}

/** A stored bucket of metric history: an endpoint's figures over `[start, start + stepMs)`. */
export interface MetricBucketRecord extends MetricFiguresRecord {
  endpointId: string;
  /** Width of the bucket (its tier's step). */
  stepMs: number;
  /** Start of the bucket, a multiple of `stepMs`. */
  start: EpochMs;
}

/** A job that reached COMPLETED, FAILED or TIMED_OUT, with its timings, for the metric history. */
export interface FinishedJobRecord {
  endpointId: string;
  status: "COMPLETED" | "FAILED" | "TIMED_OUT";
  /** Queued → taken, or queued → finished for a job never taken. */
  delayMs: number;
  /** Taken → finished; null for a job never taken. */
  executionMs: number | null;
}

/** A session opened inside a worker, as the audit log keeps it. Same fields as the API's `AuditEvent`. */
export interface AuditEventRecord {
  id: string;
  action: Schemas["AuditEvent"]["action"];
  actor: Schemas["AuditEvent"]["actor"];
  endpointId: string;
  workerId: string;
  driver: Schemas["DriverKind"];
  command: string[];
  tty: boolean;
  transport: Schemas["AuditEvent"]["transport"];
  remoteAddress: string | null;
  startedAt: EpochMs;
  endedAt: EpochMs | null;
  outcome: Schemas["AuditEvent"]["outcome"];
  exitCode: number | null;
  signal: string | null;
  error: string | null;
}

/** A registered SSH public key, the only credential the SSH gateway accepts. */
export interface SshKeyRecord {
  id: string;
  name: string;
  /** The key's algorithm, e.g. `ssh-ed25519`. */
  type: string;
  /** `SHA256:` and the unpadded base64 of the SHA-256 of the key's wire form, as `ssh-keygen -l` prints it. */
  fingerprint: string;
  /** `type base64`, without a comment. */
  publicKey: string;
  /** The API key that registered it. */
  createdBy: string;
  createdAt: EpochMs;
  lastUsedAt: EpochMs | null;
}
