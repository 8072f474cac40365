import type { components } from "../generated/openapi.js";
import { type CallOptions, callSignal, unwrap } from "./call.js";
import type { ClientContext } from "./client-context.js";
import {
  JobCancelledError,
  JobFailedError,
  type JobReference,
  type JobStatus,
  JobTimeoutError,
  RunfleetError,
} from "./errors.js";
import { sleep } from "./retrying-fetch.js";
import { type Schema, validate } from "./schema.js";

/** A job's state: `IN_QUEUE`, `IN_PROGRESS`, or one of the final four. */
export type JobStatusValue = components["schemas"]["JobStatusValue"];
/** The states a job does not leave (unless retried). */
export type TerminalStatus = Extract<JobStatusValue, "COMPLETED" | "FAILED" | "CANCELLED" | "TIMED_OUT">;

/** A job that ended `COMPLETED`, with its output checked against the endpoint's output schema. */
export type CompletedJob<O> = Omit<JobStatus, "status" | "output"> & { status: "COMPLETED"; output: O };

/** True for `COMPLETED`, `FAILED`, `CANCELLED` and `TIMED_OUT`. */
export function isTerminal(status: JobStatusValue): status is TerminalStatus {
  return status === "COMPLETED" || status === "FAILED" || status === "CANCELLED" || status === "TIMED_OUT";
}

/** Options of {@link Job.wait}. */
export interface WaitOptions {
  /** Longest wait, in ms; then a {@link JobTimeoutError} of kind `"wait"`. @defaultValue no limit */
  timeoutMs?: number;
  /** Stops waiting; the wait rejects with the signal's reason. The job itself keeps running. */
  signal?: AbortSignal;
  /** Called with each new progress value the handler reports while the job runs. */
  onProgress?: (progress: unknown, status: JobStatus) => void;
  /** Called with the status after every poll (e.g. to show `IN_QUEUE` and its `reason`). */
  onStatus?: (status: JobStatus) => void;
}

/** The schemas a job's output and chunks are checked with. */
export interface JobSchemas<O, C> {
  output?: Schema<O> | undefined;
  chunk?: Schema<C> | undefined;
}

/**
 * A handle on one job of an endpoint. Holding one costs nothing: every method asks the control plane.
 */
export class Job<O = unknown, C = unknown> {
  constructor(
    private readonly ctx: ClientContext,
    /** The endpoint the job belongs to. */
    readonly endpointId: string,
    /** The job's id. */
    readonly id: string,
    private readonly schemas: JobSchemas<O, C> = {},
  ) {}

  /** The job's current status (`output` holds the latest progress value while it runs). */
  async status(call?: CallOptions): Promise<JobStatus> {
    return unwrap(
      await this.ctx.api.GET("/v2/{endpointId}/status/{jobId}", {
        params: { path: { endpointId: this.endpointId, jobId: this.id } },
        signal: callSignal(this.ctx.options, call),
      }),
      this.ref(),
    );
  }

  /**
   * Waits for the job to end, polling its status with growing intervals (from the client's
   * `pollIntervalMs` up to `maxPollIntervalMs`). Resolves with the completed job; throws
   * {@link JobFailedError}, {@link JobCancelledError} or {@link JobTimeoutError} otherwise.
   */
  async wait(options: WaitOptions = {}): Promise<CompletedJob<O>> {
    const deadline = new Deadline(options.timeoutMs, options.signal);
    let interval = this.ctx.options.pollIntervalMs;
    let lastProgress: string | undefined;
    let last: JobStatus | undefined;
    for (;;) {
      last = await deadline.run(() => this.status({ signal: deadline.signal }), this.ref(last));
      options.onStatus?.(last);
      if (isTerminal(last.status)) {
        return this.settle(last);
      }
      if (options.onProgress && last.status === "IN_PROGRESS" && last.output !== undefined) {
        const seen = JSON.stringify(last.output);
        if (seen !== lastProgress) {
          lastProgress = seen;
          options.onProgress(last.output, last);
        }
      }
      await deadline.run(() => sleep(Math.min(interval, deadline.remainingMs()), deadline.signal), this.ref(last));
      interval = Math.min(interval * 1.5, this.ctx.options.maxPollIntervalMs);
    }
  }

  /**
   * The job's streamed chunks as they arrive (each `/stream` call takes those not yet delivered). The
   * iteration ends when the job completes, and throws the job's typed error when it ends otherwise.
   */
  async *stream(call: { signal?: AbortSignal } = {}): AsyncGenerator<C, void, undefined> {
    const hold = this.ctx.options.streamHoldMs;
    for (;;) {
      const answer = unwrap(
        await this.ctx.api.GET("/v2/{endpointId}/stream/{jobId}", {
          params: { path: { endpointId: this.endpointId, jobId: this.id }, query: { wait: hold } },
          signal: callSignal(this.ctx.options, call, hold),
        }),
        this.ref(),
      );
      for (const chunk of answer.stream) {
        yield await validate(this.schemas.chunk, chunk.output, "chunk", this.ref());
      }
      if (isTerminal(answer.status) && answer.stream.length === 0) {
        if (answer.status !== "COMPLETED") {
          await this.settle(await this.status(call));
        }
        return;
      }
    }
  }

  /** Cancels the job (a running one is stopped on its worker); answers its status after the call. */
  async cancel(call?: CallOptions): Promise<JobStatus> {
    return unwrap(
      await this.ctx.api.POST("/v2/{endpointId}/cancel/{jobId}", {
        params: { path: { endpointId: this.endpointId, jobId: this.id } },
        signal: callSignal(this.ctx.options, call),
      }),
      this.ref(),
    );
  }

  /** Re-queues a `FAILED` or `TIMED_OUT` job with the same id and input; resolves with this handle. */
  async retry(call?: CallOptions): Promise<this> {
    unwrap(
      await this.ctx.api.POST("/v2/{endpointId}/retry/{jobId}", {
        params: { path: { endpointId: this.endpointId, jobId: this.id } },
        signal: callSignal(this.ctx.options, call),
      }),
      this.ref(),
    );
    return this;
  }

  /**
   * Turns a final status into the outcome: the completed job (output validated), or the typed error.
   * @internal shared with `runSync`.
   */
  async settle(status: JobStatus): Promise<CompletedJob<O>> {
    const job = { ...this.ref(status), status };
    switch (status.status) {
      case "COMPLETED": {
        const output = await validate(this.schemas.output, status.output, "output", job);
        return { ...status, status: "COMPLETED", output };
      }
      case "FAILED":
        throw new JobFailedError(job, { cause: parseWorkerError(status.error) });
      case "CANCELLED":
        throw new JobCancelledError(job);
      case "TIMED_OUT":
        throw new JobTimeoutError(job, "execution", undefined, { cause: parseWorkerError(status.error) });
      default:
        throw new RunfleetError(`job ${this.id} has not ended (${status.status})`);
    }
  }

  private ref(status?: JobStatus): JobReference {
    return status
      ? { endpointId: this.endpointId, jobId: this.id, status }
      : { endpointId: this.endpointId, jobId: this.id };
  }
}

/**
 * A caller's time limit and signal over several calls. `run` turns the limit running out (while a call
 * or a pause is under way) into a {@link JobTimeoutError}; the caller's own abort passes through.
 */
export class Deadline {
  private readonly at: number;
  private readonly timer: AbortSignal | undefined;
  /** Aborts when the caller aborts or the limit runs out. */
  readonly signal: AbortSignal | undefined;

  constructor(
    private readonly timeoutMs: number | undefined,
    private readonly callerSignal: AbortSignal | undefined,
  ) {
    this.at = timeoutMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + timeoutMs;
    this.timer = timeoutMs === undefined ? undefined : AbortSignal.timeout(timeoutMs);
    const signals = [callerSignal, this.timer].filter((s): s is AbortSignal => s !== undefined);
    this.signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
  }

  /** Ms left; `Infinity` without a limit. */
  remainingMs(): number {
    return Math.max(0, this.at - Date.now());
  }

  /** Runs `step`; when the limit has run out (before or during it), throws a {@link JobTimeoutError}. */
  async run<T>(step: () => Promise<T>, job: JobReference): Promise<T> {
    if (this.callerSignal?.aborted) {
      throw this.callerSignal.reason;
    }
    if (this.remainingMs() <= 0) {
      throw new JobTimeoutError(job, "wait", this.timeoutMs);
    }
    try {
      return await step();
    } catch (error) {
      if (this.timer?.aborted && !this.callerSignal?.aborted) {
        throw new JobTimeoutError(job, "wait", this.timeoutMs, { cause: error });
      }
      throw error;
    }
  }
}

/** RunPod's Python workers send the error as JSON text; give callers the object when it is one. */
function parseWorkerError(error: unknown): unknown {
  if (typeof error === "string" && error.startsWith("{")) {
    try {
      return JSON.parse(error);
    } catch {
      return error;
    }
  }
  return error;
}
