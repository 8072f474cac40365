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
  ports: string[];
  cpuLimit: number | null;
  memoryLimitMb: number | null;
  version: number;
  createdAt: EpochMs;
  updatedAt: EpochMs;
}

/** A stored endpoint. Same fields as the API's `Endpoint`, instants in ms. */
export interface EndpointRecord {
  id: string;
  name: string;
  templateId: string;
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
  /** Instant the job's TTL runs out; it is deleted then, whatever its state. */
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
