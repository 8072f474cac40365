import type { components } from "../generated/openapi.js";
import { type CallOptions, callSignal, unwrap } from "./call.js";
import type { ClientContext } from "./client-context.js";
import type { JobReference } from "./errors.js";
import { type CompletedJob, Deadline, isTerminal, Job } from "./job.js";
import { type Schema, validate } from "./schema.js";

type Schemas = components["schemas"];

/** The schemas an endpoint's values are checked with; each is optional. */
export interface EndpointSchemas<I, O, C> {
  /** Checks (and may transform) the input before it is sent. */
  input?: Schema<I>;
  /** Checks the output of completed jobs. */
  output?: Schema<O>;
  /** Checks each streamed chunk. */
  chunk?: Schema<C>;
}

/** Options of {@link Endpoint.run}. */
export interface RunOptions extends CallOptions {
  /** URL the control plane POSTs the final status to (signed; see the webhooks docs). */
  webhook?: string;
  /** Execution timeout, TTL and low priority for this job. */
  policy?: Schemas["JobPolicy"];
  /** Bucket credentials handed to the worker with the job. */
  s3Config?: Schemas["S3Config"];
  /**
   * Makes the submission safe to repeat: the same key and body return the first job. The client makes
   * one up for every call so that its own retries never queue a job twice; give your own to make
   * resubmissions across processes safe. @defaultValue a random UUID
   */
  idempotencyKey?: string;
}

/** Options of {@link Endpoint.runSync}. */
export interface RunSyncOptions extends Omit<RunOptions, "idempotencyKey" | "timeoutMs"> {
  /** Longest wait for the result, in ms; then a `JobTimeoutError` of kind `"wait"`. @defaultValue no limit */
  timeoutMs?: number;
}

/** A fresh random key; `randomUUID` is missing in browsers' insecure (plain http, non-localhost) pages. */
function idempotencyKey(): string {
  if (typeof globalThis.crypto.randomUUID === "function") {
    return globalThis.crypto.randomUUID();
  }
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Longest hold of one `/runsync` or `/status-sync` call; the server's own default and RunPod's. */
const SYNC_HOLD_MS = 90_000;

/**
 * A typed handle on an endpoint's job API: send jobs, wait for them, look at its health.
 * `I` is the input type, `O` the output of a completed job, `C` a streamed chunk.
 */
export class Endpoint<I = unknown, O = unknown, C = unknown> {
  constructor(
    private readonly ctx: ClientContext,
    /** The endpoint's id. */
    readonly id: string,
    private readonly schemas: EndpointSchemas<I, O, C> = {},
  ) {}

  /** Queues a job and returns its handle at once (`await endpoint.run(x)` then `job.wait()`). */
  async run(input: I, options: RunOptions = {}): Promise<Job<O, C>> {
    const body = await this.body(input, options);
    const key = options.idempotencyKey ?? idempotencyKey();
    const accepted = unwrap(
      await this.ctx.api.POST("/v2/{endpointId}/run", {
        params: { path: { endpointId: this.id }, header: { "Idempotency-Key": key } },
        body,
        signal: callSignal(this.ctx.options, options),
      }),
      this.ref(),
    );
    return this.job(accepted.id);
  }

  /**
   * Runs a job and waits for its result. The server holds the request up to 90 s; a job that outlives
   * that is followed with `status-sync` long polls until it ends or `timeoutMs` runs out. Resolves with
   * the completed job; throws `JobFailedError`, `JobCancelledError` or `JobTimeoutError` otherwise.
   */
  async runSync(input: I, options: RunSyncOptions = {}): Promise<CompletedJob<O>> {
    const body = await this.body(input, options);
    const deadline = new Deadline(options.timeoutMs, options.signal);
    const hold = () => Math.min(SYNC_HOLD_MS, Math.ceil(deadline.remainingMs()));
    let wait = hold();
    let status = await deadline.run(
      async () =>
        unwrap(
          await this.ctx.api.POST("/v2/{endpointId}/runsync", {
            params: { path: { endpointId: this.id }, query: { wait } },
            body,
            signal: callSignal(this.ctx.options, { signal: deadline.signal }, wait),
          }),
          this.ref(),
        ),
      this.ref(),
    );
    const job = this.job(status.id);
    while (!isTerminal(status.status)) {
      wait = hold();
      status = await deadline.run(
        async () =>
          unwrap(
            await this.ctx.api.GET("/v2/{endpointId}/status-sync/{jobId}", {
              params: { path: { endpointId: this.id, jobId: job.id }, query: { wait } },
              signal: callSignal(this.ctx.options, { signal: deadline.signal }, wait),
            }),
            { endpointId: this.id, jobId: job.id, status },
          ),
        { endpointId: this.id, jobId: job.id, status },
      );
    }
    return job.settle(status);
  }

  /** A handle on an existing job of this endpoint (nothing is sent). */
  job(jobId: string): Job<O, C> {
    return new Job<O, C>(this.ctx, this.id, jobId, { output: this.schemas.output, chunk: this.schemas.chunk });
  }

  /** Job counts and worker counts, in RunPod's `/health` shape. */
  async health(call?: CallOptions): Promise<Schemas["EndpointHealth"]> {
    return unwrap(
      await this.ctx.api.GET("/v2/{endpointId}/health", {
        params: { path: { endpointId: this.id } },
        signal: callSignal(this.ctx.options, call),
      }),
      this.ref(),
    );
  }

  /** Removes every queued job (running ones keep running); answers how many were removed. */
  async purgeQueue(call?: CallOptions): Promise<Schemas["PurgeResult"]> {
    return unwrap(
      await this.ctx.api.POST("/v2/{endpointId}/purge-queue", {
        params: { path: { endpointId: this.id } },
        signal: callSignal(this.ctx.options, call),
      }),
      this.ref(),
    );
  }

  private async body(input: I, options: RunOptions): Promise<Schemas["JobRequest"]> {
    const checked = await validate(this.schemas.input, input, "input", undefined);
    const body: Schemas["JobRequest"] = { input: checked };
    if (options.webhook !== undefined) {
      body.webhook = options.webhook;
    }
    if (options.policy !== undefined) {
      body.policy = options.policy;
    }
    if (options.s3Config !== undefined) {
      body.s3Config = options.s3Config;
    }
    return body;
  }

  private ref(): JobReference {
    return { endpointId: this.id, jobId: undefined };
  }
}
