/** S3 credentials a client may attach to a job (passed through at the top level of the job). */
export interface JobS3Config {
  accessId?: string;
  accessSecret?: string;
  bucketName?: string;
  endpointUrl?: string;
  objectPath?: string;
}

/** A client's per-job execution policy, as the control plane passes it with the job. */
export interface JobPolicy {
  /** Longest the job may run once taken, in ms. */
  executionTimeout?: number;
  /** Total lifespan from submission, in ms. */
  ttl?: number;
  /** The job does not cause workers to be started. */
  lowPriority?: boolean;
}

/**
 * A job as a handler receives it: what the control plane handed over (unknown keys included, as RunPod's
 * SDK passes the whole job dict), plus the job's abort signal.
 */
export interface Job<Input = unknown> {
  /** The job's id. */
  id: string;
  /** What the client sent as `input`. */
  input: Input;
  /** The client's webhook, if any (the control plane delivers it; informational). */
  webhook?: string;
  /** Bucket credentials, if the client sent `s3Config`. */
  s3Config?: JobS3Config;
  /** The client's execution policy, if it sent one. */
  policy?: JobPolicy;
  /**
   * Aborted when the job is cancelled or times out (the control plane's job-stop channel), or when the
   * worker's shutdown grace period runs out. Long handlers should pass it to what they await (fetch,
   * timers) or check it between steps; once it is aborted nothing more of the job is reported.
   */
  signal: AbortSignal;
  /** Any other key the control plane sent with the job (RunPod adds some, such as `batchId`). */
  [key: string]: unknown;
}

/**
 * What a handler may produce for one job: a value, a promise of one, or a (possibly async) stream of them.
 * A stream is an async iterable or an iterator (a generator); a returned array or string is one value.
 */
export type HandlerOutput<Output> =
  | Output
  | Promise<Output>
  | IterableIterator<Output>
  | AsyncIterable<Output>
  | Generator<Output, unknown, undefined>
  | AsyncGenerator<Output, unknown, undefined>;

/**
 * A job handler: sync, async, generator or async generator. Returning (or yielding) an object with an
 * `error` key fails the job with that error, as RunPod's SDK does; throwing fails it too.
 */
export type Handler<Input = unknown, Output = unknown> = (job: Job<Input>) => HandlerOutput<Output>;

/**
 * True when a handler's return value is a stream to iterate: an async iterable, or an iterator such as a
 * generator. Plain arrays and strings are results, not streams, although they are iterable. The value is
 * inspected rather than the handler function because transpiled generators no longer look like
 * generator functions.
 */
export function isStream(value: unknown): value is Iterable<unknown> | AsyncIterable<unknown> {
  if (value === null || typeof value !== "object") {
    return false;
  }
  if (Symbol.asyncIterator in value) {
    return true;
  }
  return Symbol.iterator in value && typeof (value as { next?: unknown }).next === "function";
}
