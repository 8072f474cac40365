import type { JobService } from "../../jobs/job-service.js";
import type { EndpointService } from "../../management/endpoint-service.js";
import type { OperationHandlers } from "../operation-types.js";

/** The RunPod-compatible job API. */
export type JobHandlers = Pick<
  OperationHandlers,
  | "runJob"
  | "runJobSync"
  | "getJobStatus"
  | "waitJobStatus"
  | "waitJobStatusPost"
  | "streamJob"
  | "cancelJob"
  | "retryJob"
  | "purgeQueue"
  | "getEndpointHealth"
>;

/** Counts of an endpoint's workers by the keys RunPod's `/health` uses. */
export type WorkerHealthCounts = (endpointId: string) => {
  idle: number;
  initializing: number;
  ready: number;
  running: number;
  throttled: number;
  unhealthy: number;
};

/** Default hold of `/runsync` and `/status-sync`, as RunPod's. */
const DEFAULT_WAIT_MS = 90_000;
/** Default hold of an empty `/stream`, as RunPod's. */
const DEFAULT_STREAM_WAIT_MS = 10_000;

/** Binds the job API to the job service. */
export function jobHandlers(deps: {
  endpoints: EndpointService;
  jobs: JobService;
  workerCounts: WorkerHealthCounts;
}): JobHandlers {
  const { endpoints, jobs } = deps;
  const waitStatus = async (endpointId: string, jobId: string, wait: number | undefined, signal: AbortSignal) => {
    await endpoints.get(endpointId);
    const job = await jobs.waitForEnd(endpointId, jobId, wait ?? DEFAULT_WAIT_MS, signal);
    return { status: 200 as const, body: jobs.view(job) };
  };
  return {
    runJob: async ({ input }) => {
      const endpoint = await endpoints.get(input.path.endpointId);
      const job = await jobs.submit(endpoint, input.body, {
        kind: "async",
        idempotencyKey: input.header["Idempotency-Key"],
      });
      return { status: 200, body: { id: job.id, status: job.status } };
    },
    runJobSync: async ({ input, signal }) => {
      const endpoint = await endpoints.get(input.path.endpointId);
      const job = await jobs.submit(endpoint, input.body, { kind: "sync" });
      const ended = await jobs.waitForEnd(endpoint.id, job.id, input.query.wait ?? DEFAULT_WAIT_MS, signal);
      return { status: 200, body: jobs.view(ended) };
    },
    getJobStatus: async ({ input }) => {
      await endpoints.get(input.path.endpointId);
      return { status: 200, body: jobs.view(await jobs.get(input.path.endpointId, input.path.jobId)) };
    },
    waitJobStatus: ({ input, signal }) => waitStatus(input.path.endpointId, input.path.jobId, input.query.wait, signal),
    waitJobStatusPost: ({ input, signal }) =>
      waitStatus(input.path.endpointId, input.path.jobId, input.query.wait, signal),
    streamJob: async ({ input, signal }) => {
      await endpoints.get(input.path.endpointId);
      const { job, chunks } = await jobs.takeStream(
        input.path.endpointId,
        input.path.jobId,
        input.query.wait ?? DEFAULT_STREAM_WAIT_MS,
        signal,
      );
      return { status: 200, body: { id: job.id, status: job.status, stream: chunks.map((output) => ({ output })) } };
    },
    cancelJob: async ({ input }) => {
      await endpoints.get(input.path.endpointId);
      return { status: 200, body: jobs.view(await jobs.cancel(input.path.endpointId, input.path.jobId)) };
    },
    retryJob: async ({ input }) => {
      await endpoints.get(input.path.endpointId);
      const job = await jobs.retry(input.path.endpointId, input.path.jobId);
      return { status: 200, body: { id: job.id, status: job.status } };
    },
    purgeQueue: async ({ input }) => {
      await endpoints.get(input.path.endpointId);
      return { status: 200, body: { removed: await jobs.purge(input.path.endpointId), status: "completed" } };
    },
    getEndpointHealth: async ({ input }) => {
      const endpoint = await endpoints.get(input.path.endpointId);
      const counts = jobs.counts(endpoint.id);
      return {
        status: 200,
        body: {
          jobs: {
            completed: counts.COMPLETED,
            failed: counts.FAILED + counts.TIMED_OUT,
            inProgress: counts.IN_PROGRESS,
            inQueue: counts.IN_QUEUE,
            retried: counts.retried,
          },
          workers: deps.workerCounts(endpoint.id),
        },
      };
    },
  };
}
