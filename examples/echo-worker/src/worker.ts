#!/usr/bin/env node
/**
 * The echo worker: a small TypeScript worker used by the quick start, the tests and the benchmarks.
 *
 * Input (all optional):
 * - `message`: echoed back;
 * - `sleepMs`: wait this long first (cut short when the job is cancelled);
 * - `log`: write this line to stdout first (for log viewers);
 * - `progress`: send a progress update `{ step: 1 }` first;
 * - `chunks`: stream `{ chunk: i }` for i in 0..chunks-1 instead of returning one value;
 * - `fail`: throw an Error with this message;
 * - `crash`: end the process in the middle of the job (a lost worker).
 *
 * With `ECHO_EXIT_AT_START=1` it exits at once with code 1 (a crash-looping worker). With
 * `ECHO_EXECUTIONS_FILE=<path>` it appends each job's id to that file as it starts the job, so a test can
 * count how often each job ran.
 */
import { appendFileSync } from "node:fs";
import { type HandlerOutput, type Job, progress, start } from "@runfleet/sdk/worker";

/** What the echo worker accepts. */
export interface EchoInput {
  message?: string;
  log?: string;
  sleepMs?: number;
  progress?: boolean;
  chunks?: number;
  fail?: string;
  crash?: boolean;
}

if (process.env.ECHO_EXIT_AT_START === "1") {
  process.stderr.write("echo worker: ECHO_EXIT_AT_START=1, exiting with code 1\n");
  process.exit(1);
}

async function* stream(count: number, signal: AbortSignal): AsyncGenerator<{ chunk: number }> {
  for (let i = 0; i < count && !signal.aborted; i++) {
    yield { chunk: i };
  }
}

/** A result, or one streamed chunk. */
export type EchoOutput = { echo: EchoInput; workerId: string } | { chunk: number };

const executionsFile = process.env.ECHO_EXECUTIONS_FILE;

function handler(job: Job<EchoInput | undefined>): HandlerOutput<EchoOutput> {
  if (executionsFile) {
    appendFileSync(executionsFile, `${job.id}\n`);
  }
  const input = job.input ?? {};
  if (typeof input.chunks === "number") {
    return stream(input.chunks, job.signal);
  }
  return (async () => {
    if (typeof input.log === "string") {
      process.stdout.write(`${input.log}\n`);
    }
    if (input.progress) {
      await progress(job, { step: 1 });
    }
    if (input.sleepMs) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, input.sleepMs);
        job.signal.addEventListener("abort", () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    if (input.crash) {
      process.exit(137);
    }
    if (input.fail) {
      throw new Error(input.fail);
    }
    return { echo: input, workerId: process.env.RUNPOD_POD_ID ?? "local" };
  })();
}

await start<EchoInput | undefined, EchoOutput>({
  handler,
  concurrency: Number(process.env.ECHO_CONCURRENCY ?? 1),
  returnAggregateStream: true,
});
