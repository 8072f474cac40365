import {
  ApiError,
  type Job,
  JobCancelledError,
  JobFailedError,
  type JobStatus,
  JobTimeoutError,
  type Runfleet,
} from "@runfleet/sdk";
import { integerFlag, jsonArgument } from "./cli-arguments.js";
import { COMMON_USAGE, parseCommand } from "./cli-context.js";
import { usageError } from "./cli-errors.js";
import { type CliOutput, json, spinner } from "./cli-output.js";

/** Usage of `runfleet run`. */
export const RUN_USAGE = `Usage:
  runfleet run <endpoint> [--input JSON|@file] [--async] [--timeout MS]
               [--low-priority] [--execution-timeout-ms MS] [--webhook URL] [--idempotency-key KEY]

<endpoint> is an endpoint id, or the name of exactly one endpoint.
--input   the job's input, inline JSON or @file (@- for stdin)          [{}]
--async   print the job id and return at once (then: runfleet jobs status <endpoint> <id>)
--timeout stop waiting after MS (exit 5; the job keeps running)        [no limit]
Without --async it waits (with a spinner on a terminal), prints progress to stderr, streamed chunks to
stdout (one JSON line each), then the output. With --json it prints only the final job status.

${COMMON_USAGE}`;

/** `runfleet run <endpoint>`: sends a job and, unless `--async`, waits for its result. */
export async function runCommand(args: string[], env: NodeJS.ProcessEnv, output: CliOutput): Promise<void> {
  const context = parseCommand(
    args,
    {
      input: { type: "string", short: "i" },
      async: { type: "boolean" },
      timeout: { type: "string" },
      webhook: { type: "string" },
      "low-priority": { type: "boolean" },
      "execution-timeout-ms": { type: "string" },
      "idempotency-key": { type: "string" },
    },
    RUN_USAGE,
    env,
    output,
  );
  if (context === undefined) {
    return;
  }
  const [reference, extra] = context.positionals;
  if (!reference || extra !== undefined) {
    throw usageError(reference ? `unexpected argument "${extra}"` : "missing an endpoint", RUN_USAGE);
  }
  const v = context.values;
  const input = v.input === undefined ? {} : jsonArgument("--input", v.input);
  const timeoutMs = integerFlag("--timeout", v.timeout);
  const executionTimeout = integerFlag("--execution-timeout-ms", v["execution-timeout-ms"]);
  const policy = {
    ...(v["low-priority"] ? { lowPriority: true } : {}),
    ...(executionTimeout === undefined ? {} : { executionTimeout }),
  };
  const runfleet = context.client();
  const job = await withEndpoint(runfleet, reference, (endpointId) =>
    runfleet.endpoint(endpointId).run(input, {
      ...(Object.keys(policy).length > 0 ? { policy } : {}),
      ...(v.webhook === undefined ? {} : { webhook: v.webhook }),
      ...(v["idempotency-key"] === undefined ? {} : { idempotencyKey: v["idempotency-key"] }),
    }),
  );
  if (v.async) {
    output.out(context.json ? json({ id: job.id, endpointId: job.endpointId, status: "IN_QUEUE" }) : `${job.id}\n`);
    return;
  }
  if (!context.json) {
    output.err(`job ${job.id} sent to endpoint ${job.endpointId}\n`);
  }
  await follow(job, output, context.json, timeoutMs);
}

/**
 * Waits for a job while printing its progress and streamed chunks. Ctrl-C stops waiting (exit 130) and
 * says how to cancel the job, which keeps running.
 */
export async function follow(
  job: Job,
  output: CliOutput,
  asJson: boolean,
  timeoutMs: number | undefined,
): Promise<void> {
  const interrupt = new AbortController();
  const onSigint = () => {
    output.err(
      `\nstopped waiting; the job keeps running (cancel it: runfleet jobs cancel ${job.endpointId} ${job.id})\n`,
    );
    interrupt.abort();
  };
  process.once("SIGINT", onSigint);
  const started = Date.now();
  let current: JobStatus | undefined;
  const spin = asJson
    ? { stop: () => undefined, pause: () => undefined }
    : spinner(output, () => {
        const seconds = ((Date.now() - started) / 1000).toFixed(0);
        const status = current?.status ?? "IN_QUEUE";
        return `${status}${current?.reason ? ` (${current.reason})` : ""} ${seconds}s`;
      });
  const streamStop = new AbortController();
  const streaming = (async () => {
    try {
      for await (const chunk of job.stream({ signal: AbortSignal.any([streamStop.signal, interrupt.signal]) })) {
        if (!asJson) {
          spin.pause();
          output.out(`${JSON.stringify(chunk)}\n`);
        }
      }
    } catch {
      // The outcome (failure, cancellation, abort) is reported by the wait below.
    }
  })();
  try {
    const done = await job.wait({
      signal: interrupt.signal,
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
      onStatus: (status) => {
        current = status;
      },
      onProgress: (progress) => {
        if (!asJson) {
          spin.pause();
          output.err(`progress: ${JSON.stringify(progress)}\n`);
        }
      },
    });
    await streaming;
    spin.stop();
    // A streaming handler without an aggregate output has nothing more to print than its chunks.
    output.out(asJson ? json(done) : done.output === undefined ? "" : json(done.output));
  } catch (error) {
    streamStop.abort();
    spin.stop();
    if (asJson && (error instanceof JobFailedError || error instanceof JobCancelledError)) {
      output.out(json(error.job.status));
    } else if (asJson && error instanceof JobTimeoutError && error.job.status) {
      output.out(json(error.job.status));
    }
    throw error;
  } finally {
    process.removeListener("SIGINT", onSigint);
  }
}

/**
 * Runs `call` with an endpoint id; when the control plane does not know `reference` as an id, looks it
 * up as a name (which needs a key that may list endpoints) and runs it again with that endpoint's id.
 */
export async function withEndpoint<T>(
  runfleet: Runfleet,
  reference: string,
  call: (endpointId: string) => Promise<T>,
): Promise<T> {
  try {
    return await call(reference);
  } catch (error) {
    if (!(error instanceof ApiError && error.code === "endpoint_not_found")) {
      throw error;
    }
    const named = await runfleet.endpoints.list().then(
      (all) => all.filter((e) => e.name === reference),
      () => [],
    );
    if (named.length > 1) {
      throw usageError(`several endpoints are named "${reference}" (${named.map((e) => e.id).join(", ")}); give an id`);
    }
    const [match] = named;
    if (match === undefined) {
      throw error;
    }
    return call(match.id);
  }
}
