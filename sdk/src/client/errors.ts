import type { components } from "../generated/openapi.js";

/** An RFC 9457 problem document, as the control plane answers every refused request. */
export type Problem = components["schemas"]["Problem"];
/** A job in the control plane's status shape. */
export type JobStatus = components["schemas"]["JobStatus"];

/** The job an error is about: always its endpoint and id, and its last known status when there is one. */
export interface JobReference {
  /** The endpoint the job was sent to. */
  endpointId: string;
  /** The job's id; undefined when the request that failed would have created it. */
  jobId: string | undefined;
  /** The job as last seen, when it was seen. */
  status?: JobStatus;
}

/**
 * The base of every error the client throws on purpose, so `catch (e) { if (e instanceof RunfleetError) }`
 * separates the SDK's failures from bugs. Aborts and per-call timeouts are not among them: they reject
 * with the signal's reason, as `fetch` does (an `AbortError` or a `TimeoutError` `DOMException`).
 */
export class RunfleetError extends Error {
  override readonly name: string = "RunfleetError";

  /** True when `value` is an instance of the class it is called on: `ApiError.is(e)`, `JobFailedError.is(e)`. */
  static is<T extends RunfleetError>(this: abstract new (...args: never[]) => T, value: unknown): value is T {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the subclass it is called on, which is the point.
    return value instanceof this;
  }
}

/** The base of the errors about a job's outcome; each carries the job. */
export abstract class JobError extends RunfleetError {
  constructor(
    /** The job, as last seen. */
    readonly job: JobReference,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The control plane answered with an error status. */
export class ApiError extends RunfleetError {
  override readonly name = "ApiError";
  /** The HTTP status. */
  readonly status: number;
  /** The problem document, when the answer carried one (it always does from a Runfleet control plane). */
  readonly problem: Problem | undefined;
  /** The request's method and URL, for messages and logs. */
  readonly request: { method: string; url: string };
  /** The job the request was about, if any. */
  readonly job: JobReference | undefined;

  constructor(
    init: {
      status: number;
      problem: Problem | undefined;
      request: { method: string; url: string };
      job?: JobReference;
      /** The answer's text when it was not a problem document. */
      text?: string;
    },
    options?: { cause?: unknown },
  ) {
    const what = init.problem
      ? `${init.problem.detail} (${init.problem.code})`
      : init.text?.slice(0, 300) || "no details";
    super(`${init.request.method} ${init.request.url} failed with ${init.status}: ${what}`, options);
    this.status = init.status;
    this.problem = init.problem;
    this.request = init.request;
    this.job = init.job;
  }

  /** The problem's error code (`endpoint_not_found`, `unauthorized`, ...), when there is one. */
  get code(): Problem["code"] | undefined {
    return this.problem?.code;
  }
}

/** No answer came back: the control plane is not running, not reachable, or the connection broke. */
export class ConnectionError extends RunfleetError {
  override readonly name = "ConnectionError";
  /** The request that got no answer, when it is known: its method and full URL. */
  readonly request: { method: string; url: string } | undefined;

  constructor(
    /** The URL that could not be reached. */
    readonly url: string,
    options: { cause: unknown; request?: { method: string; url: string } },
  ) {
    const reason = describeCause(options.cause);
    super(`cannot reach the control plane at ${url}${reason ? ` (${reason})` : ""}`, { cause: options.cause });
    this.request = options.request;
  }
}

/** The job ended `FAILED`; `cause` is the handler's error (parsed when the worker sent it as JSON text). */
export class JobFailedError extends JobError {
  override readonly name = "JobFailedError";
  /** The failed job. */
  declare readonly job: JobReference & { status: JobStatus };
  constructor(job: JobReference & { status: JobStatus }, options: { cause: unknown }) {
    super(
      job,
      `job ${job.jobId} of endpoint ${job.endpointId} failed: ${describeCause(options.cause) || "no reason given"}`,
      options,
    );
  }
}

/** The job was cancelled (by `cancel()`, the CLI, or anyone else with a key). */
export class JobCancelledError extends JobError {
  override readonly name = "JobCancelledError";
  /** The cancelled job. */
  declare readonly job: JobReference & { status: JobStatus };
  constructor(job: JobReference & { status: JobStatus }, options?: { cause?: unknown }) {
    super(job, `job ${job.jobId} of endpoint ${job.endpointId} was cancelled`, options);
  }
}

/**
 * A job did not end in time. `kind` says whose limit it was: `"execution"` when the control plane timed
 * the job out (status `TIMED_OUT`), `"wait"` when the caller's `timeoutMs` ran out first (the job may
 * still end later; `job.status` is what was seen last).
 */
export class JobTimeoutError extends JobError {
  override readonly name = "JobTimeoutError";
  constructor(
    job: JobReference,
    /** Whose limit ran out. */
    readonly kind: "execution" | "wait",
    /** The caller's limit, for `"wait"`. */
    readonly timeoutMs: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(
      job,
      kind === "execution"
        ? `job ${job.jobId} of endpoint ${job.endpointId} timed out on the control plane`
        : `job ${job.jobId} of endpoint ${job.endpointId} did not end within ${timeoutMs} ms (last status ${job.status?.status ?? "unknown"})`,
      options,
    );
  }
}

/** An input or output did not match the schema given to `endpoint()`; `issues` says where. */
export class SchemaValidationError extends RunfleetError {
  override readonly name = "SchemaValidationError";
  constructor(
    /** Which value was checked. */
    readonly subject: "input" | "output" | "chunk",
    /** What is wrong, one entry per problem. */
    readonly issues: ReadonlyArray<{ message: string; path?: string }>,
    /** The job, for outputs and chunks. */
    readonly job: JobReference | undefined,
    options?: { cause?: unknown },
  ) {
    const list = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join("; ");
    super(`${subject} does not match its schema: ${list}`, options);
  }
}

/** A short text for an error cause: its code and message, or the value as JSON. */
function describeCause(cause: unknown): string {
  if (cause instanceof Error) {
    // Node's fetch says only "fetch failed"; the socket's code (or the reason) is one level down.
    const inner = cause.cause as { code?: unknown; message?: unknown } | undefined;
    const detail =
      typeof inner?.code === "string" ? inner.code : typeof inner?.message === "string" ? inner.message : undefined;
    return detail ? `${cause.message}: ${detail}` : cause.message;
  }
  if (typeof cause === "string") {
    return cause;
  }
  if (cause === undefined || cause === null) {
    return "";
  }
  if (typeof cause === "object" && "error_message" in cause && typeof cause.error_message === "string") {
    // The error document RunPod's Python workers send.
    return cause.error_message;
  }
  return JSON.stringify(cause);
}
