import { type Handler, isStream, type Job } from "./handler.js";
import { errorBody, type ResultBody, resultBody } from "./result-body.js";

/** How a job ended on the worker's side: the final body to post, and whether it was streamed. */
export interface RunOutcome {
  body: ResultBody;
  isStream: boolean;
  /** Every streamed chunk, in order. */
  chunks: unknown[];
}

/** Options of one handler run. */
export interface RunOptions {
  /** Put every streamed chunk into the final output. */
  returnAggregateStream: boolean;
  /** Ask for the worker to be recycled after this job. */
  refreshWorker: boolean;
  workerId: string;
  /** Delivers one streamed chunk (to the control plane, or the local collector). */
  onChunk: (output: unknown) => Promise<void>;
}

/**
 * Runs a handler on one job, whatever its kind (sync, async, generator, async generator), and returns
 * the body to report. Never throws: a handler's exception becomes a FAILED result. A yielded chunk with an
 * `error` key ends the stream and fails the job, as in RunPod's SDK. Once the job's signal is aborted no
 * further chunk is delivered.
 */
export async function runHandler<Input, Output>(
  handler: Handler<Input, Output>,
  job: Job<Input>,
  options: RunOptions,
): Promise<RunOutcome> {
  const chunks: unknown[] = [];
  try {
    const value: unknown = handler(job);
    if (isStream(value)) {
      for await (const chunk of value as AsyncIterable<unknown>) {
        if (job.signal.aborted) {
          // A stopped job reports nothing more; leaving the loop also ends the generator (its finally runs).
          break;
        }
        if (chunk !== null && typeof chunk === "object" && "error" in chunk) {
          return {
            body: resultBody({ error: (chunk as { error: unknown }).error }, options.refreshWorker),
            isStream: true,
            chunks,
          };
        }
        chunks.push(chunk);
        await options.onChunk(chunk);
      }
      const body: ResultBody = { output: options.returnAggregateStream ? chunks : [] };
      if (options.refreshWorker) {
        body.stopPod = true;
      }
      return { body, isStream: true, chunks };
    }
    return { body: resultBody(await value, options.refreshWorker), isStream: false, chunks };
  } catch (error) {
    return { body: errorBody(error, options.workerId, options.refreshWorker), isStream: chunks.length > 0, chunks };
  }
}
