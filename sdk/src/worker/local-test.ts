import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Handler } from "./handler.js";
import { runHandler } from "./job-runner.js";

/** Options of a local test run. */
export interface LocalTestOptions {
  /** The job as JSON text (`--test-input`), or undefined to read `test_input.json`. */
  testInput: string | undefined;
  cwd: string;
  returnAggregateStream: boolean;
}

/**
 * Runs the handler once on a job given on the command line or in `./test_input.json`, prints the result
 * as JSON on stdout, and returns the exit code: 0 when the job succeeded, 1 when it failed or the input
 * was unusable. This is RunPod's local test mode, so a handler can be tried (and checked in CI) without
 * a control plane.
 */
export async function runLocalTest<Input, Output>(
  handler: Handler<Input, Output>,
  options: LocalTestOptions,
): Promise<number> {
  let text = options.testInput;
  const file = resolve(options.cwd, "test_input.json");
  if (text === undefined) {
    if (!existsSync(file)) {
      process.stderr.write(
        "No job to run: this worker is not under a control plane (RUNPOD_WEBHOOK_GET_JOB is unset).\n" +
          `Pass one with --test-input '{"input": {...}}', or put it in ${file}.\n`,
      );
      return 1;
    }
    text = readFileSync(file, "utf8");
  }
  let job: { id?: unknown; input?: unknown };
  try {
    job = JSON.parse(text) as typeof job;
  } catch (error) {
    process.stderr.write(`test input is not valid JSON: ${(error as Error).message}\n`);
    return 1;
  }
  if (job === null || typeof job !== "object" || !("input" in job)) {
    process.stderr.write('test input must be an object with an "input" field, e.g. {"input": {"name": "x"}}\n');
    return 1;
  }
  const id = typeof job.id === "string" ? job.id : "local_test";
  const outcome = await runHandler(
    handler,
    { ...job, id, input: job.input as Input, signal: new AbortController().signal },
    {
      returnAggregateStream: true,
      refreshWorker: false,
      workerId: "local",
      onChunk: async (chunk) => {
        process.stderr.write(`stream: ${JSON.stringify(chunk)}\n`);
      },
    },
  );
  const output =
    outcome.isStream && !options.returnAggregateStream ? { ...outcome.body, output: outcome.chunks } : outcome.body;
  const failed = outcome.body.error !== undefined;
  const line = `${JSON.stringify({ id, status: failed ? "FAILED" : "COMPLETED", ...output })}\n`;
  // Wait for the write: the caller exits next, and a piped stdout may still hold a large result.
  await new Promise<void>((resolve) => process.stdout.write(line, () => resolve()));
  return failed ? 1 : 0;
}
