import { describe, expect, it } from "vitest";
import type { Handler } from "./handler.js";
import { type RunOptions, runHandler } from "./job-runner.js";

/** Runs a handler on a job with `input`, collecting the chunks it streams. */
async function run(
  handler: Handler<unknown, unknown>,
  options: Partial<RunOptions> = {},
  signal: AbortSignal = new AbortController().signal,
) {
  const delivered: unknown[] = [];
  const outcome = await runHandler(
    handler,
    { id: "job_1", input: { n: 1 }, signal },
    {
      returnAggregateStream: false,
      refreshWorker: false,
      workerId: "wk_1",
      onChunk: async (chunk) => {
        delivered.push(chunk);
      },
      ...options,
    },
  );
  return { ...outcome, delivered };
}

function* numbers() {
  yield 1;
  yield 2;
}

async function* asyncNumbers() {
  yield 1;
  await new Promise((resolve) => setTimeout(resolve, 1));
  yield 2;
}

describe("runHandler", () => {
  it.each<[string, Handler<unknown, unknown>]>([
    ["a sync handler", (job) => ({ got: job.input })],
    ["an async handler", async (job) => ({ got: job.input })],
  ])("posts what %s returns", async (_name, handler) => {
    expect(await run(handler)).toMatchObject({ body: { output: { got: { n: 1 } } }, isStream: false, delivered: [] });
  });

  it.each<[string, Handler<unknown, unknown>]>([
    ["a generator", () => numbers()],
    ["an async generator", () => asyncNumbers()],
  ])("streams each value %s yields, and ends with an empty output", async (_name, handler) => {
    expect(await run(handler)).toMatchObject({
      body: { output: [] },
      isStream: true,
      delivered: [1, 2],
      chunks: [1, 2],
    });
  });

  it("ends a stream with every chunk when returnAggregateStream is set", async () => {
    expect((await run(() => numbers(), { returnAggregateStream: true })).body).toEqual({ output: [1, 2] });
  });

  it("asks to be recycled after a stream when refreshWorker is set", async () => {
    expect((await run(() => numbers(), { refreshWorker: true })).body).toEqual({ output: [], stopPod: true });
  });

  it.each<[string, unknown]>([
    ["a string", "abc"],
    ["an array", [1, 2]],
  ])("treats %s as one value, not a stream", async (_name, value) => {
    expect(await run(() => value)).toMatchObject({ body: { output: value }, isStream: false, delivered: [] });
  });

  it("stops streaming at a yielded error and fails the job", async () => {
    function* failing() {
      yield 1;
      yield { error: "out of memory" };
      yield 3;
    }
    expect(await run(() => failing())).toMatchObject({
      body: { error: "out of memory" },
      isStream: true,
      delivered: [1],
    });
  });

  it("fails the job with the error document when a stream throws", async () => {
    async function* throwing() {
      yield 1;
      throw new RangeError("bad chunk");
    }
    const outcome = await run(() => throwing());
    expect(outcome.delivered).toEqual([1]);
    expect(JSON.parse(outcome.body.error as string)).toMatchObject({
      error_type: "RangeError",
      error_message: "bad chunk",
    });
  });

  it.each<[string, Handler<unknown, unknown>]>([
    [
      "a sync handler throws",
      () => {
        throw new Error("sync");
      },
    ],
    ["an async handler rejects", async () => Promise.reject(new Error("async"))],
  ])("fails the job when %s", async (_name, handler) => {
    const outcome = await run(handler);
    expect(outcome.isStream).toBe(false);
    expect(JSON.parse(outcome.body.error as string)).toMatchObject({ error_type: "Error", worker_id: "wk_1" });
  });

  it("delivers no chunk once the job is stopped, and ends the generator", async () => {
    const controller = new AbortController();
    let finished = false;
    function* endless() {
      try {
        for (let i = 0; ; i++) {
          if (i === 2) {
            controller.abort();
          }
          yield i;
        }
      } finally {
        finished = true;
      }
    }
    const outcome = await run(() => endless(), {}, controller.signal);
    expect(outcome.delivered).toEqual([0, 1]);
    expect(finished).toBe(true);
  });
});
