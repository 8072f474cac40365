#!/usr/bin/env node
/**
 * A small app on `@runfleet/sdk`: it finds the `echo` endpoint (the quick start's), sends it a job with a
 * typed input, follows its progress, reads a streamed job chunk by chunk, and shows how failures arrive
 * as typed errors. Run it with the control plane up (`npm start`):
 *
 *   RUNFLEET_BASE_URL=http://127.0.0.1:8080 RUNFLEET_API_KEY=rf_... node examples/sdk-app/dist/app.js
 */
import { ApiError, ConnectionError, createRunfleet, JobFailedError, JobTimeoutError } from "@runfleet/sdk";
import { z } from "zod";

/** What the echo worker accepts (see examples/echo-worker). */
const EchoInput = z.object({
  message: z.string().optional(),
  sleepMs: z.number().int().min(0).optional(),
  progress: z.boolean().optional(),
  chunks: z.number().int().min(1).optional(),
  fail: z.string().optional(),
});

/** What it answers; the schema checks every output, so a changed worker fails loudly here. */
const EchoOutput = z.object({ echo: EchoInput, workerId: z.string() });

const runfleet = createRunfleet({
  baseUrl: process.env.RUNFLEET_BASE_URL ?? "http://127.0.0.1:8080",
  apiKey: process.env.RUNFLEET_API_KEY,
});

async function main(): Promise<void> {
  const endpointName = process.env.ENDPOINT_NAME ?? "echo";
  const found = (await runfleet.endpoints.list()).find((e) => e.name === endpointName);
  if (!found) {
    throw new Error(`no endpoint named ${endpointName}; start the control plane with \`npm start\` first`);
  }
  // The types of input and output follow from the schemas.
  const echo = runfleet.endpoint(found.id, {
    input: EchoInput,
    output: EchoOutput,
    chunk: z.object({ chunk: z.number() }),
  });

  // 1. A job with progress: run() returns at once, wait() polls with back-off.
  const job = await echo.run({ message: "hello from the SDK", progress: true, sleepMs: 500 });
  const done = await job.wait({
    timeoutMs: 60_000,
    onProgress: (progress) => console.log("progress:", JSON.stringify(progress)),
  });
  console.log(`job ${done.id}: ${done.output.echo.message} (worker ${done.output.workerId}, ${done.executionTime} ms)`);

  // 2. A streamed job, read as an async iterator.
  const streamed = await echo.run({ chunks: 3 });
  for await (const chunk of streamed.stream()) {
    console.log("chunk:", chunk.chunk);
  }

  // 3. A failing job: the typed error carries the job and the handler's error as its cause.
  try {
    await echo.runSync({ fail: "on purpose" }, { timeoutMs: 60_000 });
  } catch (error) {
    if (!(error instanceof JobFailedError)) {
      throw error;
    }
    console.log(`as expected, ${error.message}`);
  }
}

main().catch((error: unknown) => {
  if (error instanceof ConnectionError || error instanceof ApiError || error instanceof JobTimeoutError) {
    console.error(error.message);
  } else {
    console.error(error);
  }
  process.exitCode = 1;
});
