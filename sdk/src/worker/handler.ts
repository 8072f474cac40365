/** S3 credentials a client may attach to a job (passed through at the top level of the job). */
export interface JobS3Config {
  accessId?: string;
  accessSecret?: string;
  bucketName?: string;
  endpointUrl?: string;
  objectPath?: string;
}

/** A job as a handler receives it. */
export interface Job<Input = unknown> {
  /** The job's id. */
  id: string;
  /** What the client sent as `input`. */
  input: Input;
  /** The client's webhook, if any (the control plane delivers it; informational). */
  webhook?: string;
  /** Bucket credentials, if the client sent `s3Config`. */
  s3Config?: JobS3Config;
  /**
   * Aborted when the job is cancelled, times out, or the worker shuts down. Long handlers should pass
   * it to what they await (fetch, timers) or check it between steps.
   */
  signal: AbortSignal;
}

/** What a handler may produce for one job: a value, a promise of one, or a (possibly async) stream of them. */
export type HandlerOutput<Output> =
  | Output
  | Promise<Output>
  | Iterable<Output>
  | AsyncIterable<Output>
  | Generator<Output, unknown, undefined>
  | AsyncGenerator<Output, unknown, undefined>;

/**
 * A job handler: sync, async, generator or async generator. Returning (or yielding) an object with an
 * `error` key fails the job with that error, as RunPod's SDK does; throwing fails it too.
 */
export type Handler<Input = unknown, Output = unknown> = (job: Job<Input>) => HandlerOutput<Output>;

/**
 * True when a handler's return value is a stream to iterate: an async iterable, or a generator. Plain
 * arrays and strings are results, not streams, although they are iterable.
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
